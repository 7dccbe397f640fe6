"""Sharing and discovery: the sitemap index and its sitemaps (sitemaps.org + hreflang),
robots.txt, Atom feeds (RFC 4287), Open Graph / Twitter meta and NewsArticle JSON-LD, each
parsed with a real XML/JSON parser and checked field by field."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from tests.helpers import (BASE, FIXTURE_SLUGS, FULL, PARTIAL, SEGMENTS, TAGS, UNDATED,
                           UNTRANSLATED, UPDATED, article, translation)
from webapp.locales import LOCALES
from webapp.web.seo import HEADLINE_MAX, headline, json_ld

SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


class Head(HTMLParser):
    """Collects <meta>, <link> and the text of <script type="application/ld+json">."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.meta: list[dict] = []
        self.links: list[dict] = []
        self.json_ld: list[str] = []
        self._in_ld = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta":
            self.meta.append(attrs)
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "script" and attrs.get("type") == "application/ld+json":
            self._in_ld = True
            self.json_ld.append("")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_ld = False

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld[-1] += data

    def props(self, name: str) -> list[str]:
        return [m["content"] for m in self.meta
                if m.get("property") == name or m.get("name") == name]


def head_of(client, url: str) -> Head:
    h = Head()
    h.feed(client.get(url).get_data(as_text=True))
    return h


def xml_of(client, path: str) -> ET.Element:
    resp = client.get(path)
    assert resp.status_code == 200, path
    assert resp.headers["Content-Type"] == "application/xml; charset=utf-8"
    assert resp.headers["Cache-Control"] == "public, max-age=600" and resp.headers["ETag"]
    return ET.fromstring(resp.data)


def sitemap_urls(client) -> dict[str, ET.Element]:
    """Every <url> of every sitemap the index lists, by <loc>."""
    urls = {}
    for loc in xml_of(client, "/sitemap.xml").iter(f"{SM}loc"):
        for url in xml_of(client, loc.text.removeprefix(BASE)).findall(f"{SM}url"):
            loc_text = url.find(f"{SM}loc").text
            assert loc_text not in urls, f"listed twice: {loc_text}"
            urls[loc_text] = url
    return urls


def alternates(url: ET.Element) -> dict[str, str]:
    links = url.findall(f"{XHTML}link")
    assert all(link.get("rel") == "alternate" for link in links)
    return {link.get("hreflang"): link.get("href") for link in links}


# --- sitemaps and robots -------------------------------------------------------------------------

def test_sitemap_is_an_index_of_the_pages_and_one_sitemap_per_month(client):
    root = xml_of(client, "/sitemap.xml")
    assert root.tag == f"{SM}sitemapindex"
    assert [s.find(f"{SM}loc").text for s in root.findall(f"{SM}sitemap")] == [
        f"{BASE}/sitemaps/pages.xml", f"{BASE}/sitemaps/2026-03.xml",
        f"{BASE}/sitemaps/2026-02.xml", f"{BASE}/sitemaps/2026-01.xml",
        f"{BASE}/sitemaps/undated.xml"]


def test_the_pages_sitemap_lists_front_pages_and_archive_in_every_locale(client):
    root = xml_of(client, "/sitemaps/pages.xml")
    assert root.tag == f"{SM}urlset"
    urls = {u.find(f"{SM}loc").text: u for u in root.findall(f"{SM}url")}
    paths = ["", "archive/", "archive/2026/03/", "archive/2026/02/", "archive/2026/01/"]
    assert set(urls) == {f"{BASE}/{seg}/{p}" for seg in SEGMENTS.values() for p in paths}
    for loc, url in urls.items():
        path = loc.split("/", 4)[4]
        want = {TAGS[c]: f"{BASE}/{SEGMENTS[c]}/{path}" for c in LOCALES}
        want["x-default"] = f"{BASE}/zh/{path}"
        assert alternates(url) == want, loc  # every locale, self included, and x-default


def test_month_sitemaps_list_each_article_where_its_translation_has_started(client):
    urls = sitemap_urls(client)
    articles = {loc: u for loc, u in urls.items() if "/archive/" not in loc
                and loc.rstrip("/").count("/") > 3}
    expected = set()
    for slug in FIXTURE_SLUGS:
        segs = ["zh", "zh-hant"] if slug == UNTRANSLATED else list(SEGMENTS.values())
        expected |= {f"{BASE}/{seg}/{slug}/" for seg in segs}
        if slug != UNTRANSLATED:  # the parallel view needs English
            expected |= {f"{BASE}/{seg}/{slug}/parallel/" for seg in SEGMENTS.values()}
    assert set(articles) == expected
    full = alternates(urls[f"{BASE}/en/{FULL}/"])
    assert full == {"zh-Hans": f"{BASE}/zh/{FULL}/", "en": f"{BASE}/en/{FULL}/",
                    "zh-Hant": f"{BASE}/zh-hant/{FULL}/", "x-default": f"{BASE}/zh/{FULL}/"}
    assert alternates(urls[f"{BASE}/zh/{UNTRANSLATED}/"]) == {
        "zh-Hans": f"{BASE}/zh/{UNTRANSLATED}/", "zh-Hant": f"{BASE}/zh-hant/{UNTRANSLATED}/",
        "x-default": f"{BASE}/zh/{UNTRANSLATED}/"}


@pytest.mark.parametrize("slug, lastmod", [
    (FULL, "2026-03-20"),                      # updated, else published
    (UPDATED, "2026-02-28T09:30:00+08:00"),    # a time is written with its zone
    (PARTIAL, "2026-02-10"),
    (UNDATED, None),                           # no date invented
])
def test_sitemap_lastmod_is_the_last_edit_as_w3c_datetime(client, slug, lastmod):
    url = sitemap_urls(client)[f"{BASE}/zh/{slug}/"]
    found = url.find(f"{SM}lastmod")
    assert (found.text if found is not None else None) == lastmod


def test_every_sitemap_url_answers_200(client):
    for loc in sitemap_urls(client):
        assert client.get(loc.removeprefix(BASE)).status_code == 200, loc


def test_a_month_without_articles_has_no_sitemap(client):
    assert client.get("/sitemaps/2025-01.xml").status_code == 404
    assert client.get("/sitemaps/2026-3.xml").status_code == 404


def test_sitemap_urls_come_from_the_site_url_not_the_host(client, make_app):
    body = client.get("/sitemap.xml", base_url="http://localhost:5000").get_data(as_text=True)
    assert f"{BASE}/sitemaps/pages.xml" in body and "localhost" not in body
    other = make_app(SITE_URL="https://reader.example").test_client()
    assert "https://reader.example/sitemaps/2026-03.xml" in other.get("/sitemap.xml").get_data(
        as_text=True)


def test_robots_allows_all_and_names_the_sitemap(client):
    resp = client.get("/robots.txt")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/plain")
    lines = resp.get_data(as_text=True).splitlines()
    assert "User-agent: *" in lines and "Allow: /" in lines
    assert not any(line.startswith("Disallow:") and line.strip() != "Disallow:" for line in lines)
    assert f"Sitemap: {BASE}/sitemap.xml" in lines


# --- Atom feeds ------------------------------------------------------------------------------

def text(el, name):
    found = el.find(f"{ATOM}{name}")
    return found.text if found is not None else None


def feed_of(client, seg: str) -> ET.Element:
    resp = client.get(f"/{seg}/feed.atom")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert resp.headers["Cache-Control"] == "public, max-age=600"
    return ET.fromstring(resp.data)


@pytest.mark.parametrize("code", list(LOCALES))
def test_atom_feed_per_locale_has_the_required_elements(client, code):
    seg = SEGMENTS[code]
    feed = feed_of(client, seg)
    assert feed.tag == f"{ATOM}feed" and feed.get(XML_LANG) == TAGS[code]
    # RFC 4287 §4.1.1: id, title, updated, author, rel=self
    assert text(feed, "id") == f"{BASE}/{seg}/feed.atom"
    assert text(feed, "title") and text(feed, "subtitle")
    assert text(feed, "updated") == "2026-03-20T00:00:00+08:00"  # the newest entry's
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    links = [(link.get("rel"), link.get("type"), link.get("hreflang"), link.get("href"))
             for link in feed.findall(f"{ATOM}link")]
    assert ("self", "application/atom+xml", None, f"{BASE}/{seg}/feed.atom") in links
    assert ("alternate", "text/html", None, f"{BASE}/{seg}/") in links
    for other, info in LOCALES.items():   # every other language's feed, where it has one
        if other != code:
            assert ("alternate", "application/atom+xml", info.tag,
                    f"{BASE}/{info.segment}/feed.atom") in links
    for entry in feed.findall(f"{ATOM}entry"):
        assert RFC3339.match(text(entry, "updated"))
        assert text(entry, "title") and text(entry, "summary")
        alternate = [(link.get("hreflang"), link.get("href"))
                     for link in entry.findall(f"{ATOM}link") if link.get("rel") == "alternate"]
        assert alternate[0] == (None, text(entry, "id"))
        assert all(tag and href.startswith(BASE) for tag, href in alternate[1:])
        assert entry.find(f"{ATOM}content").get("type") == "html"


@pytest.mark.parametrize("seg, slugs", [
    ("zh", [FULL, UPDATED, PARTIAL, UNTRANSLATED]),        # the source: every dated article
    ("zh-hant", [FULL, UPDATED, PARTIAL, UNTRANSLATED]),
    ("en", [FULL, UPDATED, PARTIAL]),                      # not the one not translated yet
])
def test_feeds_carry_the_newest_dated_articles_available_in_their_language(client, seg, slugs):
    entries = feed_of(client, seg).findall(f"{ATOM}entry")
    assert [text(e, "id") for e in entries] == [f"{BASE}/{seg}/{s}/" for s in slugs]


def test_feed_entries_carry_dates_authors_and_the_full_text(client):
    entries = {text(e, "id"): e for e in feed_of(client, "en").findall(f"{ATOM}entry")}
    full = entries[f"{BASE}/en/{FULL}/"]
    assert text(full, "published") == "2026-03-14T00:00:00+08:00"
    assert text(full, "updated") == "2026-03-20T00:00:00+08:00"
    assert [a.find(f"{ATOM}name").text for a in full.findall(f"{ATOM}author")] == \
        ["Li Ming", "Zhou Ting"]
    assert text(full, "title") == "Jintan dragon boat festival draws ten thousand visitors"
    assert text(full, "summary") == "A traditional festival lifts tourism spending"
    content = full.find(f"{ATOM}content").text
    a = article(FULL)
    for block in [*a.body, *(q.text for q in a.quotes), a.note]:
        msgstr = translation(block, "en", FULL)
        assert re.sub(r"\*\*|\[|\]\([^)]*\)", "", msgstr) in re.sub(r"<[^>]+>", "", content)
    assert "<strong>twenty years</strong>" in content and "<script" not in content
    updated_only = entries[f"{BASE}/en/{UPDATED}/"]
    assert text(updated_only, "updated") == "2026-02-28T09:30:00+08:00"
    assert updated_only.find(f"{ATOM}published") is None  # unknown: never invented


def test_feed_text_shown_in_the_source_is_marked(client):
    entries = {text(e, "id"): e for e in feed_of(client, "en").findall(f"{ATOM}entry")}
    content = entries[f"{BASE}/en/{PARTIAL}/"].find(f"{ATOM}content").text
    untranslated = article(PARTIAL).body[2]
    assert re.search(rf'<p id="{untranslated.id}" lang="zh-Hans"[^>]*>{untranslated.text}</p>',
                     content)


def test_traditional_feed_uses_the_traditional_text(client):
    entry = feed_of(client, "zh-hant").find(f"{ATOM}entry")
    assert text(entry, "title") == "金壇龍舟節吸引萬名遊客"
    assert [a.find(f"{ATOM}name").text for a in entry.findall(f"{ATOM}author")] == ["李明", "周婷"]
    assert entry.find(f"{ATOM}title").get(XML_LANG) is None  # ours, not a fallback


def test_feed_size_bounds_the_entries(make_app):
    feed = ET.fromstring(make_app(FEED_SIZE=2).test_client().get("/zh/feed.atom").data)
    assert [text(e, "id") for e in feed.findall(f"{ATOM}entry")] == \
        [f"{BASE}/zh/{FULL}/", f"{BASE}/zh/{UPDATED}/"]


def test_a_feed_with_nothing_dated_and_translated_is_404(site_copy):
    for slug in (FULL, UPDATED, PARTIAL):
        (site_copy.content / f"{slug}.md").unlink()
    client = site_copy.app().test_client()
    # left: an undated article (Atom needs a date) and one not translated into English
    assert client.get("/en/feed.atom").status_code == 404
    assert [text(e, "id") for e in feed_of(client, "zh").findall(f"{ATOM}entry")] == \
        [f"{BASE}/zh/{UNTRANSLATED}/"]


def test_pages_link_their_feed(client):
    for seg in SEGMENTS.values():
        for path in (f"/{seg}/", f"/{seg}/{FULL}/", f"/{seg}/archive/"):
            feeds = [link for link in head_of(client, path).links
                     if link.get("type") == "application/atom+xml"]
            assert [link["href"] for link in feeds] == [f"/{seg}/feed.atom"], path


# --- Open Graph, Twitter, JSON-LD -----------------------------------------------------------------

@pytest.mark.parametrize("code", list(LOCALES))
def test_open_graph_and_twitter_meta(client, code):
    seg = SEGMENTS[code]
    head = head_of(client, f"/{seg}/{FULL}/")
    canonical = f"{BASE}/{seg}/{FULL}/"
    assert head.props("og:type") == ["article"]
    assert head.props("og:url") == [canonical]
    assert [link["href"] for link in head.links if link.get("rel") == "canonical"] == [canonical]
    assert head.props("og:title")[0] and head.props("og:description")[0]
    assert head.props("og:site_name")[0]
    assert head.props("og:locale") == [LOCALES[code].og]
    assert sorted(head.props("og:locale:alternate")) == \
        sorted(i.og for c, i in LOCALES.items() if c != code)
    assert head.props("article:published_time") == ["2026-03-14T00:00:00+08:00"]
    assert head.props("article:modified_time") == ["2026-03-20T00:00:00+08:00"]
    assert head.props("twitter:card") == ["summary"]
    assert head.props("twitter:title") == head.props("og:title")
    assert head.props("og:image") == []  # no article photo to show: none invented
    titles = {"zh": "金坛龙舟节吸引万名游客", "zh_Hant": "金壇龍舟節吸引萬名遊客",
              "en": "Jintan dragon boat festival draws ten thousand visitors"}
    assert head.props("og:title") == [titles[code]]


@pytest.mark.parametrize("code", list(LOCALES))
def test_news_article_json_ld(client, code):
    seg = SEGMENTS[code]
    head = head_of(client, f"/{seg}/{FULL}/")
    assert len(head.json_ld) == 1
    ld = json.loads(head.json_ld[0])
    canonical = f"{BASE}/{seg}/{FULL}/"
    assert ld["@context"] == "https://schema.org" and ld["@type"] == "NewsArticle"
    assert ld["url"] == ld["@id"] == ld["mainEntityOfPage"]["@id"] == canonical
    assert ld["headline"] == head.props("og:title")[0]
    assert ld["description"] == head.props("og:description")[0]
    assert ld["inLanguage"] == TAGS[code]
    assert ld["publisher"] == {"@type": "Organization", "name": "Jintan Reader",
                               "logo": ld["publisher"]["logo"]}
    assert ld["publisher"]["logo"]["url"].startswith(f"{BASE}/static/icons/icon-512.")
    logo = client.get(ld["publisher"]["logo"]["url"].removeprefix(BASE))
    assert logo.status_code == 200
    logo.close()  # whitenoise streams the file
    assert [a["@type"] for a in ld["author"]] == ["Person", "Person"]
    assert ld["datePublished"] == "2026-03-14T00:00:00+08:00"
    assert ld["dateModified"] == "2026-03-20T00:00:00+08:00"
    if code == "zh":
        translations = {w["inLanguage"]: w["url"] for w in ld["workTranslation"]}
        assert translations == {"en": f"{BASE}/en/{FULL}/", "zh-Hant": f"{BASE}/zh-hant/{FULL}/"}
        assert "translationOfWork" not in ld
    else:
        assert ld["translationOfWork"] == {"@type": "NewsArticle", "@id": f"{BASE}/zh/{FULL}/",
                                           "url": f"{BASE}/zh/{FULL}/", "inLanguage": "zh-Hans"}
        assert "workTranslation" not in ld
    if code == "en":
        assert [a["name"] for a in ld["author"]] == ["Li Ming", "Zhou Ting"]


def test_json_ld_names_only_translations_that_exist_and_invents_no_date(client):
    ld = json.loads(head_of(client, f"/zh/{UNTRANSLATED}/").json_ld[0])
    assert [w["inLanguage"] for w in ld["workTranslation"]] == ["zh-Hant"]
    undated = json.loads(head_of(client, f"/zh/{UNDATED}/").json_ld[0])
    assert "datePublished" not in undated and "dateModified" not in undated
    assert "author" not in undated and "description" not in undated


def test_json_ld_cannot_break_out_of_its_script_element():
    data = {"headline": "</script><script>alert(1)</script> & <!-- x"}
    out = str(json_ld(data))
    assert "<" not in out and ">" not in out and "&" not in out
    assert json.loads(out) == data


def test_headline_is_cut_to_110_characters():
    assert headline("短标题") == "短标题"
    long = "长" * 200
    assert len(headline(long)) == HEADLINE_MAX == 110 and headline(long).endswith("…")


def test_article_page_has_a_share_button_hidden_without_javascript(client, app):
    page = client.get(f"/zh-hant/{FULL}/").get_data(as_text=True)
    assert '<div class="share" data-share>' in page
    assert '<button type="button" class="share-button" data-reserve hidden>分享</button>' in page
    assert 'data-copied="連結已複製。"' in page
    share_js = app.extensions["reader"].release.assets["js/share.js"]
    assert f'<script type="module" src="/static/{share_js}"></script>' in page
    en = client.get(f"/en/{FULL}/").get_data(as_text=True)
    assert ">Share</button>" in en and 'data-copied="Link copied."' in en
    assert 'role="status"' in en


class Links(HTMLParser):
    """Every URL-valued attribute (href, src) of an HTML fragment, with its tag."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.urls.append((tag, name, value))


def test_every_link_in_feed_content_resolves_without_xml_base(site_copy):
    """A feed reader that ignores xml:base (most do) must still open the right page: every
    href and src inside atom:content is absolute, resolved against the entry's page URL (RFC
    3986 section 5), a fragment too. An editor's relative links and a fragment link, in the
    Chinese feed (the source text)."""
    from urllib.parse import urljoin
    site_copy.edit(FULL, "更多信息可以访问[金坛文旅](https://example.com/jintan)网站。",
                   "更多信息可以访问[金坛文旅](https://example.com/jintan)网站，"
                   "另见[老桥](/zh/old-bridge/)、[上文](#top)和[同目录](../tea-harvest/)。")
    client = site_copy.app().test_client()
    entries = {text(e, "id"): e for e in feed_of(client, "zh").findall(f"{ATOM}entry")}
    page = f"{BASE}/zh/{FULL}/"
    parser = Links()
    parser.feed(entries[page].find(f"{ATOM}content").text)
    urls = [url for _, _, url in parser.urls]
    assert urls == ["https://example.com/jintan", f"{BASE}/zh/old-bridge/", f"{page}#top",
                    f"{BASE}/zh/tea-harvest/"]
    for entry_id, entry in entries.items():   # and nothing relative anywhere
        parser = Links()
        parser.feed(entry.find(f"{ATOM}content").text)
        for tag, name, url in parser.urls:
            assert url == urljoin(entry_id, url) and "://" in url, (entry_id, tag, name, url)


def entry_updated(client, seg: str, slug: str) -> str:
    entries = {text(e, "id"): e for e in feed_of(client, seg).findall(f"{ATOM}entry")}
    return text(entries[f"{BASE}/{seg}/{slug}/"], "updated")


def test_a_corrected_headline_moves_the_entrys_updated_in_that_locales_feed(site_copy):
    """Subscribers see a correction only if <updated> moves (RFC 4287 4.2.15: "the most
    recent instant in time when an entry ... was modified in a way the publisher considers
    significant"). A corrected English headline moves it in the English feed, to the release
    that first published the new text, and nowhere else; rebuilding the same text keeps it."""
    import json as json_
    first = site_copy.app().test_client()
    assert entry_updated(first, "en", FULL) == "2026-03-20T00:00:00+08:00"  # the article's date
    site_copy_po = site_copy.po("en", FULL)
    text_ = site_copy_po.read_text("utf-8")
    site_copy_po.write_text(text_.replace(
        'msgstr "Jintan dragon boat festival draws ten thousand visitors"',
        'msgstr "Jintan dragon boat festival draws 10,000 visitors"'), "utf-8")
    release = site_copy.release()
    created = json_.loads((release / "release.json").read_text("utf-8"))["created"]
    second = site_copy.app().test_client()
    moved = entry_updated(second, "en", FULL)
    assert moved > "2026-03-20" and dates_equal(moved, created), (moved, created)
    assert entry_updated(second, "zh", FULL) == "2026-03-20T00:00:00+08:00"
    assert entry_updated(second, "zh-hant", FULL) == "2026-03-20T00:00:00+08:00"
    # the feed's own updated follows its newest entry
    assert text(feed_of(second, "en"), "updated") == moved
    # a later release that changes nothing in that entry keeps the instant
    site_copy.edit(UPDATED, "\n", "\n\n")  # another article's file, same text
    third = site_copy.app().test_client()
    assert entry_updated(third, "en", FULL) == moved


def dates_equal(a: str, b: str) -> bool:
    import datetime as dt_
    return dt_.datetime.fromisoformat(a) == dt_.datetime.fromisoformat(b)

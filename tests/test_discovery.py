"""Sharing and discovery: sitemap (sitemaps.org + hreflang), robots.txt, Atom feeds (RFC 4287),
Open Graph / Twitter meta and NewsArticle JSON-LD, each parsed and checked field by field."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from tests.conftest import SEED_SLUG
from tests.helpers import seed_article
from webapp.discovery import HEADLINE_MAX, headline, json_ld
from webapp.i18n import LOCALES

BASE = "http://localhost"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SEGMENTS = {code: info.segment for code, info in LOCALES.items()}
TAGS = {code: info.tag for code, info in LOCALES.items()}
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
        return [m["content"] for m in self.meta if m.get("property") == name or m.get("name") == name]


def head_of(client, url: str) -> Head:
    h = Head()
    h.feed(client.get(url).get_data(as_text=True))
    return h


# --- sitemap and robots ------------------------------------------------------------------------

def test_sitemap_lists_every_page_in_every_locale_with_alternates(client, app):
    resp = client.get("/sitemap.xml")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"].startswith("application/xml")
    assert resp.headers["Cache-Control"] == "public, max-age=3600" and resp.headers["ETag"]
    root = ET.fromstring(resp.data)
    assert root.tag == f"{SM}urlset"
    urls = {u.find(f"{SM}loc").text: u for u in root.findall(f"{SM}url")}
    paths = [""] + [f"{slug}/" for slug in app.extensions["articles"]]
    if "reader.parallel" in app.view_functions:
        paths += [f"{slug}/parallel/" for slug in app.extensions["articles"]]
    expected = {f"{BASE}/{seg}/{p}" for seg in SEGMENTS.values() for p in paths}
    assert set(urls) == expected
    for loc, url in urls.items():
        path = loc.split("/", 4)[4]
        alternates = {l.get("hreflang"): l.get("href") for l in url.findall(f"{XHTML}link")}
        assert all(l.get("rel") == "alternate" for l in url.findall(f"{XHTML}link"))
        want = {TAGS[c]: f"{BASE}/{SEGMENTS[c]}/{path}" for c in LOCALES}
        want["x-default"] = f"{BASE}/zh/{path}"
        assert alternates == want, loc  # every locale, self included, and x-default
        assert loc in alternates.values()
    article = urls[f"{BASE}/zh-hant/{SEED_SLUG}/"]
    assert article.find(f"{SM}lastmod").text == "2026-11-29"  # the seed's `updated`
    dt.date.fromisoformat(article.find(f"{SM}lastmod").text)


def test_sitemap_urls_follow_the_requests_public_url(client):
    body = client.get("/sitemap.xml", base_url="https://reader.example").get_data(as_text=True)
    assert "https://reader.example/zh-hant/" in body and "http://localhost" not in body
    assert client.get("/sitemap.xml").headers["ETag"] != \
        client.get("/sitemap.xml", base_url="https://reader.example").headers["ETag"]


def test_every_sitemap_url_answers_200(client):
    root = ET.fromstring(client.get("/sitemap.xml").data)
    for loc in root.iter(f"{SM}loc"):
        assert client.get(loc.text.removeprefix(BASE)).status_code == 200, loc.text


def test_robots_allows_all_and_names_the_sitemap(client):
    resp = client.get("/robots.txt", base_url="https://reader.example")
    assert resp.status_code == 200 and resp.headers["Content-Type"].startswith("text/plain")
    lines = resp.get_data(as_text=True).splitlines()
    assert "User-agent: *" in lines and "Allow: /" in lines
    assert not any(l.startswith("Disallow:") and l.strip() != "Disallow:" for l in lines)
    assert "Sitemap: https://reader.example/sitemap.xml" in lines


# --- Atom feeds -----------------------------------------------------------------------------------

def text(el, name):
    found = el.find(f"{ATOM}{name}")
    return found.text if found is not None else None


@pytest.mark.parametrize("code", list(LOCALES))
def test_atom_feed_per_locale_has_the_required_elements(client, code):
    seg = SEGMENTS[code]
    resp = client.get(f"/{seg}/feed.atom")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert resp.headers["Cache-Control"] == "public, max-age=3600"
    feed = ET.fromstring(resp.data)
    assert feed.tag == f"{ATOM}feed" and feed.get(XML_LANG) == TAGS[code]
    # RFC 4287 §4.1.1: id, title, updated; author (no entry lacks one here anyway); rel=self
    assert text(feed, "id") == f"{BASE}/{seg}/feed.atom"
    assert text(feed, "title")
    assert RFC3339.match(text(feed, "updated"))
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    links = [(l.get("rel"), l.get("type"), l.get("hreflang"), l.get("href"))
             for l in feed.findall(f"{ATOM}link")]
    assert ("self", "application/atom+xml", None, f"{BASE}/{seg}/feed.atom") in links
    assert ("alternate", "text/html", None, f"{BASE}/{seg}/") in links
    for other, info in LOCALES.items():
        if other != code:
            assert ("alternate", "application/atom+xml", info.tag,
                    f"{BASE}/{info.segment}/feed.atom") in links
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 1
    entry = entries[0]
    assert text(entry, "id") == f"{BASE}/{seg}/{SEED_SLUG}/"
    assert text(entry, "updated") == "2026-11-29T00:00:00+08:00" == text(feed, "updated")
    assert entry.find(f"{ATOM}published") is None  # the seed's publication date is unknown
    alternates = [l for l in entry.findall(f"{ATOM}link") if l.get("rel") == "alternate"]
    assert alternates[0].get("href") == f"{BASE}/{seg}/{SEED_SLUG}/"
    assert len({(l.get("type"), l.get("hreflang")) for l in alternates}) == len(alternates) == 3
    assert [a.find(f"{ATOM}name").text for a in entry.findall(f"{ATOM}author")]
    assert text(entry, "title") and text(entry, "summary")
    content = entry.find(f"{ATOM}content")
    assert content.get("type") == "html" and content.text.count("<p>") >= 12
    if code == "zh_Hant":
        assert text(entry, "title") == "小城市如何打造「大產業」？"
        assert text(entry, "summary") == "探究金壇新春「第一會」背後的答案"
        assert [a.find(f"{ATOM}name").text for a in entry.findall(f"{ATOM}author")] == \
            ["師杰", "王冰瑩", "陳月喬"]
    if code == "en":
        assert text(entry, "title").startswith("How can a small city build")
        assert "<script" not in content.text


def test_feeds_leave_out_undated_articles(make_app, content_copy):
    article = content_copy / f"{SEED_SLUG}.md"
    article.write_text(re.sub(r"(?m)^updated: .*\n", "", article.read_text("utf-8")), "utf-8")
    client = make_app(CONTENT_DIR=str(content_copy)).test_client()
    assert client.get("/en/feed.atom").status_code == 404  # no date to give: no invented one
    root = ET.fromstring(client.get("/sitemap.xml").data)
    assert root.find(f"{SM}url/{SM}lastmod") is None


def test_feed_uses_published_when_given(make_app, content_copy):
    article = content_copy / f"{SEED_SLUG}.md"
    article.write_text(article.read_text("utf-8").replace(
        "updated: 2026-11-29", "published: 2023-01-30\nupdated: 2026-11-29"), "utf-8")
    client = make_app(CONTENT_DIR=str(content_copy)).test_client()
    entry = ET.fromstring(client.get("/zh/feed.atom").data).find(f"{ATOM}entry")
    assert text(entry, "published") == "2023-01-30T00:00:00+08:00"
    assert text(entry, "updated") == "2026-11-29T00:00:00+08:00"
    ld = json.loads(head_of(client, f"/zh/{SEED_SLUG}/").json_ld[0])
    assert ld["datePublished"] == "2023-01-30T00:00:00+08:00"


def test_pages_link_their_feed(client):
    for code, seg in SEGMENTS.items():
        links = head_of(client, f"/{seg}/").links
        feeds = [l for l in links if l.get("type") == "application/atom+xml"]
        assert [l["href"] for l in feeds] == [f"/{seg}/feed.atom"]


# --- Open Graph, Twitter, JSON-LD ---------------------------------------------------------------

@pytest.mark.parametrize("code", list(LOCALES))
def test_open_graph_and_twitter_meta(client, code):
    seg = SEGMENTS[code]
    head = head_of(client, f"/{seg}/{SEED_SLUG}/")
    canonical = f"{BASE}/{seg}/{SEED_SLUG}/"
    assert head.props("og:type") == ["article"]
    assert head.props("og:url") == [canonical]
    assert [l["href"] for l in head.links if l.get("rel") == "canonical"] == [canonical]
    assert head.props("og:title")[0] and head.props("og:description")[0]
    assert head.props("og:site_name")[0]
    assert head.props("og:locale") == [LOCALES[code].og]
    assert sorted(head.props("og:locale:alternate")) == \
        sorted(i.og for c, i in LOCALES.items() if c != code)
    assert head.props("twitter:card") == ["summary"]
    assert head.props("twitter:title") == head.props("og:title")
    assert head.props("og:image") == []  # no photo to show: none invented
    if code == "zh_Hant":
        assert head.props("og:title") == ["小城市如何打造「大產業」？"]


@pytest.mark.parametrize("code", list(LOCALES))
def test_news_article_json_ld(client, code):
    seg = SEGMENTS[code]
    head = head_of(client, f"/{seg}/{SEED_SLUG}/")
    assert len(head.json_ld) == 1
    ld = json.loads(head.json_ld[0])
    canonical = f"{BASE}/{seg}/{SEED_SLUG}/"
    assert ld["@context"] == "https://schema.org" and ld["@type"] == "NewsArticle"
    assert ld["url"] == ld["@id"] == ld["mainEntityOfPage"]["@id"] == canonical
    assert 0 < len(ld["headline"]) <= 110
    assert ld["headline"] == head.props("og:title")[0]
    assert ld["inLanguage"] == LOCALES[code].tag
    assert ld["publisher"] == {"@type": "Organization", "name": "Jintan Reader",
                               "logo": ld["publisher"]["logo"]}
    assert ld["publisher"]["logo"]["url"].startswith(f"{BASE}/static/icons/icon-512.")
    assert len(ld["author"]) == 3 and all(a["@type"] == "Person" and a["name"] for a in ld["author"])
    assert "datePublished" not in ld  # unknown for the seed, never invented
    assert ld["dateModified"] == "2026-11-29T00:00:00+08:00"
    if code == "zh":
        translations = {w["inLanguage"]: w["url"] for w in ld["workTranslation"]}
        assert translations == {"en": f"{BASE}/en/{SEED_SLUG}/",
                                "zh-Hant": f"{BASE}/zh-hant/{SEED_SLUG}/"}
        assert "translationOfWork" not in ld
    else:
        assert ld["translationOfWork"] == {"@type": "NewsArticle", "@id": f"{BASE}/zh/{SEED_SLUG}/",
                                           "url": f"{BASE}/zh/{SEED_SLUG}/", "inLanguage": "zh-Hans"}
        assert "workTranslation" not in ld
    if code == "en":
        assert [a["name"] for a in ld["author"]] == ["Shi Jie", "Wang Bingying", "Chen Yueqiao"]


def test_json_ld_cannot_break_out_of_its_script_element():
    data = {"headline": "</script><script>alert(1)</script> & <!-- x"}
    out = str(json_ld(data))
    assert "<" not in out and ">" not in out and "&" not in out
    assert json.loads(out) == data


def test_headline_is_cut_to_110_characters():
    assert headline("短标题") == "短标题"
    long = "长" * 200
    assert len(headline(long)) == HEADLINE_MAX and headline(long).endswith("…")


def test_article_page_has_a_share_button_hidden_without_javascript(client, app):
    page = client.get(f"/zh-hant/{SEED_SLUG}/").get_data(as_text=True)
    assert '<div class="share" data-share>' in page
    assert '<button type="button" class="share-button" data-reserve hidden>分享</button>' in page
    assert 'data-copied="連結已複製"' in page
    share_js = app.extensions["assets"]["js/share.js"]
    assert f'<script type="module" src="/static/{share_js}"></script>' in page
    en = client.get(f"/en/{SEED_SLUG}/").get_data(as_text=True)
    assert ">Share</button>" in en and 'data-copied="Link copied"' in en
    assert 'role="status"' in en

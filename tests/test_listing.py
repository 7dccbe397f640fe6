"""Lists of articles a daily reader uses: the front page (newest first, paginated), the
archive by month and the undated articles. The list's markup is being restyled: these tests
read what a reader sees (titles, links, dates, notes), not the exact markup."""

from __future__ import annotations

import re

import pytest

from tests.helpers import (markup, BASE, FIXTURE_SLUGS, FULL, PARTIAL, UNDATED, UNTRANSLATED, UPDATED,
                           article, main_of, text_of, translation)


def items(html: str) -> list[dict]:
    """The articles a list shows, in order: link, title text, the item's whole text, and the
    ``lang`` of the title when it is not the page's."""
    main = main_of(html)
    found = []
    for li in re.findall(r'<article class="list-item[^"]*">(.*?)</article>', main, re.S):
        link = re.search(r'<a [^>]*href="([^"]+)"[^>]*>(.*?)</a>', li, re.S)
        heading = re.search(r'<h2 class="list-title"([^>]*)>', li)
        lang = re.search(r'lang="([^"]+)"', (heading.group(1) if heading else "") + link.group(2))
        found.append({"href": link.group(1), "title": text_of(link.group(2)),
                      "text": text_of(li), "lang": lang.group(1) if lang else None})
    return found


def test_front_page_lists_every_article_newest_first_undated_last(client):
    listed = items(client.get("/zh/").get_data(as_text=True))
    assert [i["href"] for i in listed] == [f"/zh/{slug}/" for slug in FIXTURE_SLUGS]
    assert [i["title"] for i in listed] == [article(s).title.text for s in FIXTURE_SLUGS]
    assert all(i["lang"] is None for i in listed)


def test_front_page_dates_are_localized_and_say_when_only_updated(client):
    zh = {i["href"]: i["text"] for i in items(client.get("/zh/").get_data(as_text=True))}
    en = {i["href"]: i["text"] for i in items(client.get("/en/").get_data(as_text=True))}
    assert "2026年3月14日" in zh[f"/zh/{FULL}/"]
    assert "March 14, 2026" in en[f"/en/{FULL}/"]
    # no publication date: the day our copy was added, as the article page says it
    assert "Added February 28, 2026" in en[f"/en/{UPDATED}/"]
    assert "收录于 2026年2月28日" in zh[f"/zh/{UPDATED}/"]
    assert "Updated" not in en[f"/en/{UPDATED}/"] and "更新" not in zh[f"/zh/{UPDATED}/"]
    assert "Added" not in en[f"/en/{FULL}/"]
    assert not re.search(r"\d{4}", en[f"/en/{UNDATED}/"])  # no date invented


def test_english_front_page_lists_untranslated_articles_and_says_so(client):
    listed = {i["href"]: i for i in items(client.get("/en/").get_data(as_text=True))}
    assert [h for h, i in listed.items() if "English (not yet translated)" in i["text"]] == \
        [f"/en/{UNTRANSLATED}/"]
    untranslated = listed[f"/en/{UNTRANSLATED}/"]
    assert untranslated["title"] == article(UNTRANSLATED).title.text
    assert untranslated["lang"] == "zh-Hans"  # Chinese text in an English list, marked
    partial = listed[f"/en/{PARTIAL}/"]
    assert partial["title"] == translation(article(PARTIAL).title, "en", PARTIAL)
    assert "English (partly translated)" in partial["text"]
    zh = {i["href"]: i for i in items(client.get("/zh/").get_data(as_text=True))}
    assert "English（尚未翻译）" in zh[f"/zh/{UNTRANSLATED}/"]["text"].replace(" ", "")


def test_traditional_front_page_uses_the_traditional_titles(client):
    listed = items(client.get("/zh-hant/").get_data(as_text=True))
    assert (listed[0]["href"], listed[0]["title"], listed[0]["lang"]) == \
        (f"/zh-hant/{FULL}/", "金壇龍舟節吸引萬名遊客", None)


def test_front_pages_are_paginated_with_prev_and_next(make_app):
    client = make_app(PAGE_SIZE=2).test_client()
    first = markup(client.get("/en/").get_data(as_text=True))
    assert [i["href"] for i in items(first)] == [f"/en/{FULL}/", f"/en/{UPDATED}/"]
    assert '<link rel="next" href="/en/page/2/">' in first and 'rel="prev"' not in first
    second = client.get("/en/page/2/").get_data(as_text=True)
    assert [i["href"] for i in items(second)] == [f"/en/{PARTIAL}/", f"/en/{UNTRANSLATED}/"]
    assert '<link rel="prev" href="/en/">' in second
    assert '<link rel="next" href="/en/page/3/">' in second
    assert "Page 2 of 3" in text_of(main_of(second))
    last = markup(client.get("/en/page/3/").get_data(as_text=True))
    assert [i["href"] for i in items(last)] == [f"/en/{UNDATED}/"]
    assert '<link rel="prev" href="/en/page/2/">' in last and 'rel="next"' not in last
    assert f'<link rel="canonical" href="{BASE}/en/page/3/">' in last
    zh = client.get("/zh/page/2/").get_data(as_text=True)
    assert "第 2 页，共 3 页" in text_of(main_of(zh))


def test_one_page_of_articles_has_no_pagination(client):
    page = markup(client.get("/en/").get_data(as_text=True))
    assert 'rel="next"' not in page and 'rel="prev"' not in page
    assert client.get("/en/page/2/").status_code == 404


@pytest.mark.parametrize("path", ["/en/page/4/", "/en/page/0/", "/en/page/99999999999/"])
def test_a_page_beyond_the_last_is_404(make_app, path):
    assert make_app(PAGE_SIZE=2).test_client().get(path).status_code == 404


def test_page_one_redirects_to_the_front_page(make_app):
    resp = make_app(PAGE_SIZE=2).test_client().get("/en/page/1/")
    assert resp.status_code == 308 and resp.headers["Location"] == "/en/"
    assert resp.headers["Cache-Control"].startswith("public, max-age=")


def test_archive_lists_months_newest_first_with_counts(client):
    en = text_of(main_of(client.get("/en/archive/").get_data(as_text=True)))
    assert re.search(r"March 2026 1 article February 2026 2 articles January 2026 1 article", en)
    assert "Articles without a date 1 article" in en
    zh = client.get("/zh/archive/").get_data(as_text=True)
    months = re.findall(r'<a href="(/zh/archive/[^"]+)">([^<]+)</a>', zh)
    assert months == [("/zh/archive/2026/03/", "2026年3月"), ("/zh/archive/2026/02/", "2026年2月"),
                      ("/zh/archive/2026/01/", "2026年1月"),
                      ("/zh/archive/undated/", "未注明日期的文章")]


def test_front_page_links_the_archive(client):
    for seg in ("zh", "en", "zh-hant"):
        assert f'href="/{seg}/archive/"' in main_of(client.get(f"/{seg}/").get_data(as_text=True))


def test_a_month_of_the_archive_lists_its_articles(client):
    page = client.get("/en/archive/2026/02/").get_data(as_text=True)
    assert "<h1" in page and "February 2026" in text_of(main_of(page))
    assert [i["href"] for i in items(page)] == [f"/en/{UPDATED}/", f"/en/{PARTIAL}/"]
    undated = client.get("/zh/archive/undated/").get_data(as_text=True)
    assert [i["href"] for i in items(undated)] == [f"/zh/{UNDATED}/"]


@pytest.mark.parametrize("path", ["/en/archive/2026/04/", "/en/archive/2026/13/",
                                  "/en/archive/2026/00/", "/en/archive/2026/2/",
                                  "/en/archive/26/02/"])
def test_a_month_without_articles_is_404(client, path):
    assert client.get(path).status_code == 404


def test_without_undated_articles_there_is_no_undated_page(site_copy):
    (site_copy.content / f"{UNDATED}.md").unlink()
    client = site_copy.app().test_client()
    assert client.get("/en/archive/undated/").status_code == 404
    assert "undated" not in client.get("/en/archive/").get_data(as_text=True)

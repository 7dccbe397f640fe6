"""What a reader gets from each URL: full article in each locale, redirects, errors."""

from __future__ import annotations

import pytest

from tests.conftest import SEED_SLUG
from tests.helpers import english_catalog, parse_page, seed_article

ARTICLE = f"/{{}}/{SEED_SLUG}/"


def test_chinese_page_shows_every_block_of_the_article(client):
    resp = client.get(ARTICLE.format("zh"))
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert '<html lang="zh-Hans">' in page
    parsed = parse_page(page)
    for block in seed_article().blocks:
        assert block.id in parsed.by_id, block.id
        assert block.text in parsed.by_id[block.id]["text"], block.id
        assert "lang" not in parsed.by_id[block.id]["attrs"]
    assert page.count("<h1") == 1


def test_english_page_shows_the_translation_of_every_block(client):
    page = client.get(ARTICLE.format("en")).get_data(as_text=True)
    assert '<html lang="en">' in page
    parsed = parse_page(page)
    catalog = english_catalog()
    for block in seed_article().blocks:
        msg = catalog.get(block.text, context=block.msgctxt)
        assert msg and msg.string and not msg.fuzzy, block.id
        assert msg.string in parsed.by_id[block.id]["text"], block.id
        assert block.text not in page, f"Chinese source leaked for {block.id}"
    assert 'lang="zh-Hans"' not in page.split("</nav>", 1)[1]  # nothing fell back


def test_structure_is_semantic(client):
    page = client.get(ARTICLE.format("en")).get_data(as_text=True)
    for tag in ("<article", "<header", "<figure", "<figcaption", "<blockquote", "<main"):
        assert tag in page
    assert page.count("<blockquote") == 6
    assert "<img" not in page  # the seed has no photos: captions only, never a broken image


@pytest.mark.parametrize("locale, other", [("zh", "en"), ("en", "zh"), ("zh-hant", "zh")])
def test_switcher_hreflang_and_canonical(client, locale, other):
    page = client.get(ARTICLE.format(locale)).get_data(as_text=True)
    base = "http://localhost"
    assert f'<link rel="canonical" href="{base}/{locale}/{SEED_SLUG}/">' in page
    assert f'<link rel="alternate" hreflang="zh-Hans" href="{base}/zh/{SEED_SLUG}/">' in page
    assert f'<link rel="alternate" hreflang="en" href="{base}/en/{SEED_SLUG}/">' in page
    assert f'<link rel="alternate" hreflang="zh-Hant" href="{base}/zh-hant/{SEED_SLUG}/">' in page
    assert f'<link rel="alternate" hreflang="x-default" href="{base}/zh/{SEED_SLUG}/">' in page
    assert f'href="/{other}/{SEED_SLUG}/"' in page  # the switcher leads to the same article
    assert f'href="/{locale}/{SEED_SLUG}/" hreflang' in page and 'aria-current="page"' in page


def test_front_page_lists_the_article_in_each_locale(client):
    zh = client.get("/zh/").get_data(as_text=True)
    en = client.get("/en/").get_data(as_text=True)
    assert f'href="/zh/{SEED_SLUG}/"' in zh and "小城市如何打造“大产业”？" in zh
    assert f'href="/en/{SEED_SLUG}/"' in en and "How can a small city build" in en


@pytest.mark.parametrize("accept, cookie, expected", [
    (None, None, "/zh/"),
    ("en", None, "/en/"),
    ("en-GB,en;q=0.9", None, "/en/"),
    ("zh-CN,zh;q=0.9,en;q=0.8", None, "/zh/"),
    ("zh-TW", None, "/zh-hant/"),
    ("zh-Hans", None, "/zh/"),
    ("zh-Hant-HK", None, "/zh-hant/"),
    ("fr-FR,en;q=0.5", None, "/en/"),
    ("fr, de", None, "/zh/"),
    ("en;q=0.1, zh;q=0.9", None, "/zh/"),
    ("en;q=0", None, "/zh/"),
    ("en", "zh", "/zh/"),            # the saved choice beats the header
    ("zh-CN", "en", "/en/"),
    ("zh-CN", "klingon", "/zh/"),     # an unknown cookie value is ignored
    ("en", "EN", "/en/"),
    ("en", "%%%\x7f", "/en/"),
    ("en", "zh_Hant", "/zh-hant/"),   # the switcher saves the locale id
    ("zh-TW", "zh", "/zh/"),
])
def test_root_redirects_to_the_readers_language(client, accept, cookie, expected):
    headers = {"Accept-Language": accept} if accept else {}
    if cookie is not None:
        client.set_cookie("locale", cookie)
    resp = client.get("/", headers=headers)
    assert resp.status_code == 302
    assert resp.headers["Location"] == expected
    assert resp.headers["Vary"] == "Accept-Language, Cookie"
    assert "private" in resp.headers["Cache-Control"]


@pytest.mark.parametrize("accept", [
    ";;;,,,", "en;q=abc", "*", "x" * 5000, "zh-\u00e9", "en;q=0.5;q=0.7", "\x00", "-", "q=1",
])
def test_malformed_accept_language_never_breaks_the_redirect(client, accept):
    resp = client.get("/", headers={"Accept-Language": accept})
    assert resp.status_code == 302
    assert resp.headers["Location"] in ("/zh/", "/en/", "/zh-hant/")


@pytest.mark.parametrize("path, accept, lang, marker", [
    ("/fr/", "en", "en", "Page not found"),
    ("/fr/", "zh-CN", "zh-Hans", "页面未找到"),
    (f"/en/no-such-article/", "zh", "en", "Page not found"),
    (f"/zh/no-such-article/", "en", "zh-Hans", "页面未找到"),
    ("/en/a/b/c", None, "en", "Page not found"),
    ("/%ff%fe/", None, "zh-Hans", "页面未找到"),
    ("/zh/..%2F..%2Fetc%2Fpasswd/", None, "zh-Hans", "页面未找到"),
])
def test_unknown_pages_get_a_404_in_the_readers_language(client, path, accept, lang, marker):
    headers = {"Accept-Language": accept} if accept else {}
    resp = client.get(path, headers=headers)
    assert resp.status_code == 404
    page = resp.get_data(as_text=True)
    assert f'<html lang="{lang}">' in page and marker in page
    assert 'href="/' in page  # a way home


def test_wrong_method_is_405_with_allow(client):
    resp = client.post(ARTICLE.format("en"))
    assert resp.status_code == 405
    assert "GET" in resp.headers["Allow"]


def test_pages_carry_cache_control_and_a_strong_etag(client):
    resp = client.get(ARTICLE.format("en"))
    etag = resp.headers["ETag"]
    assert etag.startswith('"') and "max-age" in resp.headers["Cache-Control"]
    again = client.get(ARTICLE.format("en"), headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert client.get(ARTICLE.format("zh")).headers["ETag"] != etag


def test_healthz(client):
    resp = client.get("/healthz")
    assert resp.status_code == 200 and resp.data == b"ok\n"


def test_static_files_are_hashed_compressed_and_immutable(client):
    page = client.get("/en/").get_data(as_text=True)
    href = page.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
    assert href.startswith("/static/css/site.") and len(href.split(".")[-2]) == 12
    resp = client.get(href, headers={"Accept-Encoding": "br"})
    assert resp.status_code == 200
    assert resp.headers["Content-Encoding"] == "br"
    cache_control = resp.headers["Cache-Control"]
    resp.close()
    assert "immutable" in cache_control
    assert int(cache_control.split("max-age=")[1].split(",")[0]) >= 31536000
    assert client.get("/static/css/site.css").status_code == 404
    assert client.get("/static/../webapp/__init__.py").status_code == 404


def test_page_needs_no_third_party_origin(client):
    page = client.get(ARTICLE.format("zh")).get_data(as_text=True)
    for attr in ('src="http', "src=\"//", 'rel="stylesheet" href="http'):
        assert attr not in page

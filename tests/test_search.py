"""Search (/<locale>/search/, webapp/search.py): what a reader finds, how results look, and what
bad input gets. The test set is tests/data/search_queries.tsv, on the fixture articles plus
three synthetic ones (scripts/synth.py, made from the seed article)."""

from __future__ import annotations

import re
import shutil
import sqlite3
import sys
from pathlib import Path

import pytest

from tests.helpers import (markup, DATA, FIXTURE_CONTENT, FIXTURE_TRANSLATIONS, build_release,
                           site_config, start_app)
from webapp.config import ROOT
from webapp.locales import LOCALES

sys.path.insert(0, str(ROOT / "scripts"))
import synth  # noqa: E402

SYNTHETIC = ["synthetic-00001", "synthetic-00002", "synthetic-00003"]
SEGMENT = {code: info.segment for code, info in LOCALES.items()}


@pytest.fixture(scope="module")
def search_site(tmp_path_factory) -> dict:
    """A release of the fixture articles plus three synthetic ones."""
    root = synth.generate(3, tmp_path_factory.mktemp("search") / "site")
    for md in FIXTURE_CONTENT.glob("*.md"):
        shutil.copy(md, root / "content" / md.name)
    shutil.copytree(FIXTURE_TRANSLATIONS, root / "translations", dirs_exist_ok=True)
    shutil.copytree(FIXTURE_CONTENT.parent / "photos", root / "photos")   # the fixtures' photos
    config = site_config(root / "content", root / "translations", root / "build")
    build_release(config)
    return config


@pytest.fixture
def client(search_site):
    return start_app(search_site).test_client()


def results(client, query: str, locale: str = "zh", page: int | None = None) -> list[str]:
    """Slugs of the results of ``query`` on ``locale``'s search page, in order."""
    args = {"q": query} if page is None else {"q": query, "page": page}
    resp = client.get(f"/{SEGMENT[locale]}/search/", query_string=args)
    assert resp.status_code == 200, (query, resp.status_code)
    html = resp.get_data(as_text=True)
    return re.findall(rf'<h2 class="list-title"[^>]*><a href="/{SEGMENT[locale]}/([a-z0-9-]+)/"',
                      html)


def all_results(client, query: str, locale: str) -> list[str]:
    out, page = [], 1
    while True:
        found = results(client, query, locale, page)
        out += found
        resp = client.get(f"/{SEGMENT[locale]}/search/", query_string={"q": query, "page": page})
        if 'rel="next"' not in markup(resp.get_data(as_text=True)):
            return out
        page += 1


def test_set(client, capsys):
    """Every query of the test set finds every article it names, and those that should find
    nothing find nothing. Prints recall."""
    rows = [line.split("\t") for line in (DATA / "search_queries.tsv").read_text("utf-8")
            .splitlines() if line and not line.startswith(("#", "query\t"))]
    assert len(rows) >= 40
    assert {r[1] for r in rows} == set(LOCALES)
    expected_total = found_total = 0
    misses, extra = [], []
    for query, locale, expected in rows:
        want = set() if expected.strip() == "-" else set(expected.split())
        got = all_results(client, query, locale)
        assert len(got) == len(set(got)), f"{query}: an article listed twice"
        expected_total += len(want)
        found_total += len(want & set(got))
        if want - set(got):
            misses.append((query, locale, sorted(want - set(got))))
        if not want and got:
            extra.append((query, locale, got))
    recall = found_total / expected_total
    with capsys.disabled():
        print(f"\nsearch test set: {len(rows)} queries, recall {recall:.1%} "
              f"({found_total}/{expected_total}), "
              f"{sum(1 for r in rows if r[2].strip() == '-')} that must find nothing")
    assert not misses, misses
    assert not extra, extra
    assert recall == 1.0


def test_headline_matches_first_then_newest_then_slug(client):
    # 金坛 is in the headlines of river-festival (published 2026-03-14) and market-update
    # (updated 2026-02-28), only in the text of the synthetic ones, which are newer
    found = results(client, "金坛")
    assert found[:2] == ["river-festival", "market-update"]
    # the synthetic articles: 00001 is the newest (2026-11-29); 00002 and 00003 share a day
    assert found[2:] == SYNTHETIC


def test_results_show_headline_date_and_escaped_snippet(client):
    html = client.get("/en/search/", query_string={"q": "batteries"}).get_data(as_text=True)
    item = html[html.index('<li class="search-item">'):]
    item = item[:item.index("</li>")]
    assert "How can a small city build" in item
    assert '<time datetime="2026-11-29">' in item
    snippet = re.search(r'<p class="search-snippet"[^>]*>(.*?)</p>', item, re.S).group(1)
    assert re.search(r"<mark>batter(y|ies)</mark>", snippet), snippet
    assert re.sub(r"</?mark>", "", snippet).count("<") == 0


def test_snippet_markup_in_text_and_query_is_escaped():
    from webapp.search import find_matches, parse_query, snippet
    text = "<script>alert(1)</script> 金坛的电池 & <b>battery</b>"
    query = parse_query('<img onerror=x> 電池 "battery"')
    out = str(snippet(text, find_matches(text, query)))
    assert "<script>" not in out and "<b>" not in out
    assert "&lt;script&gt;" in out
    assert "<mark>电池</mark>" in out and "<mark>battery</mark>" in out


def test_traditional_page_shows_traditional_snippet_for_simplified_query(client):
    html = client.get("/zh-hant/search/", query_string={"q": "电池"}).get_data(as_text=True)
    snippet = re.search(r'<p class="search-snippet"[^>]*>(.*?)</p>', html, re.S).group(1)
    assert "<mark>電池</mark>" in snippet


def test_english_page_shows_chinese_snippet_with_its_lang(client):
    html = client.get("/en/search/", query_string={"q": "长荡湖"}).get_data(as_text=True)
    assert re.search(r'<p class="search-snippet" lang="zh-Hans">.*<mark>长荡湖</mark>', html)


@pytest.mark.parametrize("query", [
    "", "   ", '"', '""', "*", "NEAR", "NEAR(a b)", "a AND", "AND OR NOT", "((", "光伏)",
    '"unbalanced', "col:光伏", "{title}: x", "^x", "\x00\x01\x1f", "\u202e光伏",
    "光" * 10_000, "battery " * 2_000, "😀", "-", "\\",
])
def test_bad_input_gets_a_normal_page(client, query):
    resp = client.get("/zh/search/", query_string={"q": query})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert '<meta name="robots" content="noindex">' in html
    assert "<form" in html


def test_long_query_is_cut_and_says_so(client):
    html = client.get("/en/search/", query_string={"q": "光伏 " * 5_000}).get_data(as_text=True)
    assert "A search can have at most 200 characters and 12 words, so part of yours was left out." in html
    assert results(client, "光伏 " * 5_000, "en") == SYNTHETIC


def test_fts_syntax_is_words_not_operators(client):
    # NEAR, AND, * are words here, never operators: "battery AND" needs the word "and" too
    assert results(client, "battery AND", "en") == results(client, "battery and", "en")
    assert results(client, "batt*", "en") == []


def test_pagination(search_site):
    app = start_app({**search_site, "SEARCH_PAGE_SIZE": 2})
    client = app.test_client()
    first = results(client, "金坛")
    second = results(client, "金坛", page=2)
    third = results(client, "金坛", page=3)
    assert len(first) == 2 and len(second) == 2 and len(third) == 1
    assert first + second + third == results(start_app(search_site).test_client(), "金坛")
    html = client.get("/zh/search/", query_string={"q": "金坛", "page": 2}).get_data(as_text=True)
    assert 'rel="prev"' in html and 'rel="next"' in html
    # the list's pagination (templates/_article_list.html), in the words of search results
    assert "上一页结果" in html and "更多结果" in html and "较早的文章" not in html
    for bad in ("0", "4", "x", "-1", "99999999999999999999"):
        assert client.get("/zh/search/", query_string={"q": "金坛", "page": bad}).status_code == 404


def test_cache_control_and_bounded_results_memo(search_site):
    app = start_app({**search_site, "SEARCH_MEMO_ENTRIES": 3})
    client = app.test_client()
    resp = client.get("/zh/search/", query_string={"q": "光伏"})
    assert "s-maxage" in resp.headers["Cache-Control"]
    assert resp.headers["ETag"]
    for i in range(20):
        client.get("/zh/search/", query_string={"q": f"光伏{i}"})
    site = app.extensions["reader"]
    assert len(site.results) == 3
    # results pages never enter the path-keyed page memo
    assert not any("/search/" in k for k in site.memo._items)
    # the same query spelled differently is one entry
    a = client.get("/zh/search/", query_string={"q": "電池"})
    b = client.get("/zh/search/", query_string={"q": "  电池 "})
    assert a.headers["ETag"] == b.headers["ETag"]


def test_a_repeated_results_page_is_answered_before_flask(search_site):
    """The request a reader repeats (same path and query string) is answered from the results
    memo in front of Flask, as a kept article page is: same bytes, same ETag, 304 on
    revalidation. What Flask answers otherwise (a redirect, a 404) is never short-cut."""
    app = start_app({**search_site, "SEARCH_MEMO_ENTRIES": 3})
    dispatched = []
    real = app.full_dispatch_request
    app.full_dispatch_request = lambda: (dispatched.append(request_path()), real())[1]
    client = app.test_client()
    url = "/zh/search/?q=%E5%85%89%E4%BC%8F"
    first = client.get(url)
    assert first.status_code == 200 and len(dispatched) == 1
    again = client.get(url)
    assert again.status_code == 200 and len(dispatched) == 1
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert len(dispatched) == 1
    # another spelling of the same query: Flask once (its canonical entry, no new render)
    other = "/zh/search/?q=+%E5%85%89%E4%BC%8F+"
    assert client.get(other).data == first.data and len(dispatched) == 2
    assert client.get(other).data == first.data and len(dispatched) == 2
    # what is not a results page goes to Flask every time
    for path, status in (("/zh/search/?q=%E5%85%89%E4%BC%8F&page=9", 404),
                         ("/zh/search?q=%E5%85%89%E4%BC%8F", 308),
                         ("/zh/%73earch/?q=%E5%85%89%E4%BC%8F", 308)):
        before = len(dispatched)
        assert client.get(path).status_code == status
        assert client.get(path).status_code == status
        assert len(dispatched) == before + 2, path
    # bounded as the memo is: entries and the spellings that find them
    for i in range(20):
        client.get(f"/zh/search/?q=%E5%85%89%E4%BC%8F{i}")
    site = app.extensions["reader"]
    assert len(site.results) == 3 and site.results.spellings() <= 3


def test_worker_gets_the_archives_traditional_to_simplified_table(search_site):
    """The service worker folds scripts offline with a table the release makes from the
    project's OpenCC, for the characters the archive's articles use (no more)."""
    import json
    from webapp import contract
    release = contract.current_link(Path(search_site["BUILD_DIR"])).resolve()
    table = json.loads((release / contract.WORKER_DATA).read_text("utf-8"))["scriptFold"]
    pairs = dict(re.findall("(.)(.)", table))
    assert len(table) == 2 * len(pairs)
    assert pairs["電"] == "电" and pairs["壇"] == "坛" and pairs["儲"] == "储"
    assert "龜" not in pairs and "电" not in pairs     # no article has 龟; Simplified stays
    sw = start_app(search_site).test_client().get("/sw.js").get_data(as_text=True)
    assert f'"scriptFold":"{table}"' in sw


def request_path() -> str:
    from flask import request
    return request.full_path


def test_query_time_is_bounded(search_site, monkeypatch):
    from webapp import search
    # a budget already spent, checked every SQLite VM step: any query is interrupted
    monkeypatch.setattr(search, "QUERY_BUDGET_S", -1.0)
    monkeypatch.setattr(search, "PROGRESS_STEPS", 1)
    html = start_app(search_site).test_client().get(
        "/en/search/", query_string={"q": "金坛"}).get_data(as_text=True)
    assert "This search took too long" in html


def test_opensearch_description_and_link(client):
    resp = client.get("/en/opensearch.xml")
    assert resp.status_code == 200
    assert resp.mimetype == "application/opensearchdescription+xml"
    body = resp.get_data(as_text=True)
    assert 'template="http://127.0.0.1:8000/en/search/?q={searchTerms}"' in body
    page = client.get("/en/").get_data(as_text=True)
    assert re.search(r'<link rel="search" type="application/opensearchdescription\+xml"[^>]*'
                     r'href="/en/opensearch.xml"', page)


def test_front_page_has_a_search_form_that_works_without_js(client):
    html = client.get("/zh/").get_data(as_text=True)
    form = re.search(r'<form class="search-form"[^>]*action="/zh/search/" method="get">', html)
    assert form and 'name="q"' in html


def test_index_is_incremental(search_site, tmp_path):
    """Publishing one article inserts its rows only: every other row is copied as it was."""
    from tests.helpers import build_release as build
    base = Path(search_site["CONTENT_DIR"]).parent
    site = tmp_path / "site"
    shutil.copytree(base / "content", site / "content")
    shutil.copytree(base / "translations", site / "translations")
    shutil.copytree(base / "photos", site / "photos")
    config = site_config(site / "content", site / "translations", tmp_path / "build")
    first = build(config)
    (site / "content" / "zz-new.md").write_text(
        "---\ntitle: \"盐穴储能新项目\"\npublished: 2026-12-01\n---\n\n新项目开工。\n", "utf-8")
    second = build(config)
    import json
    stats = json.loads((second / "release.json").read_text())["search"]
    assert stats["removed"] == 0 and not stats["rebuilt"]
    assert stats["kept"] == _rows(first)
    assert stats["added"] == _rows(second) - _rows(first) >= 1
    assert results(start_app(config).test_client(), "储能新项目") == ["zz-new"]
    # an edit replaces that article's rows only
    (site / "content" / "zz-new.md").write_text(
        "---\ntitle: \"盐穴储能项目投产\"\npublished: 2026-12-01\n---\n\n新项目投产。\n", "utf-8")
    third = build(config)
    stats = json.loads((third / "release.json").read_text())["search"]
    assert stats["removed"] == stats["added"] == _rows(second) - _rows(first)
    assert stats["kept"] == _rows(first)
    client = start_app(config).test_client()
    assert results(client, "储能新项目") == [] and results(client, "项目投产") == ["zz-new"]
    # and removing it gives back the first release (same inputs, same id)
    (site / "content" / "zz-new.md").unlink()
    assert build(config) == first


def _rows(release: Path) -> int:
    with sqlite3.connect(release / "search.sqlite") as db:
        return db.execute("SELECT count(*) FROM docs").fetchone()[0]


def test_a_result_without_a_publication_date_says_added(client):
    """An article with no publication date shows the day our copy was added, and says so, as
    the article page and the lists do ("Added" / 收录于); a dated one shows its date bare."""
    def meta(html: str, href: str) -> str:
        item = html[html.index(f'href="{href}"'):]
        found = re.search(r'<p class="list-meta">(.*?)</p>', item[:item.index("</li>")], re.S)
        return re.sub(r"<[^>]+>", "", found.group(1)).strip()

    zh = client.get("/zh/search/", query_string={"q": "农贸市场"}).get_data(as_text=True)
    assert meta(zh, "/zh/market-update/") == "收录于 2026年2月28日"
    dated = client.get("/zh/search/", query_string={"q": "龙舟"}).get_data(as_text=True)
    assert meta(dated, "/zh/river-festival/") == "2026年3月14日"

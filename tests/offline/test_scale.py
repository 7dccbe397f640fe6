"""Offline reading at archive scale (issue 10, "An offline model that scales"): a synthetic
archive of 5,000 articles, built once for the module (the build dominates the module's time).

- the first install downloads a bounded amount (target: under 300 KB brotli);
- reading 30 articles keeps those 30 pages and the front page the visit began on, nothing else;
- beyond ``JINTAN_OFFLINE_MAX_PAGES`` the least recently read page goes, a saved article stays;
- cache keys ignore query strings, and non-page responses are never kept.

``OFFLINE_SCALE_ARTICLES`` changes the archive's size (default 5000); ``OFFLINE_SCALE_DIR``
keeps the archive and its build in a folder between runs (the release build is incremental).
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.offline.conftest import FIGURES, PHONE
from scripts.harness import Gunicorn, ReleaseTree
from tests.offline.reader import (
    KEPT,
    TIMEOUT_MS,
    cache_contents,
    ui,
    wait_controlled,
    wait_read_pages,
    wait_settled,
)

ARTICLES = int(os.environ.get("OFFLINE_SCALE_ARTICLES", "5000"))
INSTALL_BUDGET = 300 * 1024   # bytes, brotli
BOUND = 10                    # JINTAN_OFFLINE_MAX_PAGES of the bounded server


def article(n: int, segment: str = "zh") -> str:
    return f"/{segment}/synthetic-{n:05d}/"


@pytest.fixture(scope="module")
def publication(tmp_path_factory):
    kept = os.environ.get("OFFLINE_SCALE_DIR")
    root = Path(kept) if kept else tmp_path_factory.mktemp("scale")
    started = time.monotonic()
    publication = ReleaseTree.synthetic(root, ARTICLES)
    publication.build()
    FIGURES[f"archive of {ARTICLES} articles: generate + build"] = (
        f"{time.monotonic() - started:.0f} s")
    return publication


@pytest.fixture(scope="module")
def bounded(publication):
    """The same release served with ``JINTAN_OFFLINE_MAX_PAGES=10``."""
    with Gunicorn(publication, env={"JINTAN_OFFLINE_MAX_PAGES": str(BOUND)}) as server:
        yield server


@pytest.fixture
def bounded_page(browser, bounded, page_errors):
    context = browser.new_context(base_url=bounded.url, viewport=PHONE, locale="en-GB")
    yield page_errors(context.new_page())
    context.close()


def test_first_install_downloads_a_bounded_amount(new_context, server, page_errors):
    context = new_context(locale="zh-CN")
    by_worker = []
    context.on("requestfinished", lambda r: by_worker.append(r) if r.service_worker else None)
    page = page_errors(context.new_page())
    page.goto("/zh/")
    wait_controlled(page)
    wait_settled(page, server.tree.current)

    paths = sorted({r.url.removeprefix(server.url) for r in by_worker})
    assert "/sw.js" in paths
    # the shell, the manifests, and the front page plus the newest articles of one language
    pages = [p for p in paths if not p.startswith(("/static/", "/sw.js"))]
    latest = [p for p in pages if "?" not in p]
    assert latest == sorted(["/zh/", *(article(n) for n in range(1, 6))])
    assert len(by_worker) == len(paths)          # nothing fetched twice
    wire = sum(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"]
               for r in by_worker)
    brotli = 0
    for path in paths:
        status, _headers, body = server.get(path, {"Accept-Encoding": "br"})
        assert status == 200, path
        brotli += len(body)
    FIGURES[f"first install at {ARTICLES} articles"] = (
        f"{brotli / 1024:.0f} KB brotli in {len(paths)} requests "
        f"({wire / 1024:.0f} KB on the wire as Chromium counted it)")
    assert brotli < INSTALL_BUDGET


def test_reading_30_articles_keeps_them_and_the_first_page(new_context, server, page_errors):
    context = new_context(locale="zh-CN")
    page = page_errors(context.new_page())
    page.goto("/zh/")
    wait_controlled(page)
    wait_settled(page, server.tree.current)
    numbers = range(101, 131)
    read = [article(n) for n in numbers]
    for n in numbers:
        page.goto(article(n))
        expect(page.locator("h1")).to_contain_text(f"（{n}）")
    # the front page the visit started on (before the worker controlled it) counts as read
    wait_read_pages(page, ["/zh/", *read], read[-1])
    # each article read is kept with its other languages and parallel views (issue 23), which
    # follow the page read in a second step
    every_view = [f"/{s}/synthetic-{n:05d}/{v}" for n in numbers for s in ("zh", "en", "zh-hant")
                  for v in ("", "parallel/")]
    page.evaluate(KEPT, [every_view, TIMEOUT_MS])
    contents = cache_contents(page)
    assert sorted(contents["reader-pages"]) == sorted(["/zh/", *every_view])
    assert sorted(contents["reader-latest"]) == sorted(["/zh/", *(article(n) for n in range(1, 6))])
    assert contents["reader-saved"] == []
    FIGURES["cache entries after reading 30 articles"] = ", ".join(
        f"{name} {len(keys)}" for name, keys in sorted(contents.items()))

    context.set_offline(True)
    page.goto(read[0])
    expect(page.locator("h1")).to_contain_text("（101）")
    page.goto(article(131))   # never read
    expect(page.locator("h1")).to_have_text(ui("zh", "You are offline"))


def test_eviction_beyond_the_bound_keeps_saved_articles(bounded_page, bounded):
    page = bounded_page
    page.goto(article(200, "en"))
    wait_controlled(page)
    wait_settled(page, bounded.tree.current)
    page.get_by_role("button", name="Save to read offline", exact=True).click()
    expect(page.locator(".save").get_by_role("status")).to_have_text(re.compile(
        r"^Saved[. ].*offline"))  # granted or not (tests/offline/test_reader.py)
    wait_read_pages(page, [article(200, "en")], article(200, "en"))   # the first page, kept

    read = [article(n, "en") for n in range(201, 216)]   # 15 pages, the bound is 10
    for path in read:
        page.goto(path)
    kept = wait_read_pages(page, read[-BOUND:], read[-1])
    assert kept["order"] == read[-BOUND:]

    page.context.set_offline(True)
    page.goto(read[0])     # evicted: the least recently read
    expect(page.locator("h1")).to_have_text("You are offline")
    page.goto(read[-BOUND])  # the oldest still kept
    expect(page.locator("h1")).to_contain_text(f"({215 - BOUND + 1})")
    for segment in ("en", "zh", "zh-hant"):   # saved: never evicted, every language
        page.goto(article(200, segment))
        expect(page.locator("h1")).to_contain_text("200")
        page.goto(article(200, segment) + "parallel/")
        expect(page.locator("h1")).to_contain_text("200")


def test_non_pages_and_query_strings_add_nothing(bounded_page, bounded):
    page = bounded_page
    page.goto("/en/")
    wait_controlled(page)
    wait_settled(page, bounded.tree.current)
    # the first page (loaded before the worker controlled it) is kept when the page names it to
    # the worker: wait for that, so the order below does not depend on how busy the machine is
    wait_read_pages(page, ["/en/"], "/en/")
    read = [article(n, "en") for n in range(301, 301 + BOUND)]
    for path in read:
        page.goto(path)
    wait_read_pages(page, read, read[-1])

    for i in range(1, 51):
        page.goto(f"/healthz?{i}")
        expect(page.locator("body")).to_have_text("ok")
    for query in ("?utm_source=feed", "?a=1&b=2"):   # the same page under other URLs
        page.goto(read[0] + query)
        expect(page.locator("h1")).to_contain_text("(301)")
    # keeping is serial: once the last navigation is recorded, every earlier one was dealt with
    kept = wait_read_pages(page, read, read[0])
    assert kept["order"] == [*read[1:], read[0]]
    assert not any("?" in path or "healthz" in path for path in cache_contents(page)["reader-pages"])

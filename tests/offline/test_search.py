"""Searching offline: /<locale>/search/?q= answered by the service worker from the articles the
device keeps, saying so (static/js/sw.js, "searching offline")."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.offline.conftest import own_server
from tests.offline.reader import ui, wait_controlled, wait_read_pages

SLUG = "jintan-new-energy"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with own_server(tmp_path_factory.mktemp("search")) as server:
        yield server


def test_offline_search_finds_kept_articles_and_says_so(new_context, page_errors):
    context = new_context(locale="en-GB")
    page = page_errors(context.new_page())
    page.goto("/en/")
    wait_controlled(page)
    wait_read_pages(page, ["/en/"], "/en/")   # the first page is kept once the page names it
    page.goto(f"/en/{SLUG}/")
    wait_read_pages(page, ["/en/", f"/en/{SLUG}/"], f"/en/{SLUG}/")

    context.set_offline(True)
    page.goto("/en/search/?q=battery")
    expect(page.locator(".search-offline")).to_be_visible()
    expect(page.locator(".search-offline")).to_have_text(
        "You are offline: only the articles kept on this device were searched.")
    results = page.locator(".search-item")
    expect(results).to_have_count(1)
    expect(results.locator("a")).to_have_attribute("href", f"/en/{SLUG}/")
    expect(results.locator("mark").first).to_have_text("battery", ignore_case=True)
    expect(page.locator("#search-q")).to_have_value("battery")
    # markup in the query is text, never markup
    page.goto('/en/search/?q="<img src=x onerror=alert(1)>')
    expect(page.locator(".search-item")).to_have_count(0)
    expect(page.locator(".search-none")).to_be_visible()
    expect(page.locator("img[src=x]")).to_have_count(0)
    # a word of no kept article: nothing, said plainly
    page.goto("/en/search/?q=zzzz")
    expect(page.locator(".search-item")).to_have_count(0)
    expect(page.locator(".search-none")).to_have_text(
        "No articles found. Try another word, or fewer words.")
    # the Chinese search page, in Chinese, finds nothing read in English under a Chinese word
    page.goto("/zh/search/?q=%E7%94%B5%E6%B1%A0")
    expect(page.locator(".search-offline")).to_have_text(
        ui("zh", "You are offline: only the articles kept on this device were searched."))

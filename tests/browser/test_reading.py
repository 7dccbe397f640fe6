"""A phone reader opens an article in each language, switches language, and is remembered.
(The journeys are in helpers.py: the static export runs them too.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import helpers as journeys
from tests.browser.helpers import horizontal_overflow
from tests.helpers import FULL, PARTIAL, UNDATED, UNTRANSLATED


@pytest.mark.parametrize("seg", ["zh", "en", "zh-hant"])
def test_article_renders_fully_on_a_phone(page, console_errors, seg):
    journeys.article_renders_fully_on_a_phone(page, seg)


@pytest.mark.parametrize("width", [320, 390, 768, 1280])
def test_no_horizontal_scrolling_from_320px(page, width):
    journeys.no_horizontal_scrolling(page, width)


def test_comfortable_line_length_on_desktop(page):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"/en/{FULL}/")
    width = page.locator(".article-body p").first.evaluate("p => p.getBoundingClientRect().width")
    font = page.locator(".article-body p").first.evaluate(
        "p => parseFloat(getComputedStyle(p).fontSize)")
    assert 30 <= width / font <= 40  # about 60-80 Latin characters a line


def test_switcher_keeps_the_paragraph_and_remembers_the_choice(page, console_errors, base_url):
    journeys.switcher_keeps_the_paragraph_and_remembers_the_choice(page, base_url)


def test_reading_works_without_javascript(browser, base_url):
    journeys.reading_works_without_javascript(browser, base_url)


def test_not_found_page_offers_a_way_home(page):
    journeys.not_found_page_offers_a_way_home(page)


def test_a_reader_of_english_finds_what_is_not_translated_and_reads_it_in_chinese(
        page, console_errors, base_url):
    page.goto("/en/")
    item = page.locator(".article-list > li").filter(has_text="English (not yet translated)")
    expect(item).to_have_count(1)
    item.get_by_role("link").click()
    page.wait_for_url(f"{base_url}/en/{UNTRANSLATED}/")
    expect(page.locator("h1")).to_have_attribute("lang", "zh-Hans")
    expect(page.get_by_role("note")).to_have_text(
        "This article has not been translated yet. It is shown in the Chinese original.")
    page.goto(f"/en/{PARTIAL}/")
    expect(page.get_by_role("note")).to_have_count(1)  # said once, not per paragraph
    assert horizontal_overflow(page) == 0


def test_the_archive_leads_to_every_month_and_its_articles(page, console_errors, base_url):
    page.goto("/zh/")
    page.get_by_role("link", name="文章归档（按月份）").click()
    page.wait_for_url(f"{base_url}/zh/archive/")
    page.get_by_role("link", name="2026年2月").click()
    page.wait_for_url(f"{base_url}/zh/archive/2026/02/")
    expect(page.locator(".article-list > li")).to_have_count(2)
    page.get_by_role("link", name="全部月份").click()
    page.get_by_role("link", name="未注明日期的文章").click()
    expect(page.locator(".article-list > li")).to_have_count(1)


def test_a_figure_photo_keeps_its_place_while_it_loads(page):
    page.add_init_script("""
        window.__shifts = [];
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) window.__shifts.push(e.value);
        }).observe({type: "layout-shift", buffered: true});
    """)
    page.goto(f"/zh/{UNDATED}/")
    page.wait_for_function("() => document.querySelector('figure picture img').complete")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__shifts") == []

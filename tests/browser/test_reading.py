"""A phone reader opens the article in both languages, switches language, and is remembered."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import horizontal_overflow, switcher_link
from tests.conftest import SEED_SLUG
from tests.helpers import english_catalog, seed_article


@pytest.mark.parametrize("locale, lang, title", [
    ("zh", "zh-Hans", "小城市如何打造“大产业”？"),
    ("en", "en", "How can a small city build a “big industry”?"),
])
def test_article_renders_fully_on_a_phone(page, console_errors, locale, lang, title):
    page.goto(f"/{locale}/{SEED_SLUG}/")
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("h1")).to_have_text(title)
    catalog = english_catalog()
    for block in seed_article().body:
        text = block.text if locale == "zh" else catalog.get(block.text, context=block.msgctxt).string
        expect(page.locator(f"#{block.id}")).to_have_text(text)
    expect(page.locator("blockquote")).to_have_count(6)
    assert horizontal_overflow(page) == 0


@pytest.mark.parametrize("width", [320, 390, 768, 1280])
def test_no_horizontal_scrolling_from_320px(page, width):
    page.set_viewport_size({"width": width, "height": 800})
    for locale in ("zh", "en"):
        page.goto(f"/{locale}/{SEED_SLUG}/")
        assert horizontal_overflow(page) == 0, (locale, width)


def test_comfortable_line_length_on_desktop(page):
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"/en/{SEED_SLUG}/")
    width = page.locator(".article-body p").first.evaluate("p => p.getBoundingClientRect().width")
    font = page.locator(".article-body p").first.evaluate("p => parseFloat(getComputedStyle(p).fontSize)")
    assert 30 <= width / font <= 40  # about 60-80 Latin characters a line


def test_switcher_keeps_the_paragraph_and_remembers_the_choice(page, console_errors, base_url):
    page.goto(f"/zh/{SEED_SLUG}/")
    target = seed_article().body[6]
    page.locator(f"#{target.id}").scroll_into_view_if_needed()
    page.evaluate(f"document.getElementById('{target.id}').scrollIntoView({{block: 'start'}})")
    expect(page.get_by_role("navigation", name="语言")).to_be_visible()
    switcher_link(page, "English").click()
    page.wait_for_function("document.documentElement.lang === 'en'")
    assert page.url == f"{base_url}/en/{SEED_SLUG}/#{target.id}"
    expect(page.locator("html")).to_have_attribute("lang", "en")
    # the target paragraph is on screen
    top = page.locator(f"#{target.id}").evaluate("el => el.getBoundingClientRect().top")
    assert 0 <= top < 844
    # the choice is remembered: "/" now sends this reader to English despite a Chinese browser
    page.context.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})
    page.goto("/")
    page.wait_for_url(f"{base_url}/en/")  # a 302 on the live app, a script on the static export
    switcher_link(page, "中文").click()
    page.wait_for_url(f"{base_url}/zh/")
    page.goto("/")
    page.wait_for_url(f"{base_url}/zh/")


def test_reading_works_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844},
                                  base_url=base_url)
    page = context.new_page()
    page.goto(f"/en/{SEED_SLUG}/")
    expect(page.locator("blockquote")).to_have_count(6)
    for block in seed_article().quotes:
        expect(page.locator(f"#{block.speaker.id}")).to_be_visible()
    switcher_link(page, "中文").click()  # the menu opens without JavaScript (a popover)
    expect(page.locator("h1")).to_have_text("小城市如何打造“大产业”？")
    context.close()


def test_not_found_page_offers_a_way_home(page):
    resp = page.goto("/en/missing-story/")
    assert resp.status == 404
    page.get_by_role("link", name="Go to the front page").click()
    expect(page.locator(".article-list a")).to_have_count(1)

"""The parallel view (中英对照) on a phone and a desktop, from the switcher, and offline."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import horizontal_overflow, switcher_link
from tests.browser.test_offline import wait_until_controlled
from tests.conftest import SEED_SLUG
from tests.helpers import english_catalog, seed_article

PARALLEL = f"/{{}}/{SEED_SLUG}/parallel/"


def box(page, selector: str) -> dict:
    return page.locator(selector).evaluate(
        "el => { const r = el.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; }")


def expect_full_parallel_text(page) -> None:
    catalog = english_catalog()
    article = seed_article()
    for block in [*article.body, *(q.text for q in article.quotes)]:
        expect(page.locator(f"#{block.id}-zh")).to_have_text(block.text)
        expect(page.locator(f"#{block.id}-zh")).to_have_attribute("lang", "zh-Hans")
        expect(page.locator(f"#{block.id}-en")).to_have_text(
            catalog.get(block.text, context=block.msgctxt).string)
        expect(page.locator(f"#{block.id}-en")).to_have_attribute("lang", "en")


@pytest.mark.parametrize("ui, lang", [("zh", "zh-Hans"), ("en", "en")])
def test_phone_stacks_chinese_then_english(page, console_errors, ui, lang):
    page.goto(PARALLEL.format(ui))
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect_full_parallel_text(page)
    for block in seed_article().body[:4]:
        zh, en = box(page, f"#{block.id}-zh"), box(page, f"#{block.id}-en")
        assert en["top"] >= zh["bottom"] - 1, block.id          # stacked: English below
        assert abs(en["left"] - zh["left"]) < 24, block.id        # same column
    assert horizontal_overflow(page) == 0


@pytest.mark.parametrize("ui", ["zh", "en"])
def test_desktop_aligns_two_columns_row_by_row(page, console_errors, ui):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(PARALLEL.format(ui))
    article = seed_article()
    for block in [article.title, *article.body, *(q.text for q in article.quotes)]:
        zh, en = box(page, f"#{block.id}-zh"), box(page, f"#{block.id}-en")
        assert en["left"] > zh["right"], block.id                 # side by side
        assert abs(en["top"] - zh["top"]) < 2, block.id           # each row starts level
    edges = page.evaluate("""() => [...document.querySelectorAll('.parallel-body .prow')].map(r =>
        [...r.children].map(c => Math.round(c.getBoundingClientRect().left)))""")
    assert len({tuple(e) for e in edges}) == 1                    # the same two columns throughout
    assert horizontal_overflow(page) == 0


def test_switcher_goes_to_the_parallel_view_and_back_keeping_the_paragraph(page, console_errors, base_url):
    target = seed_article().body[6]
    page.goto(f"/zh/{SEED_SLUG}/")
    page.evaluate(f"document.getElementById('{target.id}').scrollIntoView({{block: 'start'}})")
    expect(page.get_by_role("navigation", name="语言")).to_be_visible()
    switcher_link(page, "中英对照").click()
    page.wait_for_url(f"{base_url}/zh/{SEED_SLUG}/parallel/#{target.id}")
    expect(switcher_link(page, "中英对照")).to_have_attribute("aria-current", "page")
    top = page.locator(f"#{target.id}").evaluate("el => el.getBoundingClientRect().top")
    header = page.locator(".site-header").evaluate("el => el.getBoundingClientRect().bottom")
    assert header - 1 <= top < 844  # on screen, below the sticky header
    switcher_link(page, "English").click()
    page.wait_for_url(f"{base_url}/en/{SEED_SLUG}/#{target.id}")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("navigation", name="Language")).to_be_visible()
    expect(switcher_link(page, "English")).to_have_attribute("aria-current", "page")


def test_parallel_view_works_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 390, "height": 844},
                                  base_url=base_url)
    page = context.new_page()
    page.goto(PARALLEL.format("en"))
    expect_full_parallel_text(page)
    expect(page.locator("[data-reading-tools]")).to_be_hidden()
    context.close()


@pytest.mark.parametrize("ui, lang", [("zh", "zh-Hans"), ("en", "en")])
def test_offline_after_one_visit_the_parallel_view_opens_in_full(page, console_errors, ui, lang):
    page.goto("/zh/")  # one online visit, never to a parallel page
    wait_until_controlled(page)
    page.context.set_offline(True)
    page.goto(PARALLEL.format(ui))
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect_full_parallel_text(page)
    page.reload()
    expect_full_parallel_text(page)
    expect(page.locator(".saved-copy")).to_be_visible()

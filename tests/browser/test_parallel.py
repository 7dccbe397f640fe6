"""The parallel view (中英对照) on a phone and a desktop, from the switcher, without
JavaScript, with paragraphs not yet translated, and offline once read."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (PHONE, horizontal_overflow, switcher_link,
                                   wait_until_controlled)
from tests.helpers import FULL, PARTIAL, article, plain, translation

PARALLEL = f"/{{}}/{FULL}/parallel/"


def box(page, selector: str) -> dict:
    return page.locator(selector).evaluate(
        "el => { const r = el.getBoundingClientRect(); "
        "return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; }")


def expect_full_parallel_text(page, slug=FULL, chinese="zh") -> None:
    """Every passage: the Chinese cell in the script ``chinese`` (zh or zh_Hant), then the
    English cell (or none where the English is missing)."""
    a = article(slug)
    for block in [*a.body, *(q.text for q in a.quotes)]:
        text = block.text if chinese == "zh" else translation(block, chinese, slug)
        expect(page.locator(f"#{block.id}-zh")).to_have_text(plain(text))
        expect(page.locator(f"#{block.id}-zh")).to_have_attribute(
            "lang", "zh-Hans" if chinese == "zh" else "zh-Hant")
        english = translation(block, "en", slug)
        if english:
            expect(page.locator(f"#{block.id}-en")).to_have_text(plain(english))
            expect(page.locator(f"#{block.id}-en")).to_have_attribute("lang", "en")
        else:
            expect(page.locator(f"#{block.id}-en")).to_have_count(0)


@pytest.mark.parametrize("ui, lang", [("zh", "zh-Hans"), ("en", "en")])
def test_phone_stacks_chinese_then_english(page, console_errors, ui, lang):
    page.goto(PARALLEL.format(ui))
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect_full_parallel_text(page)
    for block in article(FULL).body:
        zh, en = box(page, f"#{block.id}-zh"), box(page, f"#{block.id}-en")
        assert en["top"] >= zh["bottom"] - 1, block.id          # stacked: English below
        assert abs(en["left"] - zh["left"]) < 24, block.id        # same column
    assert horizontal_overflow(page) == 0


@pytest.mark.parametrize("ui", ["zh", "en"])
def test_desktop_aligns_two_columns_row_by_row(page, console_errors, ui):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(PARALLEL.format(ui))
    a = article(FULL)
    for block in [a.title, *a.body, *(q.text for q in a.quotes)]:
        zh, en = box(page, f"#{block.id}-zh"), box(page, f"#{block.id}-en")
        assert en["left"] > zh["right"], block.id                 # side by side
        assert abs(en["top"] - zh["top"]) < 2, block.id           # each row starts level
    edges = page.evaluate("""() => [...document.querySelectorAll('.parallel-body .prow')].map(r =>
        [...r.children].map(c => Math.round(c.getBoundingClientRect().left)))""")
    assert len({tuple(e) for e in edges}) == 1                    # the same two columns
    assert horizontal_overflow(page) == 0


def test_a_passage_without_english_keeps_its_row_and_column_and_says_so(page, console_errors):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/en/{PARTIAL}/parallel/")
    expect_full_parallel_text(page, PARTIAL)
    missing = article(PARTIAL).body[2]
    row = page.locator(f"#{missing.id}")
    expect(row.locator(".parallel-missing")).to_have_count(1)
    expect(row.locator(".parallel-missing")).to_have_text("No English translation yet")
    assert row.locator(".parallel-missing").get_attribute("aria-hidden") == "true"
    zh = box(page, f"#{missing.id}-zh")
    empty = row.locator(".parallel-missing").evaluate(
        "el => { const r = el.getBoundingClientRect(); return {left: r.left, top: r.top}; }")
    assert empty["left"] > zh["right"] and abs(empty["top"] - zh["top"]) < 2
    expect(page.get_by_role("note")).to_have_text(
        "10 of 14 paragraphs are translated into English; the others are shown in Chinese only.")


def test_switcher_goes_to_the_parallel_view_and_back_keeping_the_paragraph(page, console_errors,
                                                                           base_url):
    target = article(FULL).body[3]  # one the page can scroll to the top
    page.goto(f"/zh/{FULL}/")
    page.evaluate(f"document.getElementById('{target.id}').scrollIntoView({{block: 'start'}})")
    expect(page.get_by_role("navigation", name="语言")).to_be_visible()
    switcher_link(page, "中英对照").click()
    page.wait_for_url(f"{base_url}/zh/{FULL}/parallel/#{target.id}")
    expect(switcher_link(page, "中英对照")).to_have_attribute("aria-current", "page")
    top = page.locator(f"#{target.id}").evaluate("el => el.getBoundingClientRect().top")
    header = page.locator(".site-header").evaluate("el => el.getBoundingClientRect().bottom")
    assert header - 1 <= top < PHONE["height"]  # on screen, below the sticky header
    switcher_link(page, "English").click()
    page.wait_for_url(f"{base_url}/en/{FULL}/#{target.id}")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("navigation", name="Language")).to_be_visible()
    expect(switcher_link(page, "English")).to_have_attribute("aria-current", "page")


def test_parallel_view_works_without_javascript(browser, base_url):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, base_url=base_url)
    try:
        page = context.new_page()
        page.goto(PARALLEL.format("en"))
        expect_full_parallel_text(page)
        expect(page.locator("[data-reading-tools]")).to_be_hidden()
    finally:
        context.close()


def test_a_parallel_view_read_online_opens_offline(page, console_errors):
    page.goto(PARALLEL.format("en"))
    wait_until_controlled(page)
    page.goto(PARALLEL.format("en"))  # read with the worker in charge
    page.evaluate("""async (path) => {
      for (let i = 0; i < 100; i++) {
        if (await caches.match(path, {cacheName: "reader-pages"})) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error("not kept: " + path);
    }""", PARALLEL.format("en"))
    page.context.set_offline(True)
    page.reload()
    expect_full_parallel_text(page)
    expect(page.locator(".saved-copy")).to_be_visible()


def test_a_traditional_reader_gets_traditional_beside_english_online_and_offline(
        page, console_errors, base_url):
    """Issue 24: 繁體, then 中英對照, shows Traditional Chinese with the English, at its own URL,
    and the page read once opens again offline."""
    page.goto(f"/zh-hant/{FULL}/")
    wait_until_controlled(page)
    switcher_link(page, "中英對照").click()
    page.wait_for_url(f"{base_url}/zh-hant/{FULL}/parallel/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect_full_parallel_text(page, chinese="zh_Hant")
    page.evaluate("""async (path) => {
      for (let i = 0; i < 100; i++) {
        if (await caches.match(path, {cacheName: "reader-pages"})) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error("not kept: " + path);
    }""", f"/zh-hant/{FULL}/parallel/")
    page.context.set_offline(True)
    page.reload()
    expect_full_parallel_text(page, chinese="zh_Hant")
    expect(page.locator(".saved-copy")).to_be_visible()


def test_on_a_phone_a_passage_without_english_says_so_with_no_stray_mark(page, console_errors):
    """Stacked on a phone, the English cell of a passage without English is a line of muted
    text, not an empty cell whose coloured edge is a stray blue mark."""
    page.goto(f"/en/{PARTIAL}/parallel/")
    missing = page.locator(f"#{article(PARTIAL).body[2].id} .parallel-missing")
    expect(missing).to_have_text("No English translation yet")
    style = missing.evaluate("""el => { const s = getComputedStyle(el), r = el.getBoundingClientRect();
        return {height: r.height, edge: s.borderLeftColor, second: getComputedStyle(document
          .querySelector('.pcell--en:not(.parallel-missing)')).borderLeftColor}; }""")
    assert style["height"] >= 16, style           # a line of text, not a 1 px sliver
    assert style["edge"] != style["second"], style  # not the English column's blue rule

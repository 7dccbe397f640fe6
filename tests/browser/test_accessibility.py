"""axe-core (bundled by axe-playwright-python, works under a strict CSP) finds no violations on
every kind of page, in every language, light and dark."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.helpers import PHONE
from tests.helpers import FULL, PARTIAL, UNDATED, UNTRANSLATED

AXE = Axe()


def describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} -> "
                     + ", ".join(str(n["target"]) for n in v["nodes"]) for v in violations)


def expect_no_violations(page) -> None:
    violations = AXE.run(page).response["violations"]
    assert violations == [], describe(violations)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("locale", ["zh", "en", "zh-hant"])
def test_article_page_has_no_axe_violations(page, console_errors, locale, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(f"/{locale}/{FULL}/")
    expect(page.locator("#quotes [data-carousel-picker]")).to_be_visible()  # carousel enhanced
    expect_no_violations(page)


@pytest.mark.parametrize("locale", ["zh", "en", "zh-hant"])
def test_moved_carousel_and_lists_have_no_axe_violations(page, locale):
    page.goto(f"/{locale}/{FULL}/#quotes")
    page.locator("#quotes [data-carousel-picker] button").last.click()
    expect(page.locator("#quotes [data-carousel-next]")).to_have_attribute("aria-disabled", "true")
    expect_no_violations(page)
    for path in (f"/{locale}/", f"/{locale}/archive/", f"/{locale}/archive/2026/02/"):
        page.goto(path)
        expect_no_violations(page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", [f"/en/{PARTIAL}/", f"/en/{UNTRANSLATED}/", f"/en/{UNDATED}/",
                                  f"/zh/{UNDATED}/"])
def test_pages_with_text_in_chinese_or_a_photo_have_no_axe_violations(page, console_errors,
                                                                      path, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(path)
    expect(page.locator("[data-reading-tools]")).to_be_visible()  # enhanced
    expect_no_violations(page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", [f"/zh/{FULL}/parallel/", f"/en/{FULL}/parallel/",
                                  f"/en/{PARTIAL}/parallel/"])
def test_parallel_view_has_no_axe_violations(page, console_errors, path, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(path)
    expect(page.locator("[data-reading-tools]")).to_be_visible()  # enhanced
    expect_no_violations(page)


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("locale", ["zh", "en"])
def test_reading_controls_have_no_axe_violations(page, console_errors, locale, theme):
    page.goto(f"/{locale}/{FULL}/")
    page.locator("[data-comfort-toggle]").click()
    page.locator(f"input[name=reader-theme][value={theme}]").check()
    page.locator("input[name=reader-size][value=large]").check()
    expect(page.locator("html")).to_have_attribute("data-theme", theme)
    expect_no_violations(page)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("locale, label", [("zh-hant", "分享"), ("en", "Share")])
def test_share_confirmation_offline_and_saved_pages_have_no_axe_violations(browser, base_url,
                                                                           scheme, locale, label):
    context = browser.new_context(viewport=PHONE, base_url=base_url, color_scheme=scheme,
                                  permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(f"/{locale}/{FULL}/")
        page.get_by_role("button", name=label).click()
        expect(page.locator(".share-status")).not_to_have_text("")
        expect(page.locator(".save-button")).to_be_visible()  # offline.js revealed it
        expect_no_violations(page)
        for path in (f"/{locale}/offline/", f"/{locale}/saved/", f"/{locale}/no-such-story/"):
            page.goto(path)
            expect_no_violations(page)
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", ["/zh/search/?q=金坛", "/en/search/?q=長蕩湖", "/zh-hant/search/?q=龙舟",
                                  "/en/search/?q=zzzz"])
def test_search_results_have_no_axe_violations(page, console_errors, path, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(path)
    expect(page.locator("#search-q")).to_be_visible()
    expect_no_violations(page)

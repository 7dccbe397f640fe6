"""axe-core (bundled by axe-playwright-python, works under a strict CSP) finds no violations."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.conftest import SEED_SLUG

AXE = Axe()


def describe(violations: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']} -> "
                     + ", ".join(str(n["target"]) for n in v["nodes"]) for v in violations)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("locale", ["zh", "en", "zh-hant"])
def test_article_page_has_no_axe_violations(page, console_errors, locale, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(f"/{locale}/{SEED_SLUG}/")
    expect(page.locator("#quotes [data-carousel-picker]")).to_be_visible()  # carousel enhanced
    violations = AXE.run(page).response["violations"]
    assert violations == [], describe(violations)


@pytest.mark.parametrize("locale", ["zh", "en", "zh-hant"])
def test_moved_carousel_and_front_page_have_no_axe_violations(page, locale):
    page.goto(f"/{locale}/{SEED_SLUG}/#quotes")
    page.locator("#quotes [data-carousel-picker] button").last.click()
    expect(page.locator("#quotes [data-carousel-next]")).to_have_attribute("aria-disabled", "true")
    violations = AXE.run(page).response["violations"]
    assert violations == [], describe(violations)
    page.goto(f"/{locale}/")
    violations = AXE.run(page).response["violations"]
    assert violations == [], describe(violations)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("locale", ["zh", "en"])
def test_parallel_view_has_no_axe_violations(page, console_errors, locale, scheme):
    page.emulate_media(color_scheme=scheme)
    page.goto(f"/{locale}/{SEED_SLUG}/parallel/")
    expect(page.locator("[data-reading-tools]")).to_be_visible()  # enhanced
    violations = AXE.run(page).response["violations"]
    assert violations == [], describe(violations)


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("locale", ["zh", "en"])
def test_reading_controls_have_no_axe_violations(page, console_errors, locale, theme):
    page.goto(f"/{locale}/{SEED_SLUG}/")
    page.locator("[data-comfort-toggle]").click()
    page.locator(f"input[name=reader-theme][value={theme}]").check()
    page.locator("input[name=reader-size][value=large]").check()
    expect(page.locator("html")).to_have_attribute("data-theme", theme)
    violations = AXE.run(page).response["violations"]
    assert violations == [], describe(violations)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("locale, label", [("zh-hant", "分享"), ("en", "Share")])
def test_share_confirmation_and_offline_page_have_no_axe_violations(browser, base_url, scheme,
                                                                    locale, label):
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=base_url,
                                  color_scheme=scheme,
                                  permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        page.goto(f"/{locale}/{SEED_SLUG}/")
        page.get_by_role("button", name=label).click()
        expect(page.locator(".share-status")).not_to_have_text("")
        violations = AXE.run(page).response["violations"]
        assert violations == [], describe(violations)
        page.goto(f"/{locale}/offline/")
        violations = AXE.run(page).response["violations"]
        assert violations == [], describe(violations)
    finally:
        context.close()

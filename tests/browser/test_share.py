"""Share button and discovery metadata in Chromium: the copy-link fallback (headless Chromium
on Linux has no Web Share API), the Web Share path through a stubbed ``navigator.share``, and
the JSON-LD data block under the strict CSP (no violation reported)."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PHONE, watch_console
from tests.helpers import FULL

NO_WEB_SHARE = "delete Navigator.prototype.share; delete Navigator.prototype.canShare;"
# an insecure origin (http:// other than loopback) has no navigator.clipboard either
NO_SHARE_NO_CLIPBOARD = NO_WEB_SHARE + "delete Navigator.prototype.clipboard;"
STUB_SHARE = """
window.__shared = [];
Object.defineProperty(Navigator.prototype, "share", {configurable: true, writable: true,
  value(data) { window.__shared.push(data); return Promise.resolve(); }});
"""
ABORTING_SHARE = """
Object.defineProperty(Navigator.prototype, "share", {configurable: true, writable: true,
  value() { return Promise.reject(new DOMException("closed", "AbortError")); }});
"""
CSP_VIOLATIONS = """
window.__csp = [];
addEventListener("securitypolicyviolation",
                 (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""


@pytest.fixture
def reader(browser, base_url):
    """A phone context allowed to use the clipboard (as a tap would); yields a factory
    taking an init script."""
    contexts = []

    def open_page(init_script: str = ""):
        context = browser.new_context(viewport=PHONE, base_url=base_url,
                                      permissions=["clipboard-read", "clipboard-write"])
        contexts.append(context)
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        page.console = watch_console(page)
        return page

    yield open_page
    for context in contexts:
        context.close()


def test_headless_chromium_has_no_web_share(reader):
    page = reader()
    page.goto(f"/en/{FULL}/")
    assert page.evaluate("typeof navigator.share") == "undefined"  # so the fallback is what runs


@pytest.mark.parametrize("seg, label, copied", [
    ("zh-hant", "分享", "連結已複製。"),
    ("zh", "分享", "链接已复制。"),
    ("en", "Share", "Link copied."),
])
def test_share_falls_back_to_copying_the_canonical_url(reader, base_url, seg, label, copied):
    page = reader(NO_WEB_SHARE)
    page.goto(f"/{seg}/{FULL}/#p-1")
    button = page.get_by_role("button", name=label)
    expect(button).to_be_visible()
    status = page.locator(".share-status")
    expect(status).to_have_attribute("role", "status")
    expect(status).to_have_text("")
    button.click()
    expect(status).to_have_text(copied)
    url = f"{base_url}/{seg}/{FULL}/"
    assert page.evaluate("() => navigator.clipboard.readText()") == url  # no #fragment
    canonical = page.locator('link[rel="canonical"]').get_attribute("href")
    assert canonical.endswith(f"/{seg}/{FULL}/")
    assert page.console == []


def test_share_uses_the_web_share_api_when_present(reader, base_url):
    page = reader(STUB_SHARE)
    page.goto(f"/zh-hant/{FULL}/")
    page.evaluate("() => navigator.clipboard.writeText('untouched')")
    page.get_by_role("button", name="分享").click()
    expect(page.locator(".share-status")).to_have_text("")  # the share sheet was the feedback
    shared = page.evaluate("() => window.__shared")
    assert shared == [{"title": "金壇龍舟節吸引萬名遊客", "url": f"{base_url}/zh-hant/{FULL}/"}]
    assert page.evaluate("() => navigator.clipboard.readText()") == "untouched"
    assert page.console == []


def test_closing_the_share_sheet_copies_nothing(reader):
    page = reader(ABORTING_SHARE)
    page.goto(f"/en/{FULL}/")
    page.evaluate("() => navigator.clipboard.writeText('untouched')")
    page.get_by_role("button", name="Share").click()
    page.wait_for_timeout(300)
    expect(page.locator(".share-status")).to_have_text("")
    assert page.evaluate("() => navigator.clipboard.readText()") == "untouched"


def test_no_share_button_where_neither_web_share_nor_the_clipboard_exists(reader):
    page = reader(NO_SHARE_NO_CLIPBOARD)
    page.goto(f"/en/{FULL}/")
    assert page.evaluate("typeof navigator.share + ' ' + typeof navigator.clipboard") == "undefined undefined"
    expect(page.locator("[data-comfort-toggle]")).to_be_visible()  # the scripts ran
    expect(page.locator(".share-button")).to_be_hidden()  # a button that could only fail
    assert page.console == []


def test_share_button_is_hidden_without_javascript(browser, base_url):
    context = browser.new_context(viewport=PHONE, base_url=base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"/zh-hant/{FULL}/")
        expect(page.locator(".share-button")).to_be_hidden()
        expect(page.get_by_role("button", name="分享")).to_have_count(0)
    finally:
        context.close()


@pytest.mark.parametrize("seg", ["zh", "en", "zh-hant"])
def test_json_ld_block_parses_and_breaks_no_csp(reader, seg):
    page = reader(CSP_VIOLATIONS)
    page.goto(f"/{seg}/{FULL}/")
    expect(page.get_by_role("button", name="分享" if seg != "en" else "Share")).to_be_visible()
    text = page.locator('script[type="application/ld+json"]').text_content()
    data = json.loads(text)
    assert data["@type"] == "NewsArticle" and data["url"].endswith(f"/{seg}/{FULL}/")
    assert page.evaluate("() => window.__csp") == []
    assert page.console == []  # Chromium logs CSP refusals as console errors

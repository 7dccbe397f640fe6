"""A phone reader installs the app, reads both languages offline, and gets each deploy once.

The page runs under a strict CSP (no eval), so waits use ``page.evaluate`` with a promise
rather than ``wait_for_function`` strings.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po, write_po
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, switcher_link
from tests.conftest import SEED_SLUG
from tests.helpers import english_catalog, seed_article
from tests.server import GunicornServer
from webapp.config import ROOT

ARTICLE = f"/{{}}/{SEED_SLUG}/"

CONTROLLED = """() => navigator.serviceWorker.controller ? true : new Promise(resolve =>
  navigator.serviceWorker.addEventListener("controllerchange", () => resolve(true), {once: true}))"""
CACHE_NAMES = "() => caches.keys()"
UPDATE_NOW = """async () => {
  const registration = await navigator.serviceWorker.getRegistration();
  await registration.update();
  return {installing: Boolean(registration.installing), waiting: Boolean(registration.waiting)};
}"""


def wait_until_controlled(page) -> None:
    """Wait until the service worker controls the page (installed, activated, claimed)."""
    assert page.evaluate(CONTROLLED) is True


def expect_full_article(page, locale: str) -> None:
    """Every body block in ``locale`` (``zh``, ``en`` or ``zh-hant``) and the six quotes."""
    catalog = hant_catalog() if locale == "zh-hant" else english_catalog()
    for block in seed_article().body:
        text = block.text if locale == "zh" else catalog.get(block.text, context=block.msgctxt).string
        expect(page.locator(f"#{block.id}")).to_have_text(text)
    expect(page.locator("blockquote")).to_have_count(6)


def hant_catalog():
    with open(ROOT / "translations/zh_Hant/LC_MESSAGES/article.po", "rb") as fh:
        return read_po(fh, locale="zh_Hant")


def watch_console(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    return errors


def test_worker_installs_activates_and_controls_the_page(page, console_errors, base_url):
    page.goto("/zh/")
    wait_until_controlled(page)
    state = page.evaluate("""async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      const names = await caches.keys();
      const cache = await caches.open(names.find(n => n.startsWith("reader-precache-")));
      return {scope: registration.scope, state: registration.active.state,
              script: navigator.serviceWorker.controller.scriptURL, names,
              cached: (await cache.keys()).length};
    }""")
    assert state["scope"] == base_url + "/" and state["state"] == "activated"
    assert state["script"] == base_url + "/sw.js"
    assert [n for n in state["names"] if n.startswith("reader-precache-")] == state["names"][:1]
    precache = page.request.get("/sw.js").text()
    assert state["cached"] == precache.count('"url": ')  # every entry of the manifest
    expect(page.locator(".update-prompt")).to_be_hidden()  # a first install is no update


@pytest.mark.parametrize("locale, banner", [
    ("zh", "当前离线，正在显示已保存的版本。"),
    ("en", "You are offline: reading the saved copy."),
    ("zh-hant", "目前離線，正在顯示已儲存的版本。"),
])
def test_offline_reload_shows_the_full_article(page, console_errors, locale, banner):
    page.goto(ARTICLE.format(locale))
    wait_until_controlled(page)
    expect(page.locator(".saved-copy")).to_be_hidden()
    page.context.set_offline(True)
    page.reload()
    expect_full_article(page, locale)
    expect(page.locator(".saved-copy")).to_have_text(banner)
    expect(page.locator(".saved-copy")).to_be_visible()
    # the stylesheet came from the cache too
    assert page.locator("body").evaluate("b => getComputedStyle(b).marginTop") == "0px"


def test_offline_the_other_language_opens_in_full(page, console_errors, base_url):
    page.goto(ARTICLE.format("zh"))  # the reader never opened the English page
    wait_until_controlled(page)
    page.context.set_offline(True)
    switcher_link(page, "English").click()
    page.wait_for_url(f"{base_url}/en/{SEED_SLUG}/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect_full_article(page, "en")
    switcher_link(page, "中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect_full_article(page, "zh")


def test_offline_traditional_pages_open_after_one_visit(page, console_errors, base_url):
    """One online visit to a Simplified page precaches the Traditional pages too."""
    page.goto("/zh/")
    wait_until_controlled(page)
    page.context.set_offline(True)
    switcher_link(page, "繁體").click()
    page.wait_for_url(f"{base_url}/zh-hant/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.locator(".switcher")).to_have_attribute("aria-label", "語言")
    page.locator(".article-list a").first.click()
    page.wait_for_url(f"{base_url}/zh-hant/{SEED_SLUG}/")
    expect_full_article(page, "zh-hant")
    expect(page.get_by_role("button", name="分享")).to_be_visible()  # share.js came from the cache
    page.goto("/zh-hant/offline/")
    expect(page.locator("h1")).to_have_text("目前處於離線狀態")


@pytest.mark.parametrize("path, lang, heading", [
    ("/en/no-such-story/", "en", "You are offline"),
    ("/zh/no-such-story/", "zh-Hans", "当前处于离线状态"),
    ("/zh-hant/no-such-story/", "zh-Hant", "目前處於離線狀態"),
])
def test_offline_an_unknown_page_shows_the_offline_page_in_its_language(
        page, console_errors, path, lang, heading):
    page.goto("/zh/")
    wait_until_controlled(page)
    page.context.set_offline(True)
    page.goto(path)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("h1")).to_have_text(heading)
    page.locator(".offline-page .article-list a").click()  # leads to a saved article
    expect(page.locator("blockquote")).to_have_count(6)


def test_installable_with_an_install_control(browser_type, browser_type_launch_args, base_url, tmp_path):
    """Chromium's own installability check, in a normal (not incognito) profile."""
    context = browser_type.launch_persistent_context(
        str(tmp_path / "profile"), **browser_type_launch_args, viewport=PHONE, base_url=base_url)
    try:
        page = context.new_page()
        errors = watch_console(page)
        page.goto(ARTICLE.format("en"))
        wait_until_controlled(page)
        cdp = context.new_cdp_session(page)
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["url"] == f"{base_url}/en/manifest.webmanifest"
        assert manifest["errors"] == []
        assert cdp.send("Page.getInstallabilityErrors") == {"installabilityErrors": []}
        # Chromium offers beforeinstallprompt: our button replaces its mini-infobar
        expect(page.locator(".install-button")).to_be_visible()
        expect(page.locator(".install-button")).to_have_text("Install the app")
        expect(page.locator(".install-ios")).to_be_hidden()
        assert errors == []
    finally:
        context.close()


def test_ios_safari_gets_add_to_home_screen_instructions(browser, base_url):
    ua = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1")
    context = browser.new_context(user_agent=ua, viewport=PHONE, base_url=base_url)
    try:
        page = context.new_page()
        errors = watch_console(page)
        page.goto("/zh/")
        expect(page.locator(".install-ios")).to_be_visible()
        expect(page.locator(".install-ios")).to_contain_text("添加到主屏幕")
        expect(page.locator(".install-button")).to_be_hidden()
        assert errors == []
    finally:
        context.close()


# --- deploys ---------------------------------------------------------------------------------

@pytest.fixture
def deploy(tmp_path):
    """A server of its own, reading a copy of translations/ that the test can edit."""
    translations = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", translations)
    server = GunicornServer(tmp_path, env={"JINTAN_TRANSLATIONS_DIR": str(translations)})
    server.translations = translations
    try:
        yield server.start()
    finally:
        server.stop()


def retranslate(translations, block, text: str) -> None:
    """The translation desk changes one paragraph's English, then compiles the catalog."""
    po = translations / "en/LC_MESSAGES/article.po"
    with po.open("rb") as fh:
        cat = read_po(fh)
    cat.get(block.text, context=block.msgctxt).string = text
    with po.open("wb") as fh:
        write_po(fh, cat, width=0)
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "compile", "-D", "article",
                    "-d", str(translations)], check=True, capture_output=True)


@pytest.fixture
def reader(browser, deploy):
    context = browser.new_context(viewport=PHONE, base_url=deploy.url)
    page = context.new_page()
    page.console = watch_console(page)
    yield page
    context.close()


def test_a_deploy_reaches_the_reader_on_the_next_visit(reader, deploy):
    page = reader
    block = seed_article().body[3]
    page.goto(ARTICLE.format("en"))
    wait_until_controlled(page)
    old_caches = page.evaluate(CACHE_NAMES)
    deploy.stop()
    new_text = "The district rewrote this paragraph after publication."
    retranslate(deploy.translations, block, new_text)
    deploy.start()

    page.goto(ARTICLE.format("en"))  # the next visit; the browser checks /sw.js on navigation
    prompt = page.locator(".update-prompt")
    expect(prompt).to_be_visible(timeout=15_000)
    expect(prompt).to_contain_text("Jintan Reader has been updated.")
    loads: list[str] = []
    page.on("load", lambda p: loads.append(p.url))
    prompt.get_by_role("button", name="Reload").click()
    expect(page.locator(f"#{block.id}")).to_have_text(new_text)
    page.wait_for_timeout(1500)
    assert len(loads) == 1  # reloaded once, no loop
    expect(page.locator(".update-prompt")).to_be_hidden()
    new_caches = page.evaluate(CACHE_NAMES)
    assert not set(old_caches) & set(new_caches)  # the old precache is gone
    assert len([n for n in new_caches if n.startswith("reader-precache-")]) == 1
    # offline now shows the new text too
    page.context.set_offline(True)
    page.reload()
    expect(page.locator(f"#{block.id}")).to_have_text(new_text)
    assert page.console == []


def test_an_unchanged_deploy_installs_no_new_worker(reader, deploy):
    page = reader
    page.goto(ARTICLE.format("zh"))
    wait_until_controlled(page)
    old_caches = page.evaluate(CACHE_NAMES)
    deploy.restart()
    page.goto(ARTICLE.format("zh"))
    assert page.evaluate(UPDATE_NOW) == {"installing": False, "waiting": False}
    page.wait_for_timeout(500)
    expect(page.locator(".update-prompt")).to_be_hidden()
    assert page.evaluate(CACHE_NAMES) == old_caches
    assert page.console == []

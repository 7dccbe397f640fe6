"""A reader's offline features on the seed article: "Save to read offline" and the saved-articles
library in each language, the language chosen in the switcher honoured offline, the offline
page in the URL's language, and installability.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.offline import reader as journeys
from tests.offline.conftest import own_server
from tests.offline.reader import (
    COUNT_PERSIST,
    HTML_LANG,
    cache_contents,
    size_pattern,
    ui,
    wait_controlled,
    wait_latest,
    wait_read_pages,
    worker_state,
)

SLUG = "jintan-new-energy"
SEGMENTS = ("zh", "en", "zh-hant")
BROWSER_LOCALE = {"zh": "zh-CN", "en": "en-GB", "zh-hant": "zh-TW"}
SAVED_PAGES = [f"/{s}/{SLUG}/{view}" for view in ("", "parallel/") for s in SEGMENTS]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with own_server(tmp_path_factory.mktemp("reader")) as server:
        yield server


@pytest.fixture(scope="module")
def online_view(browser, server):
    """What a reader sees of every page "Save to read offline" keeps, online and without a
    service worker: ``{path: (document title, h1 text, number of paragraphs)}``."""
    context = browser.new_context(base_url=server.url, service_workers="block")
    page = context.new_page()
    view = {}
    for path in SAVED_PAGES:
        page.goto(path)
        view[path] = (page.title(), page.locator("h1").inner_text(),
                      page.locator("article p").count())
    context.close()
    return view


def view_of(page) -> tuple[str, str, int]:
    return page.title(), page.locator("h1").inner_text(), page.locator("article p").count()


@pytest.mark.parametrize("segment", SEGMENTS)
def test_save_read_offline_list_and_remove(new_context, page_errors, online_view, segment):
    context = new_context(locale=BROWSER_LOCALE[segment])
    context.add_init_script(COUNT_PERSIST)
    page = page_errors(context.new_page())
    page.goto(f"/{segment}/{SLUG}/")
    wait_controlled(page)

    # a real toggle button, named from the catalog, reached and pressed with the keyboard
    button = page.get_by_role("button", name=ui(segment, "Save to read offline"), exact=True)
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-pressed", "false")
    assert button.evaluate("b => b.tagName") == "BUTTON"
    button.focus()
    page.keyboard.press("Enter")
    status = page.locator(".save").get_by_role("status")
    expect(button).to_have_attribute("aria-pressed", "true")
    # "Saved" as the browser granted it (headless Chromium without engagement: not granted)
    granted = page.evaluate("navigator.storage.persisted()")
    expect(status).to_have_text(ui(segment, journeys.SAVED_SAYS["granted" if granted else "denied"]))
    expect(button).to_be_focused()
    # the first save asks the browser to keep the site's storage
    assert page.evaluate("window.__persistCalls") == 1
    assert sorted(cache_contents(page)["reader-saved"]) == sorted(SAVED_PAGES)

    # offline: the article in every language and its parallel view, as online
    context.set_offline(True)
    for path in SAVED_PAGES:
        page.goto(path)
        expect(page.locator(".saved-copy")).to_be_visible()
        expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[path.split("/")[1]])
        assert view_of(page) == online_view[path], path

    # the library of every language, offline, lists it under its title in that language
    for other in SEGMENTS:
        page.goto(f"/{other}/saved/")
        expect(page.locator(".saved-item a")).to_have_text(online_view[f"/{other}/{SLUG}/"][1])
        expect(page.locator(".saved-item a")).to_have_attribute("href", f"/{other}/{SLUG}/")

    # the library, offline: the article with its size and a Remove button
    page.goto(f"/{segment}/saved/")
    expect(page.locator("h1")).to_have_text(ui(segment, "Saved articles"))
    item = page.locator(".saved-item")
    expect(item).to_have_count(1)
    title = online_view[f"/{segment}/{SLUG}/"][1]
    link = item.get_by_role("link")
    expect(link).to_have_text(title)
    expect(link).to_have_attribute("href", f"/{segment}/{SLUG}/")
    expect(item.locator(".saved-size")).to_have_text(size_pattern(segment))
    remove = item.get_by_role("button", name=f"{ui(segment, 'Remove')}: {title}", exact=True)
    expect(remove).to_have_text(ui(segment, "Remove"))
    link.click()
    expect(page.locator("h1")).to_have_text(title)     # the link opens the saved copy
    page.go_back()

    # removing deletes it, offline too
    page.locator(".saved-item").get_by_role("button").click()
    expect(page.locator(".saved-item")).to_have_count(0)
    expect(page.get_by_role("status").filter(has_text=ui(
        segment, "Removed from saved articles."))).to_be_visible()
    expect(page.locator("[data-saved-empty]")).to_be_visible()
    assert cache_contents(page)["reader-saved"] == []
    # the article was read online, so its other languages stay kept (not saved): still there,
    # called a kept copy now (issue 23)
    other = next(s for s in SEGMENTS if s != segment)
    page.goto(f"/{other}/{SLUG}/parallel/")
    expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[other])
    expect(page.locator(".saved-copy")).to_have_text(ui(other, journeys.KEPT_NOTICE))


def test_the_toggle_remembers_and_turns_back(new_context, page_errors):
    """Pressed again, the toggle removes the article. Its state comes from the worker: after a
    reload it is shown pressed while the article is saved, and not pressed once removed."""
    context = new_context(locale="zh-CN")
    page = page_errors(context.new_page())
    page.goto(f"/zh/{SLUG}/")
    wait_controlled(page)
    button = page.locator(".save-button")
    status = page.locator(".save").get_by_role("status")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    page.reload()
    expect(button).to_be_visible()           # shown once the worker has answered
    expect(button).to_have_attribute("aria-pressed", "true")
    expect(button.locator(".save-mark")).to_be_visible()
    button.click()
    expect(button).to_have_attribute("aria-pressed", "false")
    expect(status).to_have_text(ui("zh", "Removed from saved articles."))
    expect(button.locator(".save-mark")).to_be_hidden()
    assert cache_contents(page)["reader-saved"] == []
    page.reload()
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-pressed", "false")


def test_offline_root_follows_the_language_chosen(new_context, server, page_errors):
    """A browser in Chinese whose reader chose English (cookie ``locale=en``): ``/`` offline
    is the English front page, as online; after choosing 繁體 in the switcher, Traditional."""
    context = new_context(locale="zh-CN")
    context.add_cookies([{"name": "locale", "value": "en", "url": server.url}])
    page = page_errors(context.new_page())
    page.goto("/")
    expect(page).to_have_url(f"{server.url}/en/")
    wait_controlled(page)
    wait_latest(page, "en")

    context.set_offline(True)
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Latest articles")
    expect(page.locator(".saved-copy")).to_be_visible()
    # a page it never kept: the offline page in the URL's language, else the chosen one
    page.goto("/zh-hant/no-such-story/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.locator("h1")).to_have_text(ui("zh-hant", "You are offline"))
    page.goto("/no-such-page")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("You are offline")

    # online again, the reader picks 繁體: "/" offline follows
    context.set_offline(False)
    page.goto("/en/")
    nav = page.get_by_role("navigation", name="Language")
    link = nav.get_by_role("link", name="繁體", include_hidden=True)
    if not link.is_visible():   # a phone's header folds the choices into a menu
        nav.locator("[popovertarget]").click()
    link.click()
    expect(page).to_have_url(f"{server.url}/zh-hant/")
    wait_latest(page, "zh-hant")
    context.set_offline(True)
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.locator("h1")).to_have_text(ui("zh-hant", "Latest articles"))


def test_the_first_page_opened_is_kept_too(new_context, server, page_errors):
    """The first page of a first visit loads before any worker controls it. It is still kept:
    a reader who opens the site, reads an article, switches to English and later loses the
    signal finds the Chinese front page they started on."""
    context = new_context(locale="zh-CN")
    page = page_errors(context.new_page())
    page.goto("/")
    expect(page).to_have_url(f"{server.url}/zh/")
    wait_controlled(page)
    page.goto(f"/zh/{SLUG}/")
    page.goto(f"/en/{SLUG}/")
    wait_read_pages(page, ["/zh/", f"/zh/{SLUG}/", f"/en/{SLUG}/"], f"/en/{SLUG}/")

    context.set_offline(True)
    page.goto("/zh/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("h1")).to_have_text(ui("zh", "Latest articles"))
    expect(page.locator(".saved-copy")).to_be_visible()


def test_installable_without_errors(persistent_context, page_errors):
    """Chromium's own installability check, in a normal profile, once the worker controls."""
    context = persistent_context()
    page = page_errors(context.new_page())
    page.goto(f"/en/{SLUG}/")
    wait_controlled(page)
    cdp = context.new_cdp_session(page)
    assert cdp.send("Page.getAppManifest")["errors"] == []
    assert cdp.send("Page.getInstallabilityErrors") == {"installabilityErrors": []}
    assert worker_state(page)["active"]["state"] == "activated"


IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 "
          "(KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1")
IOS_NOTE = ("On iPhone and iPad, saved articles are kept for good only once Jintan Reader is on "
            "your Home Screen; in Safari, they may be deleted if you use Safari for seven days "
            "without visiting this site.")


@pytest.mark.parametrize("user_agent, told", [(IPHONE, True), (None, False)])
def test_library_says_what_saving_promises_on_ios(new_context, page_errors, user_agent, told):
    """WebKit may delete a site's storage after seven days of Safari use without a visit;
    home-screen apps keep theirs. The library says so to iOS readers in Safari, only to them."""
    context = new_context(**({"user_agent": user_agent} if user_agent else {}))
    page = page_errors(context.new_page())
    page.goto("/zh-hant/saved/")
    expect(page.locator(".saved-empty")).to_have_text(ui(
        "zh-hant", "You have not saved any articles yet. Use “Save to read offline” under an article."))
    note = page.locator(".saved-ios")
    expect(note).to_have_text(ui("zh-hant", IOS_NOTE))
    if told:
        expect(note).to_be_visible()
    else:
        expect(note).to_be_hidden()


def test_a_read_article_opens_offline_in_every_language(new_context, page_errors):
    page = page_errors(new_context(locale="zh-CN").new_page())
    journeys.a_read_article_opens_offline_in_every_language(page, SLUG)


@pytest.mark.parametrize("persistence", ["granted", "denied", "absent"])
def test_saved_says_what_the_browser_granted(new_context, page_errors, persistence):
    page = page_errors(new_context(locale="en-GB").new_page())
    journeys.saved_says_what_the_browser_granted(page, SLUG, "en", persistence)


def test_a_save_without_room_leaves_nothing_behind(new_context, server, page_errors):
    page = new_context(locale="en-GB").new_page()  # the failed writes log console errors
    journeys.a_save_without_room_leaves_nothing_behind(page, server.url, SLUG)


@pytest.mark.parametrize("segment", ["en", "zh"])
def test_the_library_counts_what_it_keeps(new_context, page_errors, segment):
    page = page_errors(new_context(locale="en-GB").new_page())
    journeys.the_library_counts_what_it_keeps(page, SLUG, segment)

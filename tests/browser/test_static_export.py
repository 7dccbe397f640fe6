"""The static export (`make export`) served by a plain static file server passes the reader
journeys of the live app (tests/browser/helpers.py): reading, switching, no JavaScript, 404,
carousel, offline, install. Left out: server behaviour a static server does not have (HTTP
details are unit-tested, publishing by the deploy simulation)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import helpers as journeys
from tests.helpers import start_app
from tests.static_server import StaticServer
from webapp.publish.export import export

LOCALES = pytest.mark.parametrize("locale", ["en", "zh"])


@pytest.fixture(scope="module")
def static_site(fixture_site, tmp_path_factory):
    dest = tmp_path_factory.mktemp("static-export") / "site"
    export(dest, start_app(fixture_site))
    server = StaticServer(dest)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def base_url(static_site):
    return static_site.url


@pytest.mark.parametrize("seg", ["zh", "en", "zh-hant"])
def test_article_renders_fully_on_a_phone(page, console_errors, seg):
    journeys.article_renders_fully_on_a_phone(page, seg)


@pytest.mark.parametrize("width", [320, 390])
def test_no_horizontal_scrolling_from_320px(page, width):
    journeys.no_horizontal_scrolling(page, width)


def test_switcher_keeps_the_paragraph_and_remembers_the_choice(page, console_errors, base_url):
    journeys.switcher_keeps_the_paragraph_and_remembers_the_choice(page, base_url)


def test_the_root_page_sends_a_new_reader_to_their_browsers_language(browser, base_url):
    for languages, expected in ((["zh-TW", "en"], "zh-hant"), (["fr", "en-GB"], "en"),
                                (["de"], "zh")):
        context = browser.new_context(base_url=base_url, locale=languages[0],
                                      extra_http_headers={"Accept-Language": ",".join(languages)})
        try:
            page = context.new_page()
            page.add_init_script(f"Object.defineProperty(navigator, 'languages', "
                                 f"{{get: () => {languages!r}}})")
            page.goto("/")
            page.wait_for_url(f"{base_url}/{expected}/")
            expect(page.locator("h1")).to_be_visible()
        finally:
            context.close()


def test_reading_works_without_javascript(browser, base_url):
    journeys.reading_works_without_javascript(browser, base_url)


def test_not_found_page_offers_a_way_home(page):
    journeys.not_found_page_offers_a_way_home(page)


@LOCALES
def test_next_and_previous_buttons_move_one_slide_and_stop_at_the_ends(page, console_errors,
                                                                       locale):
    journeys.buttons_move_one_slide_and_stop_at_the_ends(page, locale)


@LOCALES
def test_a_touch_swipe_moves_exactly_one_slide(browser, base_url, locale):
    journeys.a_touch_swipe_moves_exactly_one_slide(browser, base_url, locale)


@LOCALES
def test_without_javascript_every_quote_is_visible_text(browser, base_url, locale):
    journeys.without_javascript_every_quote_is_visible_text(browser, base_url, locale)


def test_worker_installs_activates_and_controls_the_page(page, console_errors, base_url):
    journeys.worker_installs_activates_and_controls_the_page(page, base_url)


@pytest.mark.parametrize("seg", ["zh", "en"])
def test_an_article_read_online_opens_offline_as_the_saved_copy(page, console_errors, seg):
    journeys.an_article_read_online_opens_offline(page, seg)


@pytest.mark.parametrize("path", list(journeys.OFFLINE))
def test_offline_an_unknown_page_shows_the_offline_page_in_its_language(page, console_errors,
                                                                         path):
    journeys.offline_an_unknown_page_shows_the_offline_page_in_its_language(page, path)


def test_installable_with_an_install_control(browser_type, browser_type_launch_args, base_url,
                                             tmp_path):
    journeys.installable_with_an_install_control(browser_type, browser_type_launch_args,
                                                 base_url, tmp_path / "profile")

"""A phone reader installs the app and reads offline what they read online; a page never
read offline shows the offline page in its language. (How releases reach readers and the
saved library are tested by the deploy simulation.)"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser import helpers as journeys
from tests.browser.helpers import PHONE, watch_console


def test_worker_installs_activates_and_controls_the_page(page, console_errors, base_url):
    journeys.worker_installs_activates_and_controls_the_page(page, base_url)


@pytest.mark.parametrize("seg", ["zh", "en", "zh-hant"])
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

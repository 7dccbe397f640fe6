"""The static export (`make export`) served by a plain static file server passes the same
browser tests as the live app: reading, switching, no-JS, 404, carousel, offline, install.

The tests are the live app's own, imported here; ``base_url`` is overridden for this module,
so each runs against the exported files. Left out: tests of server behaviour a static server
does not have (the deploy simulation restarts gunicorn; HTTP details are unit-tested).
"""

from __future__ import annotations

import pytest

from tests.browser.test_carousel import (  # noqa: F401
    test_a_touch_swipe_moves_exactly_one_slide,
    test_next_and_previous_buttons_move_one_slide_and_stop_at_the_ends,
    test_without_javascript_all_six_quotes_are_visible_text,
)
from tests.browser.test_offline import (  # noqa: F401
    test_installable_with_an_install_control,
    test_offline_an_unknown_page_shows_the_offline_page_in_its_language,
    test_offline_reload_shows_the_full_article,
    test_offline_the_other_language_opens_in_full,
    test_worker_installs_activates_and_controls_the_page,
)
from tests.browser.test_reading import (  # noqa: F401
    test_article_renders_fully_on_a_phone,
    test_no_horizontal_scrolling_from_320px,
    test_not_found_page_offers_a_way_home,
    test_reading_works_without_javascript,
    test_switcher_keeps_the_paragraph_and_remembers_the_choice,
)
from tests.static_server import StaticServer
from webapp.export import export


@pytest.fixture(scope="module")
def static_site(tmp_path_factory):
    from webapp import create_app
    tmp = tmp_path_factory.mktemp("static-export")
    export(tmp / "site", create_app({"BUILD_DIR": str(tmp / "build" / "static")}))
    server = StaticServer(tmp / "site")
    yield server
    server.stop()


@pytest.fixture(scope="module")
def base_url(static_site):
    return static_site.url

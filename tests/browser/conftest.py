"""Browser tests: the app served by gunicorn (production config), driven by Debian's Chromium.

``playwright install`` cannot download browsers here, so pytest-playwright launches
``/usr/bin/chromium`` (override with ``CHROMIUM``). A missing browser skips these tests on a
developer machine but fails the run in CI (``CI=true``): a skipped browser test is no test.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.server import GunicornServer, free_port  # noqa: F401 (re-exported)

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    srv = GunicornServer(tmp_path_factory.mktemp("server")).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def base_url(server):
    """pytest-playwright's base_url: relative ``page.goto("/en/")`` goes to our server."""
    return server.url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture
def browser_context_args(base_url):
    """Every test's context: phone viewport and our server. Built here rather than on
    pytest-playwright's session-scoped args, so a module can override ``base_url`` (the
    static export runs the same tests against another server)."""
    return {"base_url": base_url, "viewport": PHONE, "device_scale_factor": 1}


@pytest.fixture
def console_errors(page):
    """Collects console errors and uncaught page errors; the test fails if any occurred."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(f"console: {msg.text}") if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    yield errors
    assert errors == [], errors


def horizontal_overflow(page) -> int:
    """Pixels the page is wider than its viewport (0 when there is no horizontal scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")

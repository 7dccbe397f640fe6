"""Browser tests: the fixture site served by gunicorn (production config, on a release built for
it), driven by Debian's Chromium with only the worst-case fonts (scripts/browser.py).

A missing browser skips these tests on a developer machine but fails the run in CI
(``CI=true``): a skipped browser test is no test. Helpers the tests share are in
tests/browser/helpers.py.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from scripts.browser import CHROMIUM, CHROMIUM_ARGS, PHONE, worst_case_fonts
from tests.server import fixture_server


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    with fixture_server(tmp_path_factory.mktemp("server")) as srv:
        yield srv


@pytest.fixture(scope="session")
def base_url(server):
    """pytest-playwright's base_url: relative ``page.goto("/en/")`` goes to our server."""
    return server.url


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, tmp_path_factory):
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    env = {**os.environ, **worst_case_fonts(tmp_path_factory.mktemp("fonts"))}
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS,
            "env": env}


@pytest.fixture
def browser_context_args(base_url):
    """Every test's context: phone viewport and our server. Built here rather than on
    pytest-playwright's session-scoped args, so a module can override ``base_url`` (the
    static export runs the reader tests against another server)."""
    return {"base_url": base_url, "viewport": PHONE, "device_scale_factor": 1}


@pytest.fixture
def console_errors(page):
    """Collects console errors and uncaught page errors; the test fails if any occurred."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(f"console: {msg.text}")
            if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    yield errors
    assert errors == [], errors

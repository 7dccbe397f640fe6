"""The reader journeys in three engines (scripts/engines.py): Chromium (Playwright), WebKitGTK
(WebKitWebDriver) and Firefox ESR (WebDriver BiDi).

Every test that takes ``tab`` (or ``engine``) runs once per engine: the ``engine`` fixture is
parametrized over :data:`scripts.engines.ENGINES`, session-scoped, so each engine starts once
per run; each ``tab`` is a fresh profile. Marks: ``browser`` and the engine's name, so
``pytest -m webkit tests/engines`` (``make browser-webkit``) runs one tier alone. A missing
engine skips on a developer machine and fails the run in CI (``CI=true``).

Offline is the server stopped (``own_server``), the same in every engine, not an engine's
offline emulation.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from scripts import engines
from scripts.harness import site_server
from tests.server import fixture_server

HERE = Path(__file__).parent
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def pytest_collection_modifyitems(items):
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", params=[pytest.param(name, marks=getattr(pytest.mark, name))
                                         for name in engines.ENGINES])
def engine(request):
    """The engine of this tier, started once for the session."""
    try:
        started = engines.start(request.param)
    except engines.EngineMissing as missing:
        if os.environ.get("CI") == "true":
            pytest.fail(str(missing), pytrace=False)
        pytest.skip(str(missing))
    yield started
    started.close()


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    """The fixture site (tests/data) on gunicorn, shared by every engine's tests that do not
    stop it."""
    srv = fixture_server(tmp_path_factory.mktemp("engines-server")).start()
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def seed_server(tmp_path_factory):
    """The project's own content (the seed article's long quotes: the typography worst case)."""
    srv = site_server(tmp_path_factory.mktemp("engines-seed")).start()
    yield srv
    srv.stop()


@pytest.fixture
def open_page(engine, server):
    """``open_page(base_url=None, width=390, height=844)``: a tab in a fresh profile (on the
    fixture server unless told), closed at the end of the test."""
    pages = []

    def factory(base_url=None, width=PHONE["width"], height=PHONE["height"]):
        page = engine.new_page(base_url or server.url, width, height)
        pages.append(page)
        return page
    yield factory
    for page in pages:
        page.close()


@pytest.fixture
def tab(open_page):
    """A phone-sized tab in a fresh profile on the fixture server."""
    return open_page()


@pytest.fixture
def own_server(tmp_path):
    """A fixture-site server of this test's own, which the test may stop (offline)."""
    srv = fixture_server(tmp_path / "server").start()
    yield srv
    srv.stop()

"""Offline reading, driven in Debian's Chromium: the service worker, "Save to read offline", the
saved-articles library, and deploys seen by a reader with the page open, with the browser
closed, and offline (issue 10).

Every test module starts its own gunicorn (:func:`own_server`, scripts/harness.py) on a
temporary build of its own sources, so it can deploy without disturbing other tests. Everything here
carries the ``browser`` marker: ``pytest -m "not browser"`` leaves it out.

``playwright install`` cannot download browsers here, so pytest-playwright launches
``/usr/bin/chromium`` (override with ``CHROMIUM``). A missing browser skips these tests on a
developer machine and fails the run in CI (``CI=true``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from scripts.harness import Gunicorn, ReleaseTree

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
HERE = Path(__file__).parent

# Two shared cores: a worker's install or a gunicorn reload can take a few seconds.
expect.set_options(timeout=20_000)

FIGURES: dict[str, str] = {}   # measured figures, printed at the end of the run


def own_server(root: Path) -> Gunicorn:
    """A module's own server (not started; ``with own_server(...) as server`` starts and stops
    it): a release of copies of the project's content and catalogs in ``root``, which the
    module may edit and deploy (:meth:`Gunicorn.deploy`) without disturbing other tests."""
    tree = ReleaseTree(root)
    tree.build()
    return Gunicorn(tree)


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("offline figures")
        for name, value in FIGURES.items():
            terminalreporter.write_line(f"{name}: {value}")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium with the flags the project uses; missing: skip, or fail in CI."""
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="module")
def server(publication):
    """The module's ``publication`` (a :class:`ReleaseTree` fixture, built) served by gunicorn;
    a module with a server of its own (:func:`own_server`) overrides this fixture."""
    with Gunicorn(publication) as server:
        yield server


@pytest.fixture
def browser_context_args(server):
    """Every context: a phone viewport on the module's own server (``server`` fixture)."""
    return {"base_url": server.url, "viewport": PHONE}


@pytest.fixture
def persistent_context(browser_type, browser_type_launch_args, server, tmp_path):
    """Open a normal (not incognito) profile in ``tmp_path/profile``: a browser that can be
    closed and opened again with its service worker and caches. Closed at the end."""
    opened = []

    def launch(**kwargs):
        context = browser_type.launch_persistent_context(
            str(tmp_path / "profile"), **browser_type_launch_args, base_url=server.url,
            viewport=PHONE, **kwargs)
        opened.append(context)
        return context
    yield launch
    for context in opened:
        context.close()  # closing a closed context is a no-op


@pytest.fixture
def page_errors():
    """Watch pages for uncaught errors, console errors and failed requests; the test fails if
    any occurred. Call ``page_errors(page)`` on each page to watch."""
    errors: list[str] = []

    def watch(page):
        page.on("console", lambda msg: errors.append(f"{page.url}: console: {msg.text}")
                if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(f"{page.url}: pageerror: {exc}"))
        # ERR_ABORTED: a request the next navigation cancelled (a late favicon), not a failure
        page.on("requestfailed", lambda request: errors.append(
            f"{page.url}: failed: {request.url} {request.failure}")
            if request.failure != "net::ERR_ABORTED" else None)
        return page
    yield watch
    assert errors == []

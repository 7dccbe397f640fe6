"""Browser tests: the app served by gunicorn (production config), driven by Debian's Chromium.

``playwright install`` cannot download browsers here, so pytest-playwright launches
``/usr/bin/chromium`` (override with ``CHROMIUM``). A missing browser skips these tests on a
developer machine but fails the run in CI (``CI=true``): a skipped browser test is no test.

Chromium sees only the worst-case fonts a phone or Linux desktop can have: Noto CJK
(fonts-noto-cjk) and DejaVu, no Georgia, Times, Arial or their Liberation look-alikes
(``worst_case_fonts``). Whatever else the machine has installed, the pages are tested, and
the screenshots taken, as such a reader sees them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.server import GunicornServer, free_port  # noqa: F401 (re-exported)

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
PHONE = {"width": 390, "height": 844}
# families of the worst case: fonts-noto-cjk and fonts-dejavu-core/-extra
WORST_CASE_FAMILIES = ("Noto Sans CJK", "Noto Serif CJK", "Noto Sans Mono CJK", "DejaVu")
FONT_FILES = ("*.ttf", "*.ttc", "*.otf", "*.otc", "*.pfb", "*.pfa", "*.pcf.gz", "*.woff", "*.woff2")


def worst_case_fonts(directory: Path | None = None) -> dict:
    """Environment variables that let Chromium (through fontconfig) use only the
    ``WORST_CASE_FAMILIES`` faces installed here: a ``fonts.conf`` that includes the system
    configuration and rejects every other font file. Empty (system fonts) when fontconfig is
    missing or none of those families is installed."""
    try:
        listing = subprocess.run(["fc-list", "-f", "%{family[0]}|%{file}\n"], capture_output=True,
                                 text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return {}
    keep = sorted({path for family, _, path in (line.partition("|") for line in listing.splitlines())
                   if family.startswith(WORST_CASE_FAMILIES) and path})
    if not any("CJK" in path for path in keep):
        return {}
    directory = Path(directory or tempfile.mkdtemp(prefix="worst-case-fonts-"))
    accept = "".join(f"<glob>{path}</glob>" for path in keep)
    reject = "".join(f"<glob>{pattern}</glob>" for pattern in FONT_FILES)
    conf = directory / "fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <selectfont><acceptfont>{accept}</acceptfont><rejectfont>{reject}</rejectfont></selectfont>
</fontconfig>
""", encoding="utf-8")
    return {"FONTCONFIG_FILE": str(conf)}


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
def browser_type_launch_args(browser_type_launch_args, tmp_path_factory):
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    env = {**os.environ, **worst_case_fonts(tmp_path_factory.mktemp("fonts"))}
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS, "env": env}


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


def switcher_link(page, name: str):
    """The language switcher's link ``name`` (a language, or the parallel view), made visible:
    on narrow headers the choices are in a menu, which this opens first (a click, as a reader
    would)."""
    nav = page.locator("nav.switcher")
    link = nav.get_by_role("link", name=name, exact=True, include_hidden=True)
    if not link.is_visible():
        nav.locator("[popovertarget]").click()
    return link

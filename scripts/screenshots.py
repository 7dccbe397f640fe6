"""Take the README's screenshots: the article in each locale at phone size, and desktop.

Usage: ``make screenshots`` (starts gunicorn on a free port, drives Debian's Chromium with
only the worst-case fonts, Noto CJK and DejaVu, as the browser tests do).
Writes PNG files to docs/screenshots/ (or the folder given as the first argument), and copies
the phone pictures to static/screenshots/ for the web app manifest's install UI. Further
arguments take only the pictures whose names contain them (``... docs/screenshots parallel``).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts.browser import CHROMIUM, CHROMIUM_ARGS, worst_case_fonts  # noqa: E402
from scripts.harness import site_server  # noqa: E402
from scripts.photo_site import photo_site  # noqa: E402
from webapp.config import ROOT  # noqa: E402

SHOTS = [  # (file name, path, viewport, full page)
    ("phone-zh.png", "/zh/jintan-new-energy/", {"width": 390, "height": 844}, False),
    ("phone-en.png", "/en/jintan-new-energy/", {"width": 390, "height": 844}, False),
    ("phone-zh_Hant.png", "/zh-hant/jintan-new-energy/", {"width": 390, "height": 844}, False),
    ("phone-zh-quotes.png", "/zh/jintan-new-energy/#quotes", {"width": 390, "height": 844}, False),
    ("phone-en-quotes.png", "/en/jintan-new-energy/#quotes", {"width": 390, "height": 844}, False),
    ("desktop-zh.png", "/zh/jintan-new-energy/", {"width": 1280, "height": 900}, False),
    ("desktop-en.png", "/en/jintan-new-energy/", {"width": 1280, "height": 900}, False),
    # parallel text (中英对照) and the reading controls
    ("phone-zh-parallel.png", "/zh/jintan-new-energy/parallel/", {"width": 390, "height": 844}, False),
    ("desktop-zh-parallel.png", "/zh/jintan-new-energy/parallel/", {"width": 1280, "height": 900}, False),
    ("phone-en-controls.png", "/en/jintan-new-energy/", {"width": 390, "height": 844}, False),
    # front page, the language menu, large text, the typography pair for the README (issue 11)
    ("phone-zh-index.png", "/zh/", {"width": 390, "height": 844}, False),
    ("phone-en-index.png", "/en/", {"width": 390, "height": 844}, False),
    ("desktop-en-index.png", "/en/", {"width": 1280, "height": 900}, False),
    ("phone-en-menu.png", "/en/jintan-new-energy/", {"width": 390, "height": 844}, False),
    ("phone-zh_Hant-large.png", "/zh-hant/jintan-new-energy/", {"width": 360, "height": 640}, False),
    ("after-en-headline.png", "/en/jintan-new-energy/", {"width": 390, "height": 844}, False),
    ("after-en-quotes.png", "/en/jintan-new-energy/#quotes", {"width": 390, "height": 844}, False),
]
# photos (issue 25): the fixture article with three generated photos, on a site of its own
# (scripts/photo_site.py), so the seed's pictures above keep showing the seed alone
PHOTO_SHOTS = [
    ("photos-zh-phone.png", "/zh/photo-fixture/", {"width": 390, "height": 844}, False),
    ("photos-en-phone.png", "/en/photo-fixture/", {"width": 390, "height": 844}, False),
    ("photos-zh-desktop.png", "/zh/photo-fixture/", {"width": 1280, "height": 900}, False),
    ("photos-en-desktop.png", "/en/photo-fixture/", {"width": 1280, "height": 900}, False),
    ("photos-zh-seed-caption-only.png", "/zh/jintan-new-energy/#fig-48de43e8",
     {"width": 390, "height": 844}, False),
]
CLIPS = {"after-en-headline.png": ".article-header h1"}  # element pictures, by file name
LARGE_TEXT = {"phone-zh_Hant-large.png"}  # taken with Display -> Large
DARK = ("phone-en.png", "desktop-zh-parallel.png")  # also taken in dark mode (<name>-dark.png)
ACTIONS = {  # what to do before the picture, by file name
    "phone-en-controls.png": lambda page: page.click("[data-comfort-toggle]"),
    "phone-en-menu.png": lambda page: page.click(".switcher-button"),
}


def take(browser, server, shots, out: Path, only: list[str] | None) -> None:
    """Take ``shots`` (SHOTS-like tuples) from ``server`` into ``out``."""
    for scheme in ("light", "dark"):
        for name, path, viewport, full in shots:
            if scheme == "dark" and name not in DARK:
                continue
            if only and not any(word in name for word in only):
                continue
            ctx = browser.new_context(viewport=viewport, color_scheme=scheme)
            if name in LARGE_TEXT:
                ctx.add_init_script("localStorage.setItem('reader-size', 'large')")
            page = ctx.new_page()
            page.goto(server.url + path)
            page.wait_for_load_state("networkidle")
            if name in ACTIONS:
                ACTIONS[name](page)
            file = name if scheme == "light" else name.replace(".png", "-dark.png")
            page.wait_for_timeout(300)  # transitions (the carousel picker)
            if name in CLIPS:
                page.locator(CLIPS[name]).screenshot(path=str(out / file))
            else:
                page.screenshot(path=str(out / file), full_page=full)
            ctx.close()
            print(out / file)


def _wanted(shots, only) -> bool:
    return any(not only or any(word in name for word in only) for name, *_ in shots)


def main(out: Path, only: list[str] | None = None) -> None:
    """Take the pictures into ``out``; ``only``: take just those whose file name contains one
    of these words (then the manifest copies are left as they are)."""
    out.mkdir(parents=True, exist_ok=True)
    servers = []
    try:
        with sync_playwright() as p:
            env = {**os.environ, **worst_case_fonts()}
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=env)
            if _wanted(SHOTS, only):
                servers.append(site_server(Path(tempfile.mkdtemp())).start())
                take(browser, servers[-1], SHOTS, out, only)
            if _wanted(PHOTO_SHOTS, only):
                work = Path(tempfile.mkdtemp())
                servers.append(site_server(work, env=photo_site(work)).start())
                take(browser, servers[-1], PHOTO_SHOTS, out, only)
            browser.close()
    finally:
        for server in servers:
            server.stop()
    # the web app manifest's install screenshots (form_factor "narrow") are the phone pictures
    for name in () if only else ("phone-zh.png", "phone-en.png", "phone-zh_Hant.png"):  # phone-<locale id>.png
        (ROOT / "static" / "screenshots").mkdir(exist_ok=True)
        shutil.copyfile(out / name, ROOT / "static" / "screenshots" / name)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots", sys.argv[2:])

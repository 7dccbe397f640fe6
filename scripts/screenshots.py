"""Take the README's screenshots: the article in each locale at phone size, and desktop.

Usage: ``make screenshots`` (starts gunicorn on a free port, drives Debian's Chromium).
Writes PNG files to docs/screenshots/ (or the folder given as the first argument), and copies
the two phone pictures to static/screenshots/ for the web app manifest's install UI.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, GunicornServer  # noqa: E402
from webapp.config import ROOT  # noqa: E402

SHOTS = [  # (file name, path, viewport, full page)
    ("phone-zh.png", "/zh/jintan-new-energy/", {"width": 390, "height": 844}, False),
    ("phone-en.png", "/en/jintan-new-energy/", {"width": 390, "height": 844}, False),
    ("phone-zh-quotes.png", "/zh/jintan-new-energy/#quotes", {"width": 390, "height": 844}, False),
    ("phone-en-quotes.png", "/en/jintan-new-energy/#quotes", {"width": 390, "height": 844}, False),
    ("desktop-zh.png", "/zh/jintan-new-energy/", {"width": 1280, "height": 900}, False),
    ("desktop-en.png", "/en/jintan-new-energy/", {"width": 1280, "height": 900}, False),
]


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    server = GunicornServer(Path(tempfile.mkdtemp())).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for scheme in ("light", "dark"):
                for name, path, viewport, full in SHOTS:
                    if scheme == "dark" and not name.startswith("phone-en.png"):
                        continue
                    ctx = browser.new_context(viewport=viewport, color_scheme=scheme)
                    page = ctx.new_page()
                    page.goto(server.url + path)
                    page.wait_for_load_state("networkidle")
                    file = name if scheme == "light" else name.replace(".png", "-dark.png")
                    page.screenshot(path=str(out / file), full_page=full)
                    ctx.close()
                    print(out / file)
            browser.close()
    finally:
        server.stop()
    # the web app manifest's install screenshots (form_factor "narrow") are the phone pictures
    for name in ("phone-zh.png", "phone-en.png"):
        (ROOT / "static" / "screenshots").mkdir(exist_ok=True)
        shutil.copyfile(out / name, ROOT / "static" / "screenshots" / name)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")

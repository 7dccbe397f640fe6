"""Screenshots of the article and the front page in each engine (scripts/engines.py), at phone
and desktop size, for a look at what WebKit and Gecko readers see beside Chromium.

Usage: ``make engine-screenshots`` (or ``python scripts/engine_screenshots.py [folder]
[engine ...]``). Starts gunicorn on the project's content and writes
``<engine>-<phone|desktop>-<zh|en|index-zh>.png`` into docs/screenshots/ (or ``folder``).
WebKitGTK's phone is 447 px wide: its MiniBrowser window is no narrower.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts import engines  # noqa: E402
from scripts.harness import site_server  # noqa: E402
from webapp.config import ROOT  # noqa: E402

SIZES = {"phone": (390, 844), "desktop": (1280, 900)}
PAGES = {"zh": "/zh/jintan-new-energy/", "en": "/en/jintan-new-energy/", "index-zh": "/zh/"}
SETTLED = ("() => document.readyState === 'complete' && document.fonts.status === 'loaded'"
           " && [...document.images].every((i) => i.complete)")


def main(out: Path, names: list[str]) -> None:
    """Take the pictures of ``names`` (engine names; all when empty) into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    server = site_server(Path(tempfile.mkdtemp())).start()
    try:
        for name in names or engines.ENGINES:
            with engines.start(name) as engine:
                for size, (width, height) in SIZES.items():
                    for label, path in PAGES.items():
                        page = engine.new_page(server.url, width, height)
                        try:
                            page.goto(path)
                            page.wait(SETTLED, what="the page settled")
                            time.sleep(0.3)  # transitions (the carousel picker)
                            file = out / f"{name}-{size}-{label}.png"
                            page.screenshot(file)
                            print(file)
                        finally:
                            page.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots", sys.argv[2:])

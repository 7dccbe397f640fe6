"""How the project launches Chromium, for the browser tests and `make screenshots` alike.

``playwright install`` cannot download browsers here: Debian's ``/usr/bin/chromium`` (override
with ``CHROMIUM``) runs headless with the flags below. It sees only the worst-case fonts a
phone or Linux desktop can have, Noto CJK (fonts-noto-cjk) and DejaVu, no Georgia, Times,
Arial or their Liberation look-alikes (:func:`worst_case_fonts`): whatever else the machine has
installed, pages are tested, and screenshots taken, as such a reader sees them.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

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


# The saved articles as the service worker counts them: its reply to {type: "library"}
# (static/js/sw.js, `library()`), over a MessageChannel, once a worker is active.
LIBRARY_JS = """async () => {
  const registration = await navigator.serviceWorker.ready;
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data);
    registration.active.postMessage({type: "library"}, [channel.port2]);
  });
}"""


def worker_library(page) -> dict:
    """The service worker's answer about the saved articles of ``page``'s origin: ``items``
    (per article: ``slug``, ``urls``, ``photos``, ``bytes``) and ``photos`` (``bytes`` of the
    kept photos), as static/js/sw.js's ``library()`` returns them. Waits for an active worker."""
    return page.evaluate(LIBRARY_JS)


def touch_swipe(page, start: tuple[float, float], end: tuple[float, float],
                steps: int = 10) -> None:
    """One finger moving in a straight line from ``start`` to ``end`` (CSS px in the
    viewport) in ``steps`` moves 16 ms apart (one a frame), through the Chrome DevTools
    Protocol's ``Input.dispatchTouchEvent`` (Chromium only: a page needs ``has_touch``)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart",
                                          "touchPoints": [{"x": start[0], "y": start[1]}]})
    for i in range(1, steps + 1):
        x = start[0] + (end[0] - start[0]) * i / steps
        y = start[1] + (end[1] - start[1]) * i / steps
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
        page.wait_for_timeout(16)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()

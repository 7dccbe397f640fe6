"""Measure the quotes carousel: blank pixels under each card and layout shift (CLS).

Usage: ``.venv/bin/python scripts/carousel_measure.py [slug]`` (starts gunicorn on a free port
over the current content, drives Debian's Chromium with the worst-case fonts). Prints one line
per (locale, width, scripting): the blank band under each card when it is the current one, in
CSS px, and the cumulative layout shift from load to the end of the walk through all cards.

Blank under a card: the distance from the card's bottom to the bottom of the space the layout
gives it (the row's content box, or the next card when cards are stacked). With JavaScript each
card is made current by a real touch swipe (Chromium touch emulation through CDP), then the dots
are tapped back; without, cards are read as laid out. CLS is the sum of ``layout-shift`` entries
without ``hadRecentInput`` (the Layout Instability API's definition, as web-vitals sums them);
the shifts right after input are printed apart.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts.browser import CHROMIUM, CHROMIUM_ARGS, touch_swipe, worst_case_fonts  # noqa: E402
from scripts.harness import site_server  # noqa: E402

WIDTHS = (320, 390, 768)
LOCALES = ("zh", "en")
SHIFTS_JS = """
  window.__shifts = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__shifts.push([e.value, e.hadRecentInput]);
  }).observe({type: "layout-shift", buffered: true});
"""
# blank px under every card, each as laid out now (index -> px); `current` only: the shown one
BLANK_JS = """(only) => {
  const row = document.querySelector("#quotes [data-carousel-slides]");
  const list = row.querySelector(".quote-list");
  const slides = [...row.querySelectorAll(".carousel-slide")];
  const rowBox = row.getBoundingClientRect();
  const rowBottom = Math.min(list.getBoundingClientRect().bottom,
                             rowBox.bottom - parseFloat(getComputedStyle(row).paddingBottom));
  // a column (no scripting) or a row: the second card starts under the first or beside it
  const stacked = slides.length > 1 && Math.abs(slides[1].getBoundingClientRect().left
                                                - slides[0].getBoundingClientRect().left) < 1;
  return slides.map((slide, i) => {
    if (only !== null && i !== only) return null;
    const card = slide.querySelector("figure").getBoundingClientRect().bottom;
    if (!stacked) return Math.round(rowBottom - card);
    const next = slides[i + 1];
    const gap = next ? parseFloat(getComputedStyle(list).rowGap) || 0 : 0;
    return Math.round((next ? next.getBoundingClientRect().top - gap : rowBottom) - card);
  });
}"""


def swipe_next(page) -> None:
    """One finger swipe towards the next card across the middle of the current card."""
    row = page.locator("#quotes [data-carousel-slides]").bounding_box()
    width = page.locator("#quotes .carousel-slide").first.bounding_box()["width"]
    y = max(row["y"], 0) + 60
    mid = row["x"] + row["width"] / 2
    touch_swipe(page, (mid + width * 0.375, y), (mid - width * 0.375, y))


def current(page) -> int:
    return page.evaluate("() => Number(document.querySelector('[data-carousel]').dataset.current || 0)")


def measure(browser, url: str, width: int, js: bool) -> tuple[list[int], float, float]:
    """(blank px per card, CLS without recent input, shift sum right after input)."""
    ctx = browser.new_context(viewport={"width": width, "height": 844}, java_script_enabled=js,
                              has_touch=js, is_mobile=js and width < 768, device_scale_factor=1)
    page = ctx.new_page()
    ctx.add_init_script(SHIFTS_JS)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.locator("#quotes").scroll_into_view_if_needed()
    page.wait_for_timeout(400)
    count = page.locator("#quotes .carousel-slide").count()
    if not js:
        blanks = page.evaluate(BLANK_JS, None)
        ctx.close()
        return blanks, 0.0, 0.0
    blanks = []
    for i in range(count):
        if i:
            before = current(page)
            swipe_next(page)
            for _ in range(30):
                page.wait_for_timeout(100)
                if current(page) != before:
                    break
            page.wait_for_timeout(400)
        blanks.append(page.evaluate(BLANK_JS, current(page) - 1)[current(page) - 1])
    for i in range(count - 1, -1, -1):  # and back by the dots
        page.locator("#quotes [data-carousel-picker] button").nth(i).tap()
        page.wait_for_timeout(500)
    shifts = page.evaluate("window.__shifts")
    ctx.close()
    cls = sum(v for v, recent in shifts if not recent)
    after_input = sum(v for v, recent in shifts if recent)
    return blanks, cls, after_input


def main(slug: str) -> None:
    server = site_server(Path(tempfile.mkdtemp())).start()
    try:
        with sync_playwright() as p:
            env = {**os.environ, **worst_case_fonts()}
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=env)
            print("| locale | width | JS | blank px under each card | CLS | shift after input |")
            print("|---|---|---|---|---|---|")
            for locale in LOCALES:
                for width in WIDTHS:
                    for js in (True, False):
                        blanks, cls, recent = measure(browser, f"{server.url}/{locale}/{slug}/",
                                                      width, js)
                        cls_text = f"{cls:.4f}" if js else "0 (nothing moves)"
                        print(f"| {locale} | {width} | {'on' if js else 'off'} | "
                              f"{' / '.join(map(str, blanks))} | {cls_text} | {recent:.4f} |",
                              flush=True)
            browser.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "jintan-new-energy")

"""Photo benchmark (issue 25, docs/photos.md): prints the figures, asserts nothing.

``python scripts/bench_photos.py [sections]`` (``make bench-photos``; ``make bench`` runs it
too). Sections (all by default):

- ``release``: first processing time of a 12-MP phone photo (4,000 × 3,000 JPEG with EXIF,
  scripts/photo_fixtures.py), per photo; then a second release of the same site, counting the
  photos processed again (target 0) and its time;
- ``page``: Chromium at 390 × 844, DPR 3 (and 412/2.625, 1280/1): bytes to first view of the
  fixture article with the lead photo (service worker blocked, so its precache is not
  counted), and the ratio of delivered to shown pixels of every photo (target ≤ 1.2);
- ``offline``: the fixture article saved for offline on that phone: bytes the library counts
  for it (target ≤ 600 KB) and the photo renditions the worker kept;
- ``scale``: publishing the fixture article with its 3 new photos into a synthetic archive of
  ``BENCH_PHOTOS_ARTICLES`` (5,000) articles: the release build after the archive's own
  (target < 15 s);
- ``lighthouse``: Lighthouse 12.8.2 mobile on the fixture article and the seed (text only),
  zh and en, ``BENCH_LIGHTHOUSE_RUNS`` (3) runs each, one at a time: four categories, the
  median LCP against its target (< 1.5 s with photos, < 1.0 s text only), its element and
  phases, the render-blocking requests, CLS, and the load average of the machine
  (``BENCH_LIGHTHOUSE_ONLY="text only"`` or ``"3 photos"``: one of the two articles).
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts.browser import CHROMIUM, CHROMIUM_ARGS, worker_library, worst_case_fonts  # noqa: E402
from scripts.harness import Gunicorn, site_server  # noqa: E402
from scripts.photo_fixtures import photo_bytes  # noqa: E402
from scripts.photo_site import SLUG, photo_site  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEED = "jintan-new-energy"


def section_release(work: Path) -> None:
    from webapp.publish import images
    from webapp.publish.build import build
    from webapp.config import load
    print("## Release: photo processing (4,000 x 3,000 JPEG, 12 MP)")
    times = []
    for seed in (11, 12, 13):
        data = photo_bytes(size=(4000, 3000), seed=seed)
        started = time.perf_counter()
        photo = images.process(data, work / "pool", f"bench-{seed}")
        times.append(time.perf_counter() - started)
        size = sum((work / "pool" / f).stat().st_size for f in photo.files())
    print(f"first processing per photo: {', '.join(f'{t:.2f} s' for t in times)} "
          f"(target <= 2 s); {len(photo.files())} files, {size / 1024:.0f} KiB for the last one "
          f"(source {len(data) / 1e6:.1f} MB)")
    site = work / "site"
    env = photo_site(site)
    config = load({"CONTENT_DIR": env["JINTAN_CONTENT_DIR"],
                   "TRANSLATIONS_DIR": env["JINTAN_TRANSLATIONS_DIR"],
                   "BUILD_DIR": str(site / "build")})
    calls = []
    real = images.process

    def counting(*args, **kwargs):
        calls.append(args[2])
        return real(*args, **kwargs)
    images.process = counting
    try:
        started = time.perf_counter()
        build(config, log=lambda *a: None)
        first = time.perf_counter() - started
        first_calls = len(calls)
        # an editor's change to the text: a new release, the same photos
        md = Path(env["JINTAN_CONTENT_DIR"]) / f"{SLUG}.md"
        md.write_text(md.read_text("utf-8").replace("检验什么", "检验的内容"), "utf-8")
        calls.clear()
        started = time.perf_counter()
        build(config, log=lambda *a: None)
        second = time.perf_counter() - started
    finally:
        images.process = real
    print(f"release with 3 new photos: {first:.2f} s ({first_calls} photos processed); "
          f"next release, text edited, photos unchanged: {second:.2f} s, {len(calls)} photos "
          "processed (target 0)")


def section_scale(work: Path) -> None:
    import shutil

    from scripts import synth
    from scripts.photo_site import FIXTURE
    from webapp.publish.build import build
    from webapp.config import load
    n = int(os.environ.get("BENCH_PHOTOS_ARTICLES", "5000"))
    print(f"\n## Publishing an article with 3 new photos at {n:,} articles")
    root = work / "scale"
    synth.generate(n, root)
    config = load({"CONTENT_DIR": str(root / "content"), "TRANSLATIONS_DIR": str(root / "translations"),
                   "BUILD_DIR": str(root / "build")})
    started = time.perf_counter()
    build(config, log=lambda *a: None)
    cold = time.perf_counter() - started
    shutil.copy2(FIXTURE / "content" / f"{SLUG}.md", root / "content")
    shutil.copytree(FIXTURE / "translations", root / "translations", dirs_exist_ok=True)
    from scripts.photo_fixtures import write_article_photos
    write_article_photos(root / "photos")
    started = time.perf_counter()
    build(config, log=lambda *a: None)
    publish = time.perf_counter() - started
    print(f"archive release (cold): {cold:.1f} s; then the article with 3 new 12-MP photos: "
          f"{publish:.1f} s (target < 15 s; the translation cycle not included)")


def _browser(p):
    env = {**os.environ, **worst_case_fonts()}
    return p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, env=env)


# naturalWidth of a srcset image is density-corrected (CSS px): decode the file itself
PIXELS_JS = """async () => Promise.all([...document.querySelectorAll('picture img')].map(async img => {
  const r = img.getBoundingClientRect();
  const file = new Image();
  file.src = img.currentSrc;
  await file.decode();
  return {src: img.currentSrc.split('/').pop(), natural: [file.naturalWidth, file.naturalHeight],
          shown: [r.width * devicePixelRatio, r.height * devicePixelRatio]};
}))"""


def first_view(browser, url: str, width: int, height: int, dpr: float) -> tuple[tuple, list]:
    """Bytes (bodies + headers as received) until network idle, service worker blocked: all
    of them, and without the photos below the first screen that Chrome's lazy loading fetched
    early (it loads a lazy image 1,250–2,500 px ahead of the viewport); and every photo's
    delivered vs shown pixels after scrolling through."""
    ctx = browser.new_context(viewport={"width": width, "height": height},
                              device_scale_factor=dpr, service_workers="block")
    page = ctx.new_page()
    sizes: list[tuple[str, int]] = []
    page.on("requestfinished", lambda req: sizes.append((req.url.rsplit("/", 1)[-1][:40], sum(
        v for k, v in req.sizes().items() if k.startswith("response") and v > 0))))
    page.goto(url, wait_until="networkidle")
    below = set(page.evaluate("""() => [...document.querySelectorAll('picture img')]
      .filter(img => img.getBoundingClientRect().top >= innerHeight)
      .map(img => img.currentSrc.split('/').pop().slice(0, 40))"""))
    total = (sum(n for _u, n in sizes), sum(n for u, n in sizes if u not in below))
    if os.environ.get("BENCH_VERBOSE"):
        print("  " + ", ".join(f"{u} {n / 1024:.1f}" for u, n in sizes))
    for _ in range(12):
        page.mouse.wheel(0, height)
        page.wait_for_timeout(150)
    page.wait_for_load_state("networkidle")
    shots = page.evaluate(PIXELS_JS)
    ctx.close()
    return total, shots


def section_page(server: Gunicorn) -> None:
    from playwright.sync_api import sync_playwright
    print("\n## Page: bytes to first view and image sizes (fixture article, 3 photos)")
    with sync_playwright() as p:
        browser = _browser(p)
        for locale in ("zh", "en"):
            for width, height, dpr in ((390, 844, 3), (412, 823, 2.625), (1280, 900, 1)):
                total, shots = first_view(browser, f"{server.url}/{locale}/{SLUG}/", width,
                                          height, dpr)
                ratios = [s["natural"][0] * s["natural"][1] / (s["shown"][0] * s["shown"][1])
                          for s in shots if s["shown"][0]]
                print(f"{locale} {width}x{height} DPR {dpr}: first screen {total[1] / 1024:.1f} KiB"
                      f"{' (target < 150 KB)' if dpr == 3 else ''}, {total[0] / 1024:.1f} KiB "
                      f"with the lazy photos fetched ahead; delivered/shown pixels "
                      f"{', '.join(f'{r:.2f}' for r in ratios)} (target <= 1.2); "
                      f"{', '.join(s['src'].split('.')[0] for s in shots)}")
        browser.close()


def section_offline(server: Gunicorn) -> None:
    from playwright.sync_api import sync_playwright
    print("\n## Offline: the fixture article saved on a 390 px DPR 3 phone")
    with sync_playwright() as p:
        browser = _browser(p)
        ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=3)
        page = ctx.new_page()
        page.goto(f"{server.url}/zh/{SLUG}/", wait_until="networkidle")
        page.evaluate("navigator.serviceWorker.ready")
        page.reload(wait_until="networkidle")
        for _ in range(12):
            page.mouse.wheel(0, 844)
            page.wait_for_timeout(150)
        button = page.locator(".save-button")
        button.click()
        page.wait_for_selector('.save-button[aria-pressed="true"]', timeout=60_000)
        lib = worker_library(page)
        item = next(i for i in lib["items"] if i["slug"] == SLUG)
        print(f"saved article ({len(item['urls'])} pages: zh, en, zh-Hant and their parallel "
              f"views; {len(item['photos'])} photos): {item['bytes'] / 1024:.0f} KiB on the "
              f"device, {lib['photos']['bytes'] / 1024:.0f} KiB of it photos (target <= 600 KB): "
              f"{', '.join(p.rsplit('/', 1)[1].split('.')[0] for p in item['photos'])}")
        library = page.evaluate("""async () => {
          const est = navigator.storage && await navigator.storage.estimate();
          return est ? est.usage : null; }""")
        print(f"origin storage in use (navigator.storage.estimate): "
              f"{(library or 0) / 1024:.0f} KiB (all caches, the app shell included)")
        ctx.close()
        browser.close()


LH_RUNS = int(os.environ.get("BENCH_LIGHTHOUSE_RUNS", "3"))
LCP_TARGET = {"3 photos": 1.5, "text only": 1.0}  # seconds (issue 25)


def lcp_story(report: dict) -> tuple[str, str, str]:
    """From one Lighthouse report: the LCP element (label and start of its HTML), Lantern's
    LCP phases (TTFB, load delay, load time, render delay, simulated ms) and the
    render-blocking requests with the time Lighthouse says each costs."""
    audits = report["audits"]
    tables = audits.get("largest-contentful-paint-element", {}).get("details", {}).get("items", [])
    node = next((i for t in tables for i in t.get("items", [])
                 if isinstance(i, dict) and "node" in i), {}).get("node", {})
    phases = next((t["items"] for t in tables
                   if t.get("items") and "phase" in t["items"][0]), [])
    blocking = audits.get("render-blocking-insight", {}).get("details", {}).get("items", [])
    return (f"{node.get('nodeLabel', '?')[:40]!r} {node.get('snippet', '')[:60]}",
            ", ".join(f"{p['phase']} {p['timing']:.0f}" for p in phases) or "?",
            ", ".join(f"{b['url'].rsplit('/', 1)[-1]} {b.get('wastedMs') or 0:.0f} ms"
                      for b in blocking) or "none")


def section_lighthouse(server: Gunicorn, work: Path) -> None:
    """Lighthouse ``LH_RUNS`` times per page, one run at a time, the median run (by LCP)
    printed with its phases and render-blocking requests, and every run's LCP beside it."""
    from statistics import median

    from scripts.bench import lighthouse
    print(f"\n## Lighthouse 12.8.2, mobile, simulated throttling ({LH_RUNS} runs each, median; "
          f"load average {os.getloadavg()[0]:.1f})")
    only = os.environ.get("BENCH_LIGHTHOUSE_ONLY")  # "3 photos" or "text only"
    for slug, label in ((SLUG, "3 photos"), (SEED, "text only")):
        if only and label != only:
            continue
        for locale in ("zh", "en"):
            runs = []
            for n in range(LH_RUNS):
                out = work / f"lh-{slug}-{locale}-{n}.json"
                runs.append((lighthouse(f"{server.url}/{locale}/{slug}/", out), out))
            runs.sort(key=lambda r: r[0]["LCP_s"])
            lh, out = runs[len(runs) // 2]
            element, phases, blocking = lcp_story(json.loads(out.read_text()))
            all_lcp = [r["LCP_s"] for r, _ in runs]
            lcp = median(all_lcp)
            scores = "/".join(str(lh[c]) for c in ("performance", "accessibility",
                                                   "best-practices", "seo"))
            target = LCP_TARGET[label]
            print(f"{label} {locale}: {scores} (target 100 x 4); LCP {lcp:.2f} s "
                  f"(target < {target} s: {'met' if lcp < target else 'NOT met'}; runs "
                  f"{', '.join(f'{lcp_s:.2f}' for lcp_s in all_lcp)}), CLS {lh['CLS']:.3f} "
                  f"(target 0); {lh['bytes'] / 1024:.0f} KiB"
                  + (f"; below 1: {', '.join(lh['failed'])}" if lh["failed"] else ""))
            print(f"  LCP element {element}")
            print(f"  LCP phases (ms): {phases}; render-blocking: {blocking}; "
                  f"load average {os.getloadavg()[0]:.1f}")


def main(argv: list[str]) -> int:
    sections = argv or ["release", "page", "offline", "scale", "lighthouse"]
    work = Path(tempfile.mkdtemp(prefix="bench-photos-"))
    if "release" in sections:
        section_release(work)
    if "scale" in sections:
        section_scale(work)
    if set(sections) - {"release", "scale"}:
        served = work / "served"
        server = site_server(served, env=photo_site(served)).start()
        try:
            if "page" in sections:
                section_page(server)
            if "offline" in sections:
                section_offline(server)
            if "lighthouse" in sections:
                section_lighthouse(server, work)
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

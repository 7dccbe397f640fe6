"""Typography and layout as a reader sees them, in the worst-case fonts (Noto CJK and DejaVu
only, see conftest): from 320 px wide, at three text sizes, in Chinese, English and Traditional
Chinese, light and dark, and with the browser zoomed to 200%.

Geometry is asserted across the whole matrix (no horizontal scrolling, a header of one row at
most 64 px tall, every quote card within the screen under the header, tap targets of 44 px);
glyph advances are measured with a Range on each quotation mark (an English “ is about 0.4 em
in a Latin font, a Chinese one 1 em, or 0.5 em where the browser trims it); a few screenshots
are kept in build/test-screenshots/ for a look, and one is taken for any geometry failure.

Text sizes: "default"; "large" = Display → Large (root 120%); "largest" = Display → Large on a
browser whose default text size is 20 px (Chrome's "Large" setting, Android's text scaling
125%), a root of 24 px.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from scripts.harness import site_server
from tests.browser import helpers as journeys
from tests.helpers import SEED_SLUG
from webapp.config import ROOT



@pytest.fixture(scope="module")
def seed_server(tmp_path_factory):
    """The project's own content: the seed article's long English quotes and roles are the
    worst case these layouts must hold (the fixture site has none as long)."""
    with site_server(tmp_path_factory.mktemp("typography")) as srv:
        yield srv


@pytest.fixture(scope="module")
def base_url(seed_server):
    return seed_server.url


WIDTHS = {320: 640, 360: 640, 390: 844, 412: 915, 768: 1024}  # phone and tablet viewports
SIZES = ("default", "large", "largest")
ROOT_PX = {"default": 16, "large": 19.2, "largest": 24}
LOCALES = ("zh", "en", "zh-hant")
HEADER_MAX = 64
ARTIFACTS = ROOT / "build" / "test-screenshots"
# every control a finger must hit (inline links in running text are exempt, WCAG 2.5.8)
TARGETS = (".brand, .switcher-button, .switcher-list a, .carousel-button, .carousel-dot, .tool-button,"
           " .segmented label, .share-button, .back a, .list-title a, .pagination a, .install-button,"
           " .update-prompt button, .article-list > li > a, .offline-page p > a, .error-page p > a")

GEOMETRY = """() => {
  const box = (s) => document.querySelector(s).getBoundingClientRect();
  const header = box('.site-header'), brand = box('.brand'), nav = box('.switcher');
  const within = (r) => r.top >= header.top - 0.5 && r.bottom <= header.bottom + 0.5;
  return {
    overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    header: header.height,
    oneRow: brand.right <= nav.left + 0.5 && within(brand) && within(nav),
    brandClipped: document.querySelector('.brand').scrollWidth > document.querySelector('.brand').clientWidth + 1,
    room: innerHeight - header.height,
    cards: [...document.querySelectorAll('.quote figure')].map((f) => f.getBoundingClientRect().height),
    rootPx: parseFloat(getComputedStyle(document.documentElement).fontSize),
  };
}"""

# A 44 px cross centred on each visible control hits that control at its centre and its four
# ends (document.elementFromPoint: pseudo-elements count for their element; the ends, not the
# corners, since hit testing follows rounded corners and a round 44 px button is still 44 px).
SMALL_TARGETS = """(selectors) => {
  const bad = [];
  for (const el of document.querySelectorAll(selectors)) {
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    el.scrollIntoView({block: 'center', inline: 'nearest'});
    const r = el.getBoundingClientRect();
    const x = r.left + r.width / 2, y = r.top + r.height / 2, d = 21;  // 1 px for sub-pixel edges
    const missed = [[x, y], [x - d, y], [x + d, y], [x, y - d], [x, y + d]].filter(([px, py]) => {
      const hit = document.elementFromPoint(px, py);
      return !hit || !(hit === el || el.contains(hit));
    });
    if (missed.length) bad.push(`${el.tagName.toLowerCase()}.${el.className} "${el.textContent.trim().slice(0, 20)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
  }
  window.scrollTo(0, 0);
  return bad;
}"""

# Advance of every visible “ ” ‘ ’ in text whose language is English or Chinese, in em.
# Chinese marks count only between two Han characters on the same line (at a line start or
# next to other punctuation the browser trims them to half, on purpose).
QUOTE_MARKS = """() => {
  const out = {latin: [], han: [], trimmedPairs: []};
  const han = /\\p{Script=Han}/u;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const rect = (n, i) => { const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1); return r.getClientRects()[0]; };
  for (let n; (n = walker.nextNode());) {
    const el = n.parentElement;
    if (!el || !el.checkVisibility({visibilityProperty: true})) continue;
    const lang = (el.closest('[lang]')?.getAttribute('lang') || '').toLowerCase();
    const size = parseFloat(getComputedStyle(el).fontSize);
    for (let i = 0; i < n.data.length; i++) {
      const c = n.data[i];
      if (!'“”‘’'.includes(c)) continue;
      const r = rect(n, i);
      if (!r) continue;
      const em = +(r.width / size).toFixed(3);
      const host = el.closest('h1, h2, h3, p, li, blockquote, figcaption, span[class]') || el;
      const where = `${host.tagName.toLowerCase()}.${host.className}: ${n.data.slice(Math.max(0, i - 12), i + 12)}`;
      if (lang.startsWith('en')) out.latin.push([c, em, where]);
      if (!lang.startsWith('zh')) continue;
      const prev = n.data[i - 1], next = n.data[i + 1];
      if (c === '”' && (next === '，' || next === '。')) out.trimmedPairs.push([c + next, em, where]);
      if (!prev || !next || !han.test(prev) || !han.test(next)) continue;
      const p = rect(n, i - 1), q = rect(n, i + 1);
      if (p && q && Math.abs(p.top - r.top) < 1 && Math.abs(q.top - r.top) < 1) out.han.push([c, em, where]);
    }
  }
  return out;
}"""


def open_reader(browser, base_url, *, size="default", scheme="light", viewport=None, zoom=1,
                javascript=True):
    """A context and page for a reader with that text size, colour scheme, viewport and zoom
    (a browser zoomed to 200% = half the CSS viewport at twice the device pixels)."""
    context = browser.new_context(base_url=base_url, viewport=viewport or {"width": 390, "height": 844},
                                  device_scale_factor=zoom, color_scheme=scheme,
                                  java_script_enabled=javascript)
    if size in ("large", "largest"):
        context.add_init_script("try { localStorage.setItem('reader-size', 'large'); } catch (e) {}")
    page = context.new_page()
    if size == "largest":
        cdp = context.new_cdp_session(page)
        cdp.send("Page.setFontSizes", {"fontSizes": {"standard": 20, "fixed": 16}})
    return context, page


def used_fonts(page, selector: str) -> list[str]:
    """Families Chromium used to draw the text of the first element matching ``selector``
    (DevTools protocol CSS.getPlatformFontsForNode), most glyphs first."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        cdp.send("CSS.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    finally:
        cdp.detach()
    return [f["familyName"] for f in sorted(fonts, key=lambda f: -f["glyphCount"])]


def ax_property(page, selector: str, name: str):
    """A property of the first element matching ``selector`` in Chromium's accessibility tree
    (what assistive technology is told), or None when it has none."""
    cdp = page.context.new_cdp_session(page)
    try:
        cdp.send("DOM.enable")
        root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        nodes = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False})["nodes"]
    finally:
        cdp.detach()
    for prop in nodes[0].get("properties", []):
        if prop["name"] == name:
            return prop["value"]["value"]
    return None


def settle(page) -> None:
    page.evaluate("() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))")


def check_geometry(page, label: str) -> dict:
    """Assert the layout holds on the page as it is now; on failure keep a screenshot."""
    g = page.evaluate(GEOMETRY)
    problems = []
    if g["overflow"] > 0:
        problems.append(f"scrolls sideways by {g['overflow']} px")
    if g["header"] > HEADER_MAX:
        problems.append(f"header {g['header']:.0f} px tall")
    if not g["oneRow"]:
        problems.append("header is not one row")
    if g["brandClipped"]:
        problems.append("brand cut off")
    too_tall = [round(h) for h in g["cards"] if h > g["room"] + 0.5]
    if too_tall:
        problems.append(f"quote cards {too_tall} taller than the {g['room']:.0f} px under the header")
    small = page.evaluate(SMALL_TARGETS, TARGETS)
    if small:
        problems.append(f"tap targets under 44 px: {small}")
    if problems:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTIFACTS / f"fail-{re.sub(r'[^a-z0-9]+', '-', label.lower())}.png"
        page.screenshot(path=str(shot))
        pytest.fail(f"{label}: " + "; ".join(problems) + f" (screenshot: {shot})", pytrace=False)
    return g


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("locale", LOCALES)
def test_layout_holds_from_320px_at_every_text_size(browser, base_url, locale, size):
    """Front page, article (Display panel open) and parallel view at 320, 360, 390, 412 and
    768 px; light or dark alternately (colours do not move boxes; axe checks both)."""
    scheme = ("light", "dark")[(LOCALES.index(locale) + SIZES.index(size)) % 2]
    context, page = open_reader(browser, base_url, size=size, scheme=scheme,
                                viewport={"width": 320, "height": 640})
    try:
        for path in (f"/{locale}/", f"/{locale}/{SEED_SLUG}/", f"/{locale}/{SEED_SLUG}/parallel/"):
            page.set_viewport_size({"width": 320, "height": 640})
            page.goto(path)
            expect(page.locator("[data-reading-tools]").or_(page.locator(".article-list"))).to_be_visible()
            if "parallel" not in path and path != f"/{locale}/":
                expect(page.locator("[data-carousel-picker]")).to_be_visible()
                page.locator("[data-comfort-toggle]").click()
                expect(page.locator("[data-comfort-panel]")).to_be_visible()
            for width, height in WIDTHS.items():
                page.set_viewport_size({"width": width, "height": height})
                settle(page)
                g = check_geometry(page, f"{path} {width}x{height} {size} {scheme}")
                assert g["rootPx"] == pytest.approx(ROOT_PX[size])  # the text size really applied
                if width == 360 and "parallel" not in path and path != f"/{locale}/":
                    ARTIFACTS.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(ARTIFACTS / f"article-{locale}-{size}-{scheme}-360.png"))
            if path == f"/{locale}/":
                assert page.locator(".list-item").count() >= 1
    finally:
        context.close()


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_browser_zoom_200_percent(browser, base_url, locale):
    """A 1280 × 800 desktop window and a 768 × 1024 tablet zoomed to 200%."""
    for window in ({"width": 1280, "height": 800}, {"width": 768, "height": 1024}):
        viewport = {"width": window["width"] // 2, "height": window["height"] // 2}
        context, page = open_reader(browser, base_url, viewport=viewport, zoom=2)
        try:
            assert page.evaluate("devicePixelRatio") == 2
            for path in (f"/{locale}/", f"/{locale}/{SEED_SLUG}/"):
                page.goto(path)
                check_geometry(page, f"{path} {viewport['width']}x{viewport['height']} zoom 200%")
        finally:
            context.close()


def test_language_menu_by_keyboard_touch_and_without_javascript(browser, base_url):
    """On a narrow header the four choices are a menu: a native popover, so it opens by
    keyboard (Enter, then Tab into it, Escape closes and focus goes back), by a tap, and
    without JavaScript. Its choices are 44 px tall, inside the screen, under the header."""
    context, page = open_reader(browser, base_url, size="largest", viewport={"width": 320, "height": 640})
    try:
        page.goto(f"/en/{SEED_SLUG}/")
        button = page.get_by_role("button", name="Language English")
        expect(button).to_be_visible()
        expect(page.get_by_role("link", name="简体")).to_be_hidden()
        button.focus()
        page.keyboard.press("Enter")
        menu = page.locator(".switcher-list")
        expect(menu).to_be_visible()
        assert ax_property(page, ".switcher-button", "expanded") is True  # what a screen reader hears
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="简体")).to_be_focused()
        m = menu.bounding_box()
        header = page.locator(".site-header").bounding_box()
        assert m["x"] >= 0 and m["x"] + m["width"] <= 320 and m["y"] >= header["y"] + header["height"] - 1
        assert page.evaluate(SMALL_TARGETS, ".switcher-list a") == []
        expect(page.get_by_role("link", name="English")).to_have_attribute("aria-current", "page")
        page.keyboard.press("Escape")
        expect(menu).to_be_hidden()
        expect(button).to_be_focused()
        assert ax_property(page, ".switcher-button", "expanded") is False
        button.click()
        page.get_by_role("link", name="繁體").click()
        page.wait_for_url(f"{base_url}/zh-hant/{SEED_SLUG}/")
        expect(page.get_by_role("button", name="語言 繁體")).to_be_visible()
    finally:
        context.close()
    context, page = open_reader(browser, base_url, viewport={"width": 320, "height": 640}, javascript=False)
    try:
        page.goto(f"/zh/{SEED_SLUG}/")
        page.get_by_role("button", name="语言 简体").click()
        page.get_by_role("link", name="English").click()
        page.wait_for_url(f"{base_url}/en/{SEED_SLUG}/")
    finally:
        context.close()


def test_wide_headers_show_the_choices_in_a_row(browser, base_url):
    context, page = open_reader(browser, base_url, viewport={"width": 1280, "height": 800})
    try:
        page.goto(f"/en/{SEED_SLUG}/")
        expect(page.locator(".switcher-button")).to_be_hidden()
        links = page.locator(".switcher-list a")
        expect(links).to_have_count(4)
        tops = {round(links.nth(i).bounding_box()["y"]) for i in range(4)}
        assert len(tops) == 1
        check_geometry(page, "article 1280x800")
    finally:
        context.close()


def test_english_punctuation_takes_latin_widths_everywhere(browser, base_url):
    """Headlines, standfirst, note, captions, quote cards, the front page, the parallel view's
    English cells (in a Chinese page), the install instructions, and print."""
    context, page = open_reader(browser, base_url)
    try:
        page.goto(f"/en/{SEED_SLUG}/")
        page.evaluate("""() => { for (const s of ['.install', '.install-ios', '.update-prompt'])
                                   document.querySelector(s).hidden = false; }""")
        h1 = page.evaluate(QUOTE_MARKS)["latin"]
        marks = [m for m in h1 if m[2].startswith("h1")]
        assert {m[0] for m in marks} == {"“", "”"}, marks
        assert all(em < 0.6 for _, em, _ in marks), marks  # a CJK font gives 1.0
        seen = h1
        for path in ("/en/", f"/zh/{SEED_SLUG}/parallel/"):
            page.goto(path)
            seen += page.evaluate(QUOTE_MARKS)["latin"]
        page.goto(f"/en/{SEED_SLUG}/")
        page.emulate_media(media="print")
        seen += page.evaluate(QUOTE_MARKS)["latin"]
        wide = [m for m in seen if m[1] >= 0.6]
        assert wide == [], wide
        places = {m[2].split(":")[0] for m in seen}
        assert len(seen) > 100, len(seen)
        assert {"h1.", "p.subtitle", "p.", "h2.list-title", "span.pcell pcell--en", "p.install-ios"} <= places, places
        # and the faces really used are Latin ones (Chromium's own report, not our stylesheet)
        page.emulate_media(media="screen")
        for selector in ("h1", ".quote blockquote p", ".article-body p"):
            fonts = used_fonts(page, selector)
            assert fonts and not any("CJK" in f for f in fonts), (selector, fonts)
    finally:
        context.close()


@pytest.mark.parametrize("locale", ["zh", "zh-hant"])
def test_chinese_punctuation_takes_full_widths_and_is_trimmed_where_adjacent(browser, base_url, locale):
    """Chinese quotation marks come from a CJK face (1 em between two Han characters), also in
    the parallel view of an English page; where ” meets ，or 。 the pair is collapsed
    (text-spacing-trim), as Chinese typesetting does."""
    context, page = open_reader(browser, base_url)
    try:
        found = {"han": [], "trimmedPairs": []}
        for path in (f"/{locale}/{SEED_SLUG}/", f"/{locale}/", f"/en/{SEED_SLUG}/parallel/"):
            page.goto(path)
            marks = page.evaluate(QUOTE_MARKS)
            found["han"] += marks["han"]
            found["trimmedPairs"] += marks["trimmedPairs"]
        narrow = [m for m in found["han"] if m[1] < 0.9]
        assert narrow == [], narrow
        assert len(found["han"]) > 30
        assert found["trimmedPairs"] and all(em <= 0.6 for _, em, _ in found["trimmedPairs"]), found["trimmedPairs"]
        # faces really used (Chromium's report): the Simplified cells of an English page in SC,
        # the Traditional page in the TC faces (Taiwan forms of the same code points)
        assert used_fonts(page, '.parallel-body .pcell[lang="zh-Hans"]') == ["Noto Sans CJK SC"]
        page.goto(f"/{locale}/{SEED_SLUG}/")
        face = "TC" if locale == "zh-hant" else "SC"
        assert used_fonts(page, "h1") == [f"Noto Serif CJK {face}"]
        assert used_fonts(page, ".article-body p") == [f"Noto Sans CJK {face}"]
    finally:
        context.close()


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_the_english_column_of_the_parallel_view_is_one_typeface(browser, base_url, locale):
    """Side by side, the English column is set in one face: the note, the quotes and the
    captions inside it (elements with their own lang="en") take the column's serif, not the
    page's sans; Chinese inside it keeps its own face."""
    context, page = open_reader(browser, base_url, viewport={"width": 1280, "height": 900})
    try:
        page.goto(f"/{locale}/{SEED_SLUG}/parallel/")
        odd = page.evaluate("""() => [...document.querySelectorAll('.pcell:lang(en)')]
            .flatMap((cell) => {
              const face = getComputedStyle(cell).fontFamily;
              return [...cell.querySelectorAll('*')]
                .filter((el) => el.matches(':lang(en)') && el.textContent.trim())
                .filter((el) => getComputedStyle(el).fontFamily !== face)
                .map((el) => `${el.tagName.toLowerCase()}#${el.id}: ${getComputedStyle(el).fontFamily}`);
            })""")
        assert odd == []
        assert page.locator(".pcell:lang(en)").count() > 20
    finally:
        context.close()


def test_comfortable_measure_in_both_scripts(browser, base_url):
    """Desktop: English body 60-75 characters a line, Chinese 30-40."""
    context, page = open_reader(browser, base_url, viewport={"width": 1280, "height": 900})
    # characters on each full line (every line but a paragraph's last) of the first paragraphs
    per_line = """() => [...document.querySelectorAll('.article-body > p')].slice(0, 6).flatMap((p) => {
        const lines = new Map();
        const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
        for (let n; (n = walker.nextNode());) for (let i = 0; i < n.data.length; i++) {
          const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
          const top = Math.round(r.getBoundingClientRect().top);
          lines.set(top, (lines.get(top) || 0) + 1);
        }
        return [...lines.values()].slice(0, -1); })"""
    try:
        for locale, low, high in (("en", 60, 75), ("zh", 30, 40)):
            page.goto(f"/{locale}/{SEED_SLUG}/")
            counts = page.evaluate(per_line)
            assert len(counts) > 5 and all(low - 8 <= c <= high + 3 for c in counts), (locale, counts)
            average = sum(counts) / len(counts)
            assert low <= average <= high, (locale, counts)
    finally:
        context.close()


FOCUS_RING = """() => {
  const el = document.activeElement;
  const ring = (s) => s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2;
  const shown = ring(getComputedStyle(el)) || ring(getComputedStyle(el, '::after'))
    || (el.matches('input') && el.nextElementSibling && ring(getComputedStyle(el.nextElementSibling)));
  return [el.tagName.toLowerCase() + '.' + el.className + ' ' + (el.textContent || el.value || '').trim().slice(0, 15), shown];
}"""


@pytest.mark.parametrize("path", ["/en/", f"/zh/{SEED_SLUG}/"])
def test_keyboard_focus_is_visible_on_every_control(browser, base_url, path):
    """Tab through the page (Display panel open, quotes included): every stop shows a ring of
    at least 2 px, on the control itself or on what stands for it (a card link's area, a
    radio's pill)."""
    context, page = open_reader(browser, base_url, scheme="dark", viewport={"width": 390, "height": 844})
    try:
        page.goto(path)
        if "jintan" in path:
            page.locator("[data-comfort-toggle]").click()
            expect(page.locator("[data-comfort-panel]")).to_be_visible()
        page.locator(".skip-link").focus()  # from the top of the page (the link shows itself)
        stops = []
        for _ in range(30):
            page.keyboard.press("Tab")
            stop = page.evaluate(FOCUS_RING)
            if stop[0].startswith(("body", "a.skip-link")) or (stops and stop[0] == stops[0][0]):
                break
            stops.append(stop)
        assert len(stops) >= (3 if path == "/en/" else 14), stops
        assert [s for s in stops if not s[1]] == [], stops
    finally:
        context.close()


HIDDEN_AT_PARSE = """document.addEventListener('readystatechange', () => {
  if (document.readyState === 'interactive')  // before any deferred or module script runs
    for (const el of document.querySelectorAll('[hidden]')) el.dataset.hiddenAtParse = '';
});"""


@pytest.mark.parametrize("path", ["/zh/", f"/en/{SEED_SLUG}/", f"/zh-hant/{SEED_SLUG}/parallel/"])
def test_print_shows_no_control_and_nothing_a_script_revealed(page, path):
    page.add_init_script(HIDDEN_AT_PARSE)
    page.goto(path)
    expect(page.locator("[data-reading-tools]").or_(page.locator(".article-list"))).to_be_visible()
    if "parallel" not in path and path != "/zh/":
        expect(page.get_by_role("button", name="Share")).to_be_visible()  # revealed on screen
    revealed = page.locator("[data-hidden-at-parse]").evaluate_all("els => els.filter((e) => !e.hidden).length")
    page.emulate_media(media="print")
    offenders = page.evaluate("""() => [...document.querySelectorAll(
        '[data-hidden-at-parse], button, input, nav, [popover], [data-reserve], .share, .pagination, .carousel-status')]
        .filter((el) => el.checkVisibility({visibilityProperty: true}))
        .map((el) => el.tagName.toLowerCase() + '.' + el.className)""")
    assert offenders == []
    if path != "/zh/":
        assert revealed >= 2  # the script had shown controls, and print still leaves them out
    expect(page.locator("h1")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")


AXE = Axe()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_type_has_no_axe_violations_at_360px(browser, base_url, scheme):
    """Front page, article (its language menu open; long quotes scrolling in their cards),
    parallel view, offline page and the 404 page, in a 360 × 640 phone; their tap targets too."""
    context, page = open_reader(browser, base_url, scheme=scheme, viewport={"width": 360, "height": 640})
    try:
        for path in ("/en/", "/zh-hant/", f"/en/{SEED_SLUG}/", f"/zh/{SEED_SLUG}/parallel/",
                     "/zh/offline/", "/en/no-such-article/"):
            page.goto(path)
            if path == f"/en/{SEED_SLUG}/":
                expect(page.locator("[data-carousel-picker]")).to_be_visible()
                page.locator(".switcher-button").click()
                expect(page.locator(".switcher-list")).to_be_visible()
            violations = AXE.run(page).response["violations"]
            assert violations == [], (path, [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations])
            assert page.evaluate(SMALL_TARGETS, TARGETS) == [], path
    finally:
        context.close()


# --- the quotes carousel on the seed article's long quotes (issue 23) -------------------------

@pytest.mark.parametrize("locale", ["en", "zh"])
def test_tab_never_reaches_an_offscreen_slide(page, locale):
    journeys.tab_never_reaches_an_offscreen_slide(page, locale, SEED_SLUG)


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_a_vertical_swipe_on_a_quote_scrolls_the_page(browser, base_url, locale):
    journeys.a_vertical_swipe_on_a_quote_scrolls_the_page(browser, base_url, locale, SEED_SLUG)


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
@pytest.mark.parametrize("width", [320, 390, 768])
@pytest.mark.parametrize("locale", ["en", "zh"])
def test_no_blank_band_under_any_card(browser, base_url, locale, width, javascript):
    journeys.no_blank_band_under_any_card(browser, base_url, locale, SEED_SLUG, width, javascript)


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_focusing_the_quotes_keeps_their_heading_and_card_in_view(page, locale):
    journeys.focusing_the_row_keeps_its_heading_and_card_in_view(page, locale, SEED_SLUG)


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_swiping_through_every_card_shifts_nothing(browser, base_url, locale):
    journeys.swiping_through_every_card_shifts_nothing(browser, base_url, locale, SEED_SLUG)


@pytest.mark.parametrize("locale", LOCALES)
def test_at_large_text_on_a_phone_the_display_choices_stay_in_a_row(browser, base_url, locale):
    """Display → Large on a phone: each group of size and theme choices is one row (a wrapped
    pill reads as a separate setting), and from 360 px the header's language pill keeps its
    language's name beside the icon (issue 23)."""
    context, page = open_reader(browser, base_url, size="large", viewport={"width": 320, "height": 700})
    try:
        page.goto(f"/{locale}/{SEED_SLUG}/")
        page.locator("[data-comfort-toggle]").click()
        expect(page.locator("[data-comfort-panel]")).to_be_visible()
        for width in (320, 360, 390):
            page.set_viewport_size({"width": width, "height": 700})
            settle(page)
            rows = page.locator("[data-comfort-panel] .segmented").evaluate_all("""els => els.map(s =>
                new Set([...s.querySelectorAll('label')].map(l => Math.round(l.getBoundingClientRect().top))).size)""")
            assert rows and all(r == 1 for r in rows), (locale, width, rows)
            if width >= 360:
                name = page.locator(".switcher-button .switcher-current")
                assert name.evaluate("el => el.getBoundingClientRect().width") > 10, (locale, width)
            check_geometry(page, f"large {locale} {width}")
    finally:
        context.close()

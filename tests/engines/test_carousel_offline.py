"""Issue 23's reader journeys in every engine (Chromium, WebKitGTK, Firefox ESR): the quotes
carousel on the seed article's long quotes, what is kept offline and what "Saved" promises, the
library's size, and the update notice. tests/browser and tests/offline check the same in
Chromium alone, with Chromium's own tools (CDP touch, quota, the Layout Instability API); here
each engine is driven by what its readers can do through the engine's own input.

No engine here but Chromium can move the row with a finger: WebKitGTK is built without touch
events (``ontouchstart`` is absent, a WebDriver pointer of type touch arrives as a mouse), and
Firefox dispatches a touch pointer's events to the page but never pans with them (headless,
no APZ touch). The swipes are therefore tested in those engines as the sideways and vertical
scrolls a wheel or trackpad makes (WebDriver wheel actions), and the rest with the keyboard and
the buttons; Chromium's touch swipes stay in tests/browser (test_carousel, test_typography).
"""

from __future__ import annotations

import time

import pytest

from scripts.carousel_measure import BLANK_JS
from tests.browser.helpers import EX, STATE_JS
from tests.engines.conftest import PHONE
from tests.engines.test_journeys import controlled, in_page, kept, newsroom  # noqa: F401 - a fixture
from tests.helpers import FULL, SEED_SLUG
from tests.offline import reader as offline
from tests.offline.test_deploy import ARTICLE

ENHANCED = "(s) => { const e = document.querySelector(s); return e && e.offsetParent !== null; }"
CURRENT = "(n) => document.querySelector('[data-carousel]').dataset.current === String(n)"
FOCUS_JS = """() => {
  const el = document.activeElement;
  const slides = [...document.querySelectorAll('#quotes .carousel-slide')];
  const slide = el.closest('.carousel-slide');
  return {inCarousel: !!el.closest('#quotes'), slide: slide ? slides.indexOf(slide) + 1 : 0,
          current: Number(document.querySelector('[data-carousel]').dataset.current),
          row: document.querySelector('#quotes [data-carousel-slides]').scrollLeft};
}"""
BOX = ("(s, i) => { const r = document.querySelectorAll(s)[i].getBoundingClientRect(); "
       "return {x: r.x, y: r.y, width: r.width, height: r.height, bottom: r.bottom}; }")
SETTLED = """(s) => new Promise((done) => { const row = document.querySelector(s);
  let last = row.scrollLeft, still = 0;
  const tick = () => { still = row.scrollLeft === last ? still + 1 : 0; last = row.scrollLeft;
    if (still >= 5) done(true); else requestAnimationFrame(tick); };
  requestAnimationFrame(tick); })"""


def open_seed(open_page, seed_server, seg: str, width: int = PHONE["width"]):
    """A tab on the seed article (its long quotes) with the carousel enhanced; the tab."""
    tab = open_page(seed_server.url, width, PHONE["height"])
    tab.goto(f"/{seg}/{SEED_SLUG}/")
    tab.wait(ENHANCED, EX["picker"], what="the carousel enhanced")
    return tab


def slides(tab) -> int:
    return tab.evaluate("(s) => document.querySelectorAll(s).length", EX["slide"])


def pick(tab, n: int) -> None:
    """Click the picker's dot ``n`` (1-based) and wait until the row has settled there."""
    tab.click(f"{EX['dot']}:nth-child({n})")
    tab.wait(CURRENT, n, what=f"slide {n} current")
    tab.evaluate(SETTLED, EX["row"])


def agreed(tab) -> dict:
    """The carousel's state once the row is at rest: the four places of STATE_JS agree."""
    tab.evaluate(SETTLED, EX["row"])
    time.sleep(0.3)  # the settle timer after the last scroll event (carousel.js SETTLE_MS)
    state = tab.evaluate(STATE_JS)
    n = state["visible"]
    assert state == {"visible": n, "marked": n, "dot": n, "data": n, "currentDots": 1}, state
    return state


# --- the carousel: keyboard -----------------------------------------------------------------------

@pytest.mark.parametrize("seg", ["en", "zh"])
def test_tab_never_reaches_an_offscreen_slide(open_page, seed_server, seg):
    """Tab from the slide row to the end of the carousel: every stop inside a slide is in the
    current slide, and the row never moves, at the narrowest phone widths the engine gives
    (WebKitGTK: 447 px), on the first and on a middle slide."""
    tab = open_seed(open_page, seed_server, seg, 320)
    for width in sorted({tab.set_viewport(w, PHONE["height"]) for w in (320, 390)}):
        tab.set_viewport(width, PHONE["height"])
        tab.goto(f"/{seg}/{SEED_SLUG}/")
        tab.wait(ENHANCED, EX["picker"], what="the carousel enhanced")
        for n in (1, 2):
            pick(tab, n)
            tab.evaluate("(s) => document.querySelector(s).focus()", EX["row"])
            left = tab.evaluate(FOCUS_JS)["row"]
            for _ in range(4 * slides(tab)):
                tab.keypress("Tab")
                where = tab.evaluate(FOCUS_JS)
                if not where["inCarousel"]:
                    break
                assert where["slide"] in (0, n) and where["current"] == n, (width, n, where)
            else:
                raise AssertionError(f"Tab never left the carousel ({width}, slide {n})")
            time.sleep(0.3)
            # Gecko's snap may settle a pixel off; Tab into another slide moves it a slide's width
            assert abs(tab.evaluate(FOCUS_JS)["row"] - left) <= 2, (width, n, left)


@pytest.mark.parametrize("seg", ["en", "zh"])
def test_focusing_the_row_keeps_its_heading_and_card_in_view(open_page, seed_server, seg):
    """Tab onto the slide row from the Next button above it, with the page at its top: the
    heading is below the sticky header and the current card's bottom is on screen, on the
    first card and on the last."""
    tab = open_seed(open_page, seed_server, seg)
    header = tab.evaluate(BOX, ".site-header", 0)
    height = tab.evaluate("() => innerHeight")
    for n in (1, slides(tab)):
        pick(tab, n)
        tab.evaluate("(s) => document.querySelector(s).focus()", EX["next"])
        tab.evaluate("() => window.scrollTo(0, 0)")
        tab.keypress("Tab")
        tab.wait("(s) => document.activeElement === document.querySelector(s)", EX["row"],
                 what="the row focused")
        time.sleep(0.3)
        heading = tab.evaluate(BOX, EX["heading"], 0)
        card = tab.evaluate(BOX, f"{EX['slide']} figure", n - 1)
        assert heading["y"] >= header["bottom"] - 0.5, (n, heading, header)
        assert card["bottom"] <= height + 0.5, (n, card, height)


# --- the carousel: layout --------------------------------------------------------------------------

@pytest.mark.parametrize("width", [PHONE["width"], 768])
@pytest.mark.parametrize("seg", ["en", "zh"])
def test_no_blank_band_under_any_card(open_page, seed_server, seg, width):
    """Each card, as the current one, has at most 1 px between it and the row's end, and the
    picker sits right under it (scripts/carousel_measure.py's measure). With scripting only:
    no WebDriver engine here can turn scripting off (tests/browser checks the column that
    ``@media (scripting: none)`` lays out, in Chromium)."""
    tab = open_seed(open_page, seed_server, seg, width)
    for n in range(1, slides(tab) + 1):
        pick(tab, n)
        time.sleep(0.3)  # the picker's transition
        blank = tab.evaluate(BLANK_JS, n - 1)[n - 1]
        assert blank <= 1, (width, n, blank)
        card = tab.evaluate(BOX, f"{EX['slide']} figure", n - 1)
        picker = tab.evaluate(BOX, EX["picker"], 0)
        assert 0 <= picker["y"] - card["bottom"] <= 16, (width, n, card, picker)


SHIFTS = """() => new Promise((done) => {
  if (!(PerformanceObserver.supportedEntryTypes || []).includes("layout-shift")) return done(null);
  const shifts = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) shifts.push(e.value);
  }).observe({type: "layout-shift", buffered: true});
  requestAnimationFrame(() => requestAnimationFrame(() => done(shifts)));
})"""
PAGE_TOP = "(s) => document.querySelector(s).getBoundingClientRect().top + scrollY"


@pytest.mark.parametrize("seg", ["en", "zh"])
def test_moving_through_every_card_moves_nothing_else(open_page, seed_server, seg):
    """Next to the last card, then the dots back: the carousel's region stays where it was on
    the page (the row's height changes only under it, on the reader's input). Where the engine
    has the Layout Instability API (Chromium; not WebKit or Gecko), also no layout shift
    without recent input from load to the end (CLS 0)."""
    tab = open_seed(open_page, seed_server, seg)
    top = tab.evaluate(PAGE_TOP, EX["region"])
    count = slides(tab)
    for n in range(2, count + 1):
        tab.click(EX["next"])
        tab.wait(CURRENT, n, what=f"slide {n} current")
    for n in range(count - 1, 0, -1):
        pick(tab, n)
    time.sleep(0.6)
    assert tab.evaluate(PAGE_TOP, EX["region"]) == pytest.approx(top, abs=0.5)
    shifts = tab.evaluate(SHIFTS)
    if tab.engine == "chromium":
        assert shifts == [], shifts
    else:
        assert shifts in (None, []), shifts


# --- the carousel: what a wheel or trackpad does -----------------------------------------------------

@pytest.mark.parametrize("seg", ["en", "zh"])
def test_a_sideways_scroll_moves_the_carousel_and_it_follows(open_page, seed_server, seg):
    """A sideways wheel or trackpad scroll over the row (what a reader without a touch screen
    does; see the module docstring for touch) moves it on, then back, and once the row is at
    rest the slide in view is the one marked, picked and named: the four places agree."""
    tab = open_seed(open_page, seed_server, seg)
    tab.evaluate("(s) => document.querySelector(s).scrollIntoView({block: 'center'})", EX["row"])
    row = tab.evaluate(BOX, EX["row"], 0)
    x, y = row["x"] + row["width"] / 2, row["y"] + 60
    tab.wheel(x, y, round(row["width"] * 0.6), 0)
    forward = agreed(tab)
    assert forward["visible"] > 1, forward
    tab.wheel(x, y, -round(row["width"] * 0.6), 0)
    back = agreed(tab)
    assert back["visible"] < forward["visible"], (forward, back)


@pytest.mark.parametrize("seg", ["en", "zh"])
def test_a_vertical_scroll_on_a_quote_scrolls_the_page(open_page, seed_server, seg):
    """A vertical wheel or trackpad scroll that starts on a quote's text scrolls the page (no
    trap: no ``overscroll-behavior`` on the quotes), on every card; on a card whose long quote
    scrolls inside it, once the quote is at its end. One scroll per tab, a fresh tab for each
    card: WebKitWebDriver scrolls the page with the first vertical wheel action of a session
    only (scripts/engines.py), so a quote that scrolls inside its card is put at its end by
    the page, not by earlier wheels. The finger's version, which scrolls the quote first, is
    Chromium's (tests/browser/test_typography.py)."""
    quotes = f"{EX['slide']} blockquote"
    tab = open_seed(open_page, seed_server, seg)
    for n in range(1, slides(tab) + 1):
        if n > 1:
            tab.close()
            tab = open_seed(open_page, seed_server, seg)
        pick(tab, n)
        tab.evaluate("(s, i) => { document.querySelectorAll(s)[i].scrollIntoView({block: 'start'});"
                     " window.scrollBy(0, -120); }", quotes, n - 1)
        time.sleep(0.3)
        box = tab.evaluate(BOX, quotes, n - 1)
        before = tab.evaluate("() => scrollY")
        scrolls = tab.evaluate("(s, i) => { const e = document.querySelectorAll(s)[i];"
                               " e.scrollTop = e.scrollHeight;"  # at its end
                               " return e.scrollHeight > e.clientHeight + 1; }", quotes, n - 1)
        what = f"the page scrolled from card {n} ({'a scrolling quote' if scrolls else 'a quote that fits'})"
        point = (box["x"] + box["width"] / 2, box["y"] + min(box["height"], 300) / 2)
        tab.wheel(*point, 0, 300)
        if scrolls and tab.engine != "webkit":
            # A quote's height can be fractional (565.2 px): "at its end" by script leaves a
            # subpixel to scroll, and Chromium gives that first notch's whole gesture to the
            # quote (scroll latching). A reader's wheel turns on: the next notch must move the
            # page. (WebKitWebDriver takes one vertical wheel per session: one notch there.)
            try:
                tab.wait("(y) => scrollY - y > 100", before, what=what, timeout=2)
                continue
            except TimeoutError:
                tab.wheel(*point, 0, 300)
        tab.wait("(y) => scrollY - y > 100", before, what=what, timeout=5)


# --- offline: what is kept, what "Saved" promises, the library ------------------------------------

def test_a_read_article_opens_offline_in_every_language(open_page, own_server):
    """Read in Chinese only, online: with the server gone, the switcher's other languages and
    the parallel views open too, each saying it is a copy kept from the last time online (not
    "saved")."""
    tab = open_page(own_server.url)
    tab.goto(f"/zh/{FULL}/")
    controlled(tab)
    tab.goto(f"/zh/{FULL}/")  # read with the worker in charge
    pages = offline.article_pages(FULL)
    for path in pages:
        kept(tab, path)
    own_server.stop()
    for path in pages:
        tab.goto(path)
        segment = path.split("/")[1]
        assert tab.evaluate("() => document.documentElement.lang") == offline.HTML_LANG[segment], path
        assert tab.text("h1") != offline.ui(segment, "You are offline"), path
        assert tab.visible(".saved-copy"), path
        assert tab.text(".saved-copy") == offline.ui(segment, offline.KEPT_NOTICE), path


@pytest.mark.parametrize("persistence", ["granted", "denied", "absent"])
def test_saved_says_what_the_browser_granted(tab, persistence):
    """The save's status says "Saved" plainly only when the browser keeps the site's storage;
    otherwise what may happen to the copy. The browser's answer is set in the page before the
    click (offline.js asks at the click): no engine here can be made to grant or refuse, and
    WebKitGTK has no ``navigator.storage.persist`` at all."""
    tab.goto(f"/en/{FULL}/")
    controlled(tab)
    tab.wait("() => !document.querySelector('.save-button').hidden", what="the Save button")
    if persistence == "absent":   # as WebKitGTK has it: no navigator.storage at all
        tab.evaluate("() => { if (window.StorageManager) for (const k of ['persist', 'persisted'])"
                     " delete StorageManager.prototype[k]; }")
    else:
        tab.evaluate("(yes) => { if (!navigator.storage) Object.defineProperty(navigator, 'storage',"
                     " {value: {}, configurable: true}); navigator.storage.persisted = async () => false;"
                     " navigator.storage.persist = async () => yes; }", persistence == "granted")
    tab.click(".save-button")
    tab.wait("() => document.querySelector('.save-button').getAttribute('aria-pressed') === 'true'",
             what="saved")
    want = offline.ui("en", offline.SAVED_SAYS[persistence])
    tab.wait("(t) => document.querySelector('.save-status').textContent.trim() === t", want,
             what=f"the status {want!r}")


TOTAL_JS = offline.TOTAL_JS


@pytest.mark.parametrize("seg", ["en", "zh"])
def test_the_library_counts_what_it_keeps(tab, seg):
    """The library's total is the size of the saved copies it lists (what the app knows it
    keeps, not ``storage.estimate()``), and goes at once when the last one is removed."""
    tab.goto(f"/{seg}/{FULL}/")
    controlled(tab)
    tab.wait("() => !document.querySelector('.save-button').hidden", what="the Save button")
    tab.click(".save-button")
    tab.wait("() => document.querySelector('.save-button').getAttribute('aria-pressed') === 'true'",
             what="saved")
    tab.goto(f"/{seg}/saved/")
    tab.wait("() => document.querySelectorAll('.saved-item').length === 1", what="one saved item")
    total = tab.evaluate(TOTAL_JS)
    want = offline.ui(seg, "Saved articles take up %(size)s on this device.").replace("%(size)s", total)
    tab.wait("(t) => document.querySelector('[data-saved-storage]').textContent.trim() === t",
             want, what=f"the total {want!r}")
    tab.click(".saved-item button")
    tab.wait("() => document.querySelectorAll('.saved-item').length === 0", what="removed")
    assert not tab.visible("[data-saved-storage]")


# --- the update notice ------------------------------------------------------------------------------

def settled_on(tab, release: str) -> None:
    tab.evaluate(in_page(offline.SETTLED), [release, 60_000])


def test_the_update_notice_only_on_a_stale_page_and_clear_of_the_last_lines(open_page, newsroom):  # noqa: F811
    """A page opened after a release already shows the new text: no notice to reload. A page
    left open across the next release gets the notice, and on a phone, scrolled to the end,
    the page's last lines (the footer) are above it, not under it."""
    before = newsroom.current
    tab = open_page(newsroom.server.url)
    tab.goto(ARTICLE)
    controlled(tab)
    settled_on(tab, before.release)
    after = newsroom.publish()
    tab.goto(ARTICLE)                     # navigated after the release: the new text
    assert tab.text(".article-body p") == after.paragraph
    settled_on(tab, after.release)
    time.sleep(2)                         # the check after the new worker took over
    assert not tab.visible(".update-prompt")
    later = newsroom.publish()            # and now one while the page stays open
    tab.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")
    settled_on(tab, later.release)
    tab.wait("() => !document.querySelector('.update-prompt').hidden", what="the update notice",
             timeout=60)
    tab.evaluate("() => window.scrollTo(0, document.documentElement.scrollHeight)")
    time.sleep(0.3)
    footer = tab.evaluate(BOX, ".site-footer", 0)
    prompt = tab.evaluate(BOX, ".update-prompt", 0)
    assert footer["bottom"] <= prompt["y"] + 0.5, (footer, prompt)

"""The reader journeys, described once and run in every engine (Chromium, WebKitGTK, Firefox
ESR; tests/engines/conftest.py): what tests/browser checks in Chromium alone, with the same
assertions, through the engine-neutral driver of scripts/engines.py.

A touch swipe on the carousel needs touch emulation, which only Chromium has here: it stays in
tests/browser/test_carousel.py. WebKitGTK's narrowest window is about 447 px: the "phone"
width there is 447, not 390 (the tests read the width the engine gave).
"""

from __future__ import annotations

import re

import pytest

from tests.browser.helpers import EX, LABELS, SLIDES, STATE_JS, TITLES
from tests.browser.test_typography import GEOMETRY, HEADER_MAX, QUOTE_MARKS
from tests.engines.conftest import DESKTOP, PHONE
from tests.helpers import FULL, UNDATED, SEED_SLUG, article, plain, shown_text, translation
from webapp.locales import locale_from_segment

LANGS = {"zh": "zh-Hans", "en": "en", "zh-hant": "zh-Hant"}
SEGMENTS = ("zh", "en", "zh-hant")


def squash(text: str | None) -> str:
    """Text with runs of white space made one space, trimmed (as Playwright's to_have_text)."""
    return re.sub(r"\s+", " ", text or "").strip()


def texts(page, selectors: list[str]) -> list[str | None]:
    """innerText of each selector (None where absent), white space squashed."""
    found = page.evaluate("(ss) => ss.map((s) => { const e = document.querySelector(s); "
                          "return e ? e.innerText : null; })", selectors)
    return [None if t is None else squash(t) for t in found]


def box(page, selector: str) -> dict:
    return page.evaluate("(s) => { const r = document.querySelector(s).getBoundingClientRect(); "
                         "return {top: r.top, bottom: r.bottom, left: r.left, right: r.right, "
                         "width: r.width, height: r.height}; }", selector)


def overflow(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - "
                         "document.documentElement.clientWidth")


def controlled(page) -> None:
    page.wait(
        "() => Boolean(navigator.serviceWorker && navigator.serviceWorker.controller)",
        what="a service worker controlling the page", timeout=60)


def kept(page, path: str, cache: str = "reader-pages") -> None:
    page.wait("async (p, c) => Boolean(await caches.match(p, {cacheName: c}))", path, cache,
              what=f"{path} in {cache}", timeout=60)


def open_switcher_link(page, selector: str) -> None:
    """Click the switcher's link ``selector``, opening the menu first where the header folds
    the choices into one (as a reader would)."""
    if not page.visible(selector):
        page.click(".switcher-button")
        page.wait("(s) => { const r = document.querySelector(s).getBoundingClientRect(); "
                  "return r.width > 0 && r.height > 0; }", selector, what="the menu open")
    page.click(selector)


# --- reading ------------------------------------------------------------------------------------

@pytest.mark.parametrize("seg", SEGMENTS)
def test_article_renders_fully(page, seg):
    page.goto(f"/{seg}/{FULL}/")
    assert page.evaluate("() => document.documentElement.lang") == LANGS[seg]
    assert page.text("h1") == TITLES[seg]
    a = article(FULL)
    locale = locale_from_segment(seg)
    shown = texts(page, [f"#{b.id}" for b in a.body])
    assert shown == [squash(plain(shown_text(b, locale, FULL))) for b in a.body]
    assert page.evaluate("() => document.querySelectorAll('blockquote').length") == len(a.quotes)
    for fig in a.figures:
        assert page.visible(f"#{fig.caption.id} figcaption")
    assert overflow(page) == 0
    page.goto(f"/{seg}/{UNDATED}/")  # a figure with a photo: it loads, with its alt text
    page.evaluate("() => document.querySelector('figure img').scrollIntoView()")
    page.wait("() => { const i = document.querySelector('figure img'); "
              "return i.complete && i.naturalWidth > 0; }", what="the photo loaded")
    assert page.evaluate("() => document.querySelector('figure img').alt")


def test_the_switcher_keeps_the_paragraph_and_remembers_the_choice(page):
    target = article(FULL).body[3]
    page.goto(f"/zh/{FULL}/")
    page.evaluate("(id) => document.getElementById(id).scrollIntoView({block: 'start'})", target.id)
    open_switcher_link(page, 'nav.switcher a[data-locale="en"]')
    page.wait_url(f"/en/{FULL}/#{target.id}")
    assert page.evaluate("() => document.documentElement.lang") == "en"
    top = box(page, f"#{target.id}")["top"]
    assert 0 <= top < page.evaluate("() => innerHeight")  # the paragraph is on screen
    # the choice is remembered (a cookie): "/" sends this reader to Chinese, whatever the
    # browser's own languages say
    open_switcher_link(page, 'nav.switcher a[data-locale="zh"]')
    page.wait_url(f"/zh/{FULL}/#{target.id}")
    page.goto("/")
    page.wait_url("/zh/")


MENU = """() => {
  const menu = document.querySelector('.switcher-list');
  const links = [...menu.querySelectorAll('a')].map((a) => a.getBoundingClientRect());
  const m = menu.getBoundingClientRect(), header = document.querySelector('.site-header').getBoundingClientRect();
  const gaps = links.slice(1).map((r, i) => r.top - links[i].bottom);
  return {open: menu.matches(':popover-open'), menu: {left: m.left, right: m.right, top: m.top,
          height: m.height}, header: header.bottom, links: links.map((r) => r.height), gaps,
          content: links.reduce((s, r) => s + r.height, 0), vw: innerWidth, vh: innerHeight};
}"""


@pytest.mark.parametrize("seg", ["en", "zh"])
def test_the_language_menu_is_as_tall_as_its_choices(page, seg):
    """On a phone the choices fold into a menu (a popover) under the header button: sized to
    its choices, which sit close together, inside the screen, below the header."""
    page.goto(f"/{seg}/{FULL}/")
    assert not page.visible('nav.switcher a[data-locale="zh-hant"]')
    page.click(".switcher-button")
    m = page.wait(MENU.replace("return {open", "if (!menu.matches(':popover-open')) return null;\n  return {open"),
                  what="the menu open")
    assert all(h >= 44 - 0.5 for h in m["links"]), m          # tap targets
    assert all(0 <= g <= 12 for g in m["gaps"]), m             # choices together, not spread
    assert m["menu"]["height"] <= m["content"] + 12 * len(m["gaps"]) + 40, m  # sized to them
    assert m["menu"]["top"] >= m["header"] - 1, m              # under the header
    assert 0 <= m["menu"]["left"] and m["menu"]["right"] <= m["vw"], m
    page.press(".switcher-button", "Escape")
    page.wait("() => !document.querySelector('.switcher-list').matches(':popover-open')",
              what="the menu closed by Escape")


def test_the_parallel_view_stacks_on_a_phone_and_aligns_on_a_desktop(page):
    a = article(FULL)
    blocks = [*a.body, *(q.text for q in a.quotes)]
    page.goto(f"/zh/{FULL}/parallel/")
    assert texts(page, [f"#{b.id}-zh" for b in blocks]) == [squash(plain(b.text)) for b in blocks]
    english = [translation(b, "en", FULL) for b in blocks]
    assert texts(page, [f"#{b.id}-en" for b in blocks]) == [
        squash(plain(e)) if e else None for e in english]
    for block in a.body:
        zh, en = box(page, f"#{block.id}-zh"), box(page, f"#{block.id}-en")
        assert en["top"] >= zh["bottom"] - 1 and abs(en["left"] - zh["left"]) < 24, block.id
    assert overflow(page) == 0
    page.set_viewport(DESKTOP["width"], DESKTOP["height"])
    page.reload()
    for block in [a.title, *blocks]:
        zh, en = box(page, f"#{block.id}-zh"), box(page, f"#{block.id}-en")
        assert en["left"] > zh["right"] and abs(en["top"] - zh["top"]) < 2, block.id
    assert overflow(page) == 0


# --- the carousel -------------------------------------------------------------------------------

def carousel_at(page, seg: str, n: int) -> None:
    """Slide ``n`` is current in the four places that must agree, and labelled so."""
    page.wait(f"() => {{ const s = ({STATE_JS})(); return s.visible === {n} && s.marked === {n}; }}",
              what=f"slide {n} current")
    state = page.evaluate(STATE_JS)
    assert state == {"visible": n, "marked": n, "dot": n, "data": n, "currentDots": 1}, state
    label = LABELS[seg]["n_of"].format(n)
    attrs = page.evaluate("""(n, ex) => ({
      slide: document.querySelectorAll(ex.slide)[n - 1].getAttribute('aria-label'),
      prev: document.querySelector(ex.prev).getAttribute('aria-disabled'),
      next: document.querySelector(ex.next).getAttribute('aria-disabled')})""", n, EX)
    assert attrs == {"slide": label, "prev": str(n == 1).lower(), "next": str(n == SLIDES).lower()}


@pytest.mark.parametrize("seg", ["en", "zh"])
def test_carousel_buttons_move_one_slide_and_stop_at_the_ends(page, seg):
    page.goto(f"/{seg}/{FULL}/#quotes")
    page.wait("(s) => { const e = document.querySelector(s); return e && e.offsetParent !== null; }",
              EX["picker"], what="the carousel enhanced")
    for n in range(2, SLIDES + 1):
        page.click(EX["next"])
        carousel_at(page, seg, n)
        page.wait("(s, t) => document.querySelector(s).textContent.trim() === t", EX["status"],
                  LABELS[seg]["n_of"].format(n), what=f"slide {n} announced")
    for n in range(SLIDES - 1, 0, -1):
        page.click(EX["prev"])
        carousel_at(page, seg, n)


def test_carousel_arrow_keys_home_and_end(page):
    page.goto(f"/en/{FULL}/#quotes")
    page.wait("(s) => { const e = document.querySelector(s); return e && e.offsetParent !== null; }",
              EX["picker"], what="the carousel enhanced")
    for key, n in (("ArrowRight", 2), ("ArrowRight", 3), ("ArrowLeft", 2), ("End", SLIDES),
                   ("Home", 1)):
        page.press(EX["row"], key)
        carousel_at(page, "en", n)
    page.press(EX["next"], "ArrowRight")  # on the buttons the arrows work too
    carousel_at(page, "en", 2)


# --- Display settings, Share, install metadata ------------------------------------------------

DARK_BG = "rgb(18, 18, 20)"


def test_display_settings_are_remembered_across_a_reload(page):
    page.goto(f"/en/{FULL}/")
    before = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.click("[data-comfort-toggle]")
    page.wait("() => !document.querySelector('[data-comfort-panel]').hidden", what="the panel open")
    page.click('label:has(input[value="dark"])')
    page.click('label:has(input[value="large"])')
    page.reload()
    state = page.evaluate("""() => ({theme: document.documentElement.dataset.theme,
      size: document.documentElement.dataset.size, bg: getComputedStyle(document.body).backgroundColor,
      root: parseFloat(getComputedStyle(document.documentElement).fontSize)})""")
    assert state["theme"] == "dark" and state["size"] == "large" and state["bg"] == DARK_BG, state
    assert state["root"] == pytest.approx(before * 1.2), state
    page.goto(f"/zh/{FULL}/parallel/")  # every page, every language
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") == DARK_BG


SHARE = {"zh": ("分享", "链接已复制"), "en": ("Share", "Link copied"), "zh-hant": ("分享", "連結已複製")}


@pytest.mark.parametrize("seg", ["en", "zh-hant"])
def test_share_uses_what_the_browser_has(page, seg):
    """Web Share where the engine has it (none here: then the button copies the canonical
    link, and says so); with neither Web Share nor a clipboard, a button that could only fail
    is not offered."""
    page.goto(f"/{seg}/{FULL}/#p-1")
    has = page.evaluate("() => ({share: typeof navigator.share === 'function', "
                        "clipboard: Boolean(navigator.clipboard && navigator.clipboard.writeText)})")
    label, copied = SHARE[seg]
    if not has["share"] and not has["clipboard"]:
        assert not page.visible(".share-button")
        return
    assert page.visible(".share-button") and page.text(".share-button") == label
    if has["share"]:  # a share sheet cannot be driven here: record what would be shared
        page.evaluate("() => { window.__shared = []; navigator.share = (d) => "
                      "{ window.__shared.push(d); return Promise.resolve(); }; }")
        page.click(".share-button")
        assert page.wait("() => window.__shared.length && window.__shared[0].url") == \
            f"{page.base_url}/{seg}/{FULL}/"
        return
    # record the copy (reading the clipboard back needs a permission no engine grants here)
    page.evaluate("""() => { window.__copied = []; const real = navigator.clipboard.writeText.bind(navigator.clipboard);
      navigator.clipboard.writeText = (t) => { window.__copied.push(t); return real(t); }; }""")
    page.click(".share-button")
    status = page.wait("() => document.querySelector('.share-status').textContent.trim()",
                       what="the share status")
    assert page.evaluate("() => window.__copied") == [f"{page.base_url}/{seg}/{FULL}/"]
    assert status == copied  # the copy worked, no "could not copy"


def test_install_metadata(page):
    """A manifest in the page's language, with the icons an install needs, each one served;
    Apple's touch icon for Safari's Add to Home Screen (which ignores manifest icons)."""
    page.goto(f"/zh-hant/{FULL}/")
    found = page.evaluate("""async () => {
      const link = document.querySelector('link[rel="manifest"]');
      const manifest = await (await fetch(link.href)).json();
      const status = async (u) => (await fetch(new URL(u, link.href))).status;
      const touch = document.querySelector('link[rel="apple-touch-icon"]');
      return {href: new URL(link.href).pathname, lang: manifest.lang, start: manifest.start_url,
              display: manifest.display, sizes: manifest.icons.map((i) => i.sizes),
              icons: await Promise.all(manifest.icons.map((i) => status(i.src))),
              touch: touch && await status(touch.href)};
    }""")
    assert found["href"] == "/zh-hant/manifest.webmanifest" and found["lang"] == "zh-Hant", found
    assert found["start"].startswith("/zh-hant/") and found["display"] == "standalone", found
    assert {"192x192", "512x512"} <= set(found["sizes"]), found
    assert set(found["icons"]) == {200} and found["touch"] == 200, found


# --- offline --------------------------------------------------------------------------------------

SAVED_COPY = {"zh": "当前离线，正在显示已保存的版本。", "en": "You are offline: reading the saved copy."}


def test_first_visit_then_offline_reload_then_another_kept_page(open_page, own_server):
    page = open_page(own_server.url)
    page.goto(f"/en/{FULL}/")          # the first visit: the worker installs and keeps it
    controlled(page)
    kept(page, f"/en/{FULL}/")
    page.goto(f"/zh/{UNDATED}/")       # another page read online
    kept(page, f"/zh/{UNDATED}/")
    own_server.stop()                  # offline: the server is gone
    page.goto(f"/en/{FULL}/")
    assert page.text("h1") == TITLES["en"]
    a = article(FULL)
    assert texts(page, [f"#{b.id}" for b in a.body]) == [
        squash(plain(shown_text(b, "en", FULL))) for b in a.body]
    assert page.visible(".saved-copy") and page.text(".saved-copy") == SAVED_COPY["en"]
    assert page.evaluate("() => getComputedStyle(document.body).marginTop") == "0px"  # its CSS
    page.reload()
    assert page.text("h1") == TITLES["en"]
    page.goto(f"/zh/{UNDATED}/")
    assert page.text("h1") == squash(plain(article(UNDATED).title.text))
    assert page.text(".saved-copy") == SAVED_COPY["zh"]
    page.goto("/en/never-read/")       # a page never read: the offline page, in its language
    assert page.text("h1") == "You are offline"


def test_save_for_offline_then_the_library_then_remove(page):
    page.goto(f"/en/{FULL}/")
    controlled(page)
    page.wait("() => !document.querySelector('.save-button').hidden", what="the Save button")
    assert page.evaluate("() => document.querySelector('.save-button').getAttribute('aria-pressed')") == "false"
    page.click(".save-button")
    page.wait("() => document.querySelector('.save-button').getAttribute('aria-pressed') === 'true'",
              what="saved")
    status = page.wait("() => document.querySelector('.save-status').textContent.trim()")
    assert status.startswith("Saved."), status  # (what it promises is issue 25's)
    kept(page, f"/zh/{FULL}/parallel/", "reader-saved")
    page.goto("/en/saved/")
    page.wait("() => document.querySelectorAll('.saved-item').length === 1", what="one saved item")
    assert page.text(".saved-item a") == TITLES["en"]
    assert page.evaluate("() => document.querySelector('.saved-item a').getAttribute('href')") == f"/en/{FULL}/"
    page.click(".saved-item button")
    page.wait("() => document.querySelectorAll('.saved-item').length === 0", what="removed")
    assert page.visible("[data-saved-empty]")
    assert page.evaluate("async () => (await (await caches.open('reader-saved')).keys()).length") == 0


# --- typography geometry ----------------------------------------------------------------------

@pytest.mark.parametrize("width, height", [(PHONE["width"], PHONE["height"]),
                                           (DESKTOP["width"], DESKTOP["height"])])
@pytest.mark.parametrize("seg", SEGMENTS)
def test_typography_geometry(open_page, seed_server, seg, width, height):
    """Header of one row at most 64 px tall, no sideways scrolling, every quote card within
    the screen under the header; in English every Latin quotation mark under 0.6 em (a CJK
    face would give 1 em). WebKitGTK's phone is 447 px wide (its narrowest window)."""
    page = open_page(seed_server.url, width, height)
    page.goto(f"/{seg}/{SEED_SLUG}/")
    g = page.evaluate(GEOMETRY)
    assert g["overflow"] <= 0 and g["header"] <= HEADER_MAX and g["oneRow"], g
    assert not g["brandClipped"], g
    assert all(h <= g["room"] + 0.5 for h in g["cards"]) and g["cards"], g
    if seg == "en":
        latin = page.evaluate(QUOTE_MARKS)["latin"]
        assert len(latin) > 10 and [m for m in latin if m[1] >= 0.6] == [], latin


# --- Chinese dates ------------------------------------------------------------------------------

DATE_GAPS = """() => {
  const t = document.querySelector('.dateline time, time');
  const node = t.firstChild, text = node.data, gaps = [];
  const r = (i) => { const g = document.createRange(); g.setStart(node, i); g.setEnd(node, i + 1); return g.getBoundingClientRect(); };
  for (let i = 1; i < text.length; i++) {
    const digit = (c) => /[0-9]/.test(c);
    if (digit(text[i - 1]) !== digit(text[i])) gaps.push([text[i - 1] + text[i], +(r(i).left - r(i - 1).right).toFixed(1)]);
  }
  return {text, gaps};
}"""


@pytest.mark.parametrize("seg", ["zh", "zh-hant"])
def test_chinese_dates_space_evenly(page, seg):
    """``2026年11月29日``: the space between a number and 年/月/日 is the same before and
    after each number (text-autospace may add it, but on both sides or not at all)."""
    page.goto(f"/{seg}/{FULL}/")
    d = page.evaluate(DATE_GAPS)
    assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", d["text"]), d
    sizes = {round(g) for _, g in d["gaps"]}
    assert len(sizes) == 1, d

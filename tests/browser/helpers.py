"""What the browser tests share: the phone, waits that work under the strict CSP (no eval, so
``page.evaluate`` with a promise rather than ``wait_for_function`` strings where possible), the
fixture article as a reader should see it, and the reader journeys that run both on the live
app and on the static export (tests/browser/test_static_export.py)."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from tests.helpers import FIXTURE_SLUGS, FULL, UNDATED, article, plain, shown_text
from webapp.locales import locale_from_segment

from scripts.browser import PHONE, touch_swipe  # noqa: E402,F401 - PHONE re-exported for the tests

CONTROLLED = """() => navigator.serviceWorker.controller ? true : new Promise(resolve =>
  navigator.serviceWorker.addEventListener("controllerchange", () => resolve(true),
                                           {once: true}))"""


def horizontal_overflow(page: Page) -> int:
    """Pixels the page is wider than its viewport (0 when there is no horizontal scrolling)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth")


def watch_console(page: Page) -> list[str]:
    """Collect console errors and uncaught page errors of ``page`` into the returned list."""
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(f"console: {msg.text}")
            if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))
    return errors


def wait_until_controlled(page: Page) -> None:
    """Wait until the service worker controls the page (installed, activated, claimed)."""
    assert page.evaluate(CONTROLLED) is True


def expect_full_article(page: Page, seg: str, slug: str = FULL) -> None:
    """Every body block of ``slug`` as the reader of URL segment ``seg`` should see it, and
    every quote."""
    a = article(slug)
    locale = locale_from_segment(seg)
    for block in a.body:
        expect(page.locator(f"#{block.id}")).to_have_text(plain(shown_text(block, locale, slug)))
    expect(page.locator("blockquote")).to_have_count(len(a.quotes))


# --- the quotes carousel ----------------------------------------------------------------------

EX = {  # one selector map (APG test style)
    "region": "section#quotes",
    "heading": "section#quotes h2",
    "row": "#quotes [data-carousel-slides]",
    "slide": "#quotes .carousel-slide",
    "prev": "#quotes [data-carousel-prev]",
    "next": "#quotes [data-carousel-next]",
    "picker": "#quotes [data-carousel-picker]",
    "dot": "#quotes [data-carousel-picker] button",
    "status": "#quotes [data-carousel-status]",
}
SLIDES = len(article(FULL).quotes)
LABELS = {  # what a screen reader hears, from each locale's catalog
    "en": {"carousel": "carousel", "slide": "slide", "prev": "Previous quote",
           "next": "Next quote", "picker": "Choose a quote", "n_of": f"{{}} of {SLIDES}",
           "heading": "Voices from the shore"},
    "zh": {"carousel": "轮播", "slide": "引语", "prev": "上一条", "next": "下一条",
           "picker": "选择引语", "n_of": f"第 {{}} 条，共 {SLIDES} 条", "heading": "观众说"},
}

# The state of the carousel, read from the four places that must agree: the slide actually in
# view in the scrolling row, the slide marked is-current, the picker dot with aria-current and
# the root's data-current; plus the live status.
STATE_JS = """() => {
  const row = document.querySelector(%(row)r).getBoundingClientRect();
  const slides = [...document.querySelectorAll(%(slide)r)];
  const shown = slides.map((s) => {
    const r = s.getBoundingClientRect();
    return Math.max(0, Math.min(r.right, row.right) - Math.max(r.left, row.left));
  });
  const dots = [...document.querySelectorAll(%(dot)r)];
  return {
    visible: shown.indexOf(Math.max(...shown)) + 1,
    marked: slides.findIndex((s) => s.classList.contains("is-current")) + 1,
    dot: dots.findIndex((d) => d.getAttribute("aria-current") === "true") + 1,
    data: Number(document.querySelector("[data-carousel]").dataset.current),
    currentDots: dots.filter((d) => d.getAttribute("aria-current") === "true").length,
  };
}""".replace("%(row)r", repr(EX["row"])).replace("%(slide)r", repr(EX["slide"])).replace(
    "%(dot)r", repr(EX["dot"]))


def open_article(page: Page, seg: str) -> None:
    page.goto(f"/{seg}/{FULL}/#quotes")
    expect(page.locator(EX["picker"])).to_be_visible()  # the script has enhanced the carousel


def expect_current(page: Page, seg: str, n: int) -> None:
    """Slide ``n`` (1-based) is current everywhere: in view, marked, in the picker, labelled."""
    # a function, not an expression: Playwright would eval() an expression, which the CSP forbids
    page.wait_for_function(f"() => {{ const s = ({STATE_JS})(); "
                           f"return s.visible === {n} && s.marked === {n}; }}")
    state = page.evaluate(STATE_JS)
    assert state == {"visible": n, "marked": n, "dot": n, "data": n, "currentDots": 1}, state
    label = LABELS[seg]["n_of"].format(n)
    expect(page.locator(EX["slide"]).nth(n - 1)).to_have_attribute("aria-label", label)
    expect(page.locator(EX["dot"]).nth(n - 1)).to_have_accessible_name(label)
    expect(page.locator(EX["prev"])).to_have_attribute("aria-disabled", str(n == 1).lower())
    expect(page.locator(EX["next"])).to_have_attribute("aria-disabled", str(n == SLIDES).lower())


def expect_announced(page: Page, seg: str, n: int) -> None:
    """The polite live region says slide ``n``."""
    expect(page.locator(EX["status"])).to_have_text(LABELS[seg]["n_of"].format(n))


def settled(page: Page) -> None:
    """Wait until the slide row stops moving: its scroll position the same over 5 frames."""
    page.locator(EX["row"]).evaluate("""(row) => new Promise((done) => {
      let last = row.scrollLeft, still = 0;
      const tick = () => { still = row.scrollLeft === last ? still + 1 : 0; last = row.scrollLeft;
        if (still >= 5) done(); else requestAnimationFrame(tick); };
      requestAnimationFrame(tick); })""")


def swipe(page: Page, direction: int) -> None:
    """One finger swipe across the row through real touch input (CDP), ``-1`` = towards next:
    three quarters of a slide's width, so it clearly passes the middle (the browser keeps the
    first pixels as touch slop) and never reaches a second slide. It starts from a row at rest:
    a finger that lands while the last snap is still moving starts from wherever the row is, and
    how far one swipe then carries is the engine's to decide, not ours."""
    settled(page)
    box = page.locator(EX["row"]).bounding_box()
    width = page.locator(EX["slide"]).first.bounding_box()["width"]
    y = max(box["y"], 0) + 60
    middle = box["x"] + box["width"] / 2
    x_from, x_to = middle - direction * width * 0.375, middle + direction * width * 0.375
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent",
             {"type": "touchStart", "touchPoints": [{"x": x_from, "y": y}]})
    for i in range(1, 11):
        x = x_from + (x_to - x_from) * i / 10
        cdp.send("Input.dispatchTouchEvent",
                 {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
        page.wait_for_timeout(16)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


# --- reader journeys, on the live app and on the static export --------------------------------

TITLES = {"zh": "金坛龙舟节吸引万名游客",
          "en": "Jintan dragon boat festival draws ten thousand visitors",
          "zh-hant": "金壇龍舟節吸引萬名遊客"}
LANGS = {"zh": "zh-Hans", "en": "en", "zh-hant": "zh-Hant"}


def article_renders_fully_on_a_phone(page: Page, seg: str) -> None:
    page.goto(f"/{seg}/{FULL}/")
    expect(page.locator("html")).to_have_attribute("lang", LANGS[seg])
    expect(page.locator("h1")).to_have_text(TITLES[seg])
    expect_full_article(page, seg)
    for fig in article(FULL).figures:
        expect(page.locator(f"#{fig.caption.id} figcaption")).to_be_visible()
    assert horizontal_overflow(page) == 0
    page.goto(f"/{seg}/{UNDATED}/")  # a figure with a photo: it loads, with its alt text
    image = page.locator("figure picture img")   # over its placeholder (figure-ph)
    expect(image).to_have_count(1)
    image.scroll_into_view_if_needed()
    page.wait_for_function("() => document.querySelector('figure picture img').complete")
    assert image.evaluate("img => img.naturalWidth") > 0
    assert image.get_attribute("alt")


def no_horizontal_scrolling(page: Page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    for path in (f"/zh/{FULL}/", f"/en/{FULL}/", "/en/", f"/en/{FULL}/parallel/"):
        page.goto(path)
        assert horizontal_overflow(page) == 0, (path, width)


def not_found_page_offers_a_way_home(page: Page) -> None:
    resp = page.goto("/en/missing-story/")
    assert resp.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    page.get_by_role("link", name="Go to the front page").click()
    expect(page.locator(".article-list a")).to_have_count(len(FIXTURE_SLUGS))


def reading_works_without_javascript(browser, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, base_url=base_url)
    try:
        page = context.new_page()
        page.goto(f"/en/{FULL}/")
        expect_full_article(page, "en")
        for quote in article(FULL).quotes:
            expect(page.locator(f"#{quote.speaker.id}")).to_be_visible()
        switcher_link(page, "简体").click()  # the menu opens without JavaScript (a popover)
        expect(page.locator("h1")).to_have_text(TITLES["zh"])
    finally:
        context.close()


def switcher_keeps_the_paragraph_and_remembers_the_choice(page: Page, base_url: str) -> None:
    target = article(FULL).body[3]  # one the page can scroll to the top
    page.goto(f"/zh/{FULL}/")
    page.evaluate(f"document.getElementById('{target.id}').scrollIntoView({{block: 'start'}})")
    expect(page.get_by_role("navigation", name="语言")).to_be_visible()
    switcher_link(page, "English").click()
    page.wait_for_url(f"{base_url}/en/{FULL}/#{target.id}")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    top = page.locator(f"#{target.id}").evaluate("el => el.getBoundingClientRect().top")
    assert 0 <= top < PHONE["height"]  # the paragraph the reader was on is on screen
    # the choice is remembered: "/" now sends this reader to English despite a Chinese browser
    page.context.set_extra_http_headers({"Accept-Language": "zh-CN,zh;q=0.9"})
    page.goto("/")
    page.wait_for_url(f"{base_url}/en/")  # a 302 on the live app, a script on the static export
    switcher_link(page, "简体").click()
    page.wait_for_url(f"{base_url}/zh/")
    page.goto("/")
    page.wait_for_url(f"{base_url}/zh/")


def buttons_move_one_slide_and_stop_at_the_ends(page: Page, seg: str) -> None:
    open_article(page, seg)
    nxt, prev = page.locator(EX["next"]), page.locator(EX["prev"])
    for n in range(2, SLIDES + 1):
        nxt.click()
        expect_current(page, seg, n)
        expect_announced(page, seg, n)
    nxt.click(force=True)  # at the end (aria-disabled): nothing moves
    expect_current(page, seg, SLIDES)
    for n in range(SLIDES - 1, 0, -1):
        prev.click()
        expect_current(page, seg, n)
        expect_announced(page, seg, n)
    expect(prev).to_be_focused()  # a disabled-looking end button keeps focus (aria-disabled)


def a_touch_swipe_moves_exactly_one_slide(browser, base_url: str, seg: str) -> None:
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True,
                                  device_scale_factor=1, base_url=base_url)
    try:
        page = context.new_page()
        errors = watch_console(page)
        open_article(page, seg)
        swipe(page, -1)
        expect_current(page, seg, 2)
        swipe(page, -1)
        expect_current(page, seg, 3)
        swipe(page, +1)
        expect_current(page, seg, 2)
        settled(page)   # the snap has finished (a tap during it: see docs/carousel.md)
        page.locator(EX["next"]).tap()  # the buttons pick up where the finger left off
        expect_current(page, seg, 3)
        assert errors == []
    finally:
        context.close()


def without_javascript_every_quote_is_visible_text(browser, base_url: str, seg: str) -> None:
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, base_url=base_url)
    try:
        page = context.new_page()
        page.goto(f"/{seg}/{FULL}/")
        quotes = page.locator(f"{EX['slide']} blockquote")
        expect(quotes).to_have_count(SLIDES)
        for i in range(SLIDES):
            expect(quotes.nth(i)).to_be_visible()
            assert len(quotes.nth(i).inner_text().strip()) > 10
            expect(page.locator(f"{EX['slide']} .speaker").nth(i)).to_be_visible()
            expect(page.locator(f"{EX['slide']} .role").nth(i)).to_be_visible()
        # no dead controls and nothing to swipe: the cards are a column, each one in full
        expect(page.locator(EX["prev"])).to_be_hidden()
        expect(page.locator(EX["picker"])).to_be_hidden()
        expect(page.locator(EX["row"])).not_to_have_attribute("tabindex", "0")
        assert page.locator(EX["row"]).evaluate("el => el.scrollWidth <= el.clientWidth")
        lefts = page.locator(f"{EX['slide']} figure").evaluate_all(
            "els => new Set(els.map((f) => Math.round(f.getBoundingClientRect().left))).size")
        assert lefts == 1
    finally:
        context.close()


def worker_installs_activates_and_controls_the_page(page: Page, base_url: str) -> None:
    page.goto("/zh/")
    wait_until_controlled(page)
    state = page.evaluate("""async () => {
      const registration = await navigator.serviceWorker.getRegistration();
      // it claims the page first, then finishes activating (it fetches the newest articles)
      const active = registration.active;
      if (active.state !== "activated") {
        await new Promise((resolve) => active.addEventListener("statechange",
          () => active.state === "activated" && resolve()));
      }
      const names = await caches.keys();
      const shell = await caches.open(names.find(n => n.startsWith("reader-shell-")));
      return {scope: registration.scope, state: registration.active.state,
              script: navigator.serviceWorker.controller.scriptURL, names,
              cached: (await shell.keys()).map(r => new URL(r.url).pathname)};
    }""")
    assert state["scope"] == base_url + "/" and state["state"] == "activated"
    assert state["script"] == base_url + "/sw.js"
    assert len([n for n in state["names"] if n.startswith("reader-shell-")]) == 1
    data = page.request.get("/sw.js").text().partition("\n")[0]
    shell = json.loads(data.removeprefix("const DATA = ").removesuffix(";"))["shell"]
    assert len(state["cached"]) == len(shell)  # every entry of the shell
    for seg in ("zh", "en", "zh-hant"):
        assert f"/{seg}/offline/" in state["cached"] and f"/{seg}/saved/" in state["cached"]
    expect(page.locator(".update-prompt")).to_be_hidden()  # a first install is no update


# a page read (not saved) is a copy kept from the last time online, never "the saved copy"
KEPT_COPY = {"zh": "当前离线，正在显示上次联网时保留在本设备上的版本。",
             "en": "You are offline: reading a copy kept on this device when you were last online.",
             "zh-hant": "目前離線，正在顯示上次連線時保留在這個裝置上的版本。"}


def an_article_read_online_opens_offline(page: Page, seg: str) -> None:
    page.goto(f"/{seg}/{FULL}/")
    wait_until_controlled(page)
    page.goto(f"/{seg}/{FULL}/")  # read online with the worker in charge: it keeps the page
    expect(page.locator(".saved-copy")).to_be_hidden()
    page.evaluate("""async (path) => {  // the copy is written after the response: wait for it
      for (let i = 0; i < 100; i++) {
        if (await caches.match(path, {cacheName: "reader-pages"})) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error("page not kept: " + path);
    }""", f"/{seg}/{FULL}/")
    page.context.set_offline(True)
    page.reload()
    expect_full_article(page, seg)
    expect(page.locator(".saved-copy")).to_have_text(KEPT_COPY[seg])
    expect(page.locator(".saved-copy")).to_be_visible()
    # the stylesheet came from the cache too
    assert page.locator("body").evaluate("b => getComputedStyle(b).marginTop") == "0px"


OFFLINE = {"/en/no-such-story/": ("en", "You are offline", "Saved articles"),
           "/zh/no-such-story/": ("zh-Hans", "当前处于离线状态", "已保存的文章"),
           f"/zh-hant/{FULL}/parallel/": ("zh-Hant", "目前處於離線狀態", "已儲存的文章")}


def offline_an_unknown_page_shows_the_offline_page_in_its_language(page: Page, path: str) -> None:
    lang, heading, saved = OFFLINE[path]
    page.goto("/zh/")
    wait_until_controlled(page)
    page.context.set_offline(True)
    page.goto(path)
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator("h1")).to_have_text(heading)
    page.get_by_role("main").get_by_role("link", name=saved).click()  # the saved library is in the shell
    expect(page.locator("[data-saved-page]")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", lang)


def installable_with_an_install_control(browser_type, launch_args, base_url, profile) -> None:
    """Chromium's own installability check, in a normal (not incognito) profile."""
    context = browser_type.launch_persistent_context(
        str(profile), **launch_args, viewport=PHONE, base_url=base_url)
    try:
        page = context.new_page()
        errors = watch_console(page)
        page.goto(f"/en/{FULL}/")
        wait_until_controlled(page)
        cdp = context.new_cdp_session(page)
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["url"] == f"{base_url}/en/manifest.webmanifest"
        assert manifest["errors"] == []
        assert cdp.send("Page.getInstallabilityErrors") == {"installabilityErrors": []}
        # Chromium offers beforeinstallprompt: our button replaces its mini-infobar
        expect(page.locator(".install-button")).to_be_visible()
        expect(page.locator(".install-button")).to_have_text("Install the app")
        expect(page.locator(".install-ios")).to_be_hidden()
        assert errors == []
    finally:
        context.close()


def switcher_link(page, name: str):
    """The language switcher's link ``name`` (a language, or the parallel view), made visible:
    on narrow headers the choices are in a menu, which this opens first (a click, as a reader
    would)."""
    nav = page.locator("nav.switcher")
    link = nav.get_by_role("link", name=name, exact=True, include_hidden=True)
    if not link.is_visible():
        nav.locator("[popovertarget]").click()
    return link


# --- the quotes carousel's layout (issue 23), on the seed article's long quotes ----------------

FOCUS_JS = """() => {
  const el = document.activeElement;
  const slides = [...document.querySelectorAll('#quotes .carousel-slide')];
  const slide = el.closest('.carousel-slide');
  return {inCarousel: !!el.closest('#quotes'), slide: slide ? slides.indexOf(slide) + 1 : 0,
          current: Number(document.querySelector('[data-carousel]').dataset.current)};
}"""


def tab_never_reaches_an_offscreen_slide(page: Page, seg: str, slug: str) -> None:
    """Tab from the slide row to the end of the carousel: every stop inside a slide is in the
    current slide, and the row never moves (a quote scrolling in an off-screen card is not a
    tab stop), at 320 and 390 px, on the first and on a middle slide."""
    for width in (320, 390):
        page.set_viewport_size({"width": width, "height": 844})
        page.goto(f"/{seg}/{slug}/")
        expect(page.locator(EX["picker"])).to_be_visible()
        for n in (1, 2):
            page.locator(EX["dot"]).nth(n - 1).click()
            page.wait_for_function(f"() => document.querySelector('[data-carousel]').dataset.current === '{n}'")
            page.wait_for_timeout(400)
            row = page.locator(EX["row"])
            row.focus()
            left = row.evaluate("el => el.scrollLeft")
            for _ in range(4 * SLIDES):
                page.keyboard.press("Tab")
                where = page.evaluate(FOCUS_JS)
                if not where["inCarousel"]:
                    break
                assert where["slide"] in (0, n), (width, n, where)
                assert where["current"] == n, (width, n, where)
            page.wait_for_timeout(300)
            assert row.evaluate("el => el.scrollLeft") == left, (width, n)


def touch_drag(page: Page, x: float, y_from: float, y_to: float) -> None:
    """One finger moving vertically from ``y_from`` to ``y_to`` at ``x`` (CDP touch input)."""
    touch_swipe(page, (x, y_from), (x, y_to), steps=12)


def a_vertical_swipe_on_a_quote_scrolls_the_page(browser, base_url: str, seg: str,
                                                 slug: str) -> None:
    """A thumb that lands on a quote's text and moves up scrolls the page down (no trap), on
    every card; on a card whose long quote scrolls inside it, once the quote is at its end
    (each swipe of 300 px scrolls the quote first, then the page)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True,
                                  is_mobile=True, device_scale_factor=1, base_url=base_url)
    try:
        page = context.new_page()
        page.goto(f"/{seg}/{slug}/")
        expect(page.locator(EX["picker"])).to_be_visible()
        for n in range(1, SLIDES_OF(page) + 1):
            page.locator(EX["dot"]).nth(n - 1).tap()
            page.wait_for_timeout(500)
            quote = page.locator(f"{EX['slide']} blockquote").nth(n - 1)
            quote.evaluate("el => el.scrollIntoView({block: 'start'})")
            page.evaluate("window.scrollBy(0, -120)")  # the quote's first lines in the middle
            page.wait_for_timeout(200)
            box = quote.bounding_box()
            before = page.evaluate("window.scrollY")
            y = box["y"] + min(box["height"], 300) / 2
            # a quote that scrolls inside its card scrolls first; at its end the page goes on
            scrolls = quote.evaluate("el => el.scrollHeight > el.clientHeight + 1")
            for _ in range(8 if scrolls else 1):
                touch_drag(page, box["x"] + box["width"] / 2, y + 150, y - 150)
                page.wait_for_timeout(500)
                moved = page.evaluate("window.scrollY") - before
                if moved > 100:
                    break
            assert moved > 100, (seg, n, moved)
    finally:
        context.close()


def SLIDES_OF(page: Page) -> int:  # noqa: N802 - reads like the SLIDES constant
    return page.locator(EX["slide"]).count()


def no_blank_band_under_any_card(browser, base_url: str, seg: str, slug: str, width: int,
                                 javascript: bool) -> None:
    """Under every card, as the current one (or, without JavaScript, as laid out), at most
    1 px between the card and what the layout puts next (scripts/carousel_measure.py's
    measure), and the picker right under the current card."""
    from scripts.carousel_measure import BLANK_JS
    context = browser.new_context(viewport={"width": width, "height": 844}, base_url=base_url,
                                  java_script_enabled=javascript)
    try:
        page = context.new_page()
        page.goto(f"/{seg}/{slug}/")
        if not javascript:
            blanks = page.evaluate(BLANK_JS, None)
            assert all(b <= 1 for b in blanks), (seg, width, blanks)
            return
        expect(page.locator(EX["picker"])).to_be_visible()
        for n in range(1, SLIDES_OF(page) + 1):
            page.locator(EX["dot"]).nth(n - 1).click()
            page.wait_for_function(f"() => document.querySelector('[data-carousel]').dataset.current === '{n}'")
            page.wait_for_timeout(400)
            blank = page.evaluate(BLANK_JS, n - 1)[n - 1]
            assert blank <= 1, (seg, width, n, blank)
            card = page.locator(f"{EX['slide']} figure").nth(n - 1).bounding_box()
            picker = page.locator(EX["picker"]).bounding_box()
            assert 0 <= picker["y"] - (card["y"] + card["height"]) <= 16, (seg, width, n)
    finally:
        context.close()


def focusing_the_row_keeps_its_heading_and_card_in_view(page: Page, seg: str, slug: str) -> None:
    """Tab onto the slide row from above: the heading is below the sticky header and the
    current card's bottom is on screen; also after moving to the last card."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/{seg}/{slug}/")
    expect(page.locator(EX["picker"])).to_be_visible()
    header = page.locator(".site-header").bounding_box()
    for n in (1, SLIDES_OF(page)):
        page.locator(EX["dot"]).nth(n - 1).click()
        page.wait_for_function(f"() => document.querySelector('[data-carousel]').dataset.current === '{n}'")
        # from the last header button, Tab goes to the row, as a keyboard reader's would
        page.locator(EX["next"]).focus()
        page.evaluate("window.scrollTo(0, 0)")
        page.keyboard.press("Tab")
        expect(page.locator(EX["row"])).to_be_focused()
        page.wait_for_timeout(300)
        heading = page.locator(EX["heading"]).bounding_box()
        card = page.locator(f"{EX['slide']} figure").nth(n - 1).bounding_box()
        assert heading["y"] >= header["y"] + header["height"], (seg, n, heading, header)
        assert card["y"] + card["height"] <= 844, (seg, n, card)


CLS_INIT = """
  window.__shifts = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (!e.hadRecentInput) window.__shifts.push(e.value);
  }).observe({type: "layout-shift", buffered: true});
"""


def swiping_through_every_card_shifts_nothing(browser, base_url: str, seg: str, slug: str) -> None:
    """The row's height follows the current card: swiping from the first card to the last and
    back gives no layout shift that the reader's input does not explain (CLS 0)."""
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True,
                                  device_scale_factor=1, base_url=base_url)
    try:
        page = context.new_page()
        page.add_init_script(CLS_INIT)
        page.goto(f"/{seg}/{slug}/")
        expect(page.locator(EX["picker"])).to_be_visible()
        page.locator(EX["region"]).evaluate("el => el.scrollIntoView({block: 'start'})")
        count = SLIDES_OF(page)
        for n in list(range(2, count + 1)) + list(range(count - 1, 0, -1)):
            swipe(page, -1 if n > int(page.locator("[data-carousel]").get_attribute("data-current")) else 1)
            page.wait_for_function(f"() => document.querySelector('[data-carousel]').dataset.current === '{n}'")
        page.wait_for_timeout(600)
        assert page.evaluate("window.__shifts") == [], seg
    finally:
        context.close()

"""The 奋斗者说 quotes carousel (WAI-ARIA APG carousel pattern) on a phone, in both locales.

Each test is one behaviour. The state is read from four places that must always agree: the
slide actually in view in the scrolling row, the slide marked ``is-current``, the picker dot
with ``aria-current="true"`` and the root's ``data-current``.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import PHONE
from tests.conftest import SEED_SLUG

# One selector map for the whole file (APG test style).
EX = {
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
SLIDES = 6
LABELS = {  # what a screen reader hears, from each locale's catalog
    "en": {"carousel": "carousel", "slide": "slide", "prev": "Previous quote", "next": "Next quote",
           "picker": "Choose a quote", "n_of": "{} of 6", "heading": "Voices of the strivers"},
    "zh": {"carousel": "轮播", "slide": "幻灯片", "prev": "上一条", "next": "下一条",
           "picker": "选择引语", "n_of": "第 {} 条，共 6 条", "heading": "奋斗者说"},
}
LOCALES = pytest.mark.parametrize("locale", ["en", "zh"])

STATE_JS = """([rowSel, slideSel, dotSel]) => {
  const row = document.querySelector(rowSel).getBoundingClientRect();
  const slides = [...document.querySelectorAll(slideSel)];
  const shown = slides.map((s) => {
    const r = s.getBoundingClientRect();
    return Math.max(0, Math.min(r.right, row.right) - Math.max(r.left, row.left));
  });
  return {
    visible: shown.indexOf(Math.max(...shown)) + 1,
    marked: slides.findIndex((s) => s.classList.contains("is-current")) + 1,
    dot: [...document.querySelectorAll(dotSel)].findIndex((d) => d.getAttribute("aria-current") === "true") + 1,
    data: Number(document.querySelector("[data-carousel]").dataset.current),
    currentDots: document.querySelectorAll(dotSel + '[aria-current="true"]').length,
  };
}"""


def open_article(page: Page, locale: str) -> None:
    page.goto(f"/{locale}/{SEED_SLUG}/#quotes")
    expect(page.locator(EX["picker"])).to_be_visible()  # the script has enhanced the carousel


def expect_current(page: Page, locale: str, n: int) -> None:
    """Slide ``n`` (1-based) is current everywhere: in view, marked, in the picker, announced."""
    page.wait_for_function(f"(a) => ({STATE_JS})(a).visible === {n}", arg=[EX["row"], EX["slide"], EX["dot"]])
    page.wait_for_function(f"(a) => ({STATE_JS})(a).marked === {n}", arg=[EX["row"], EX["slide"], EX["dot"]])
    state = page.evaluate(STATE_JS, [EX["row"], EX["slide"], EX["dot"]])
    assert state == {"visible": n, "marked": n, "dot": n, "data": n, "currentDots": 1}, state
    label = LABELS[locale]["n_of"].format(n)
    expect(page.locator(EX["slide"]).nth(n - 1)).to_have_attribute("aria-label", label)
    expect(page.locator(EX["dot"]).nth(n - 1)).to_have_accessible_name(label)
    expect(page.locator(EX["prev"])).to_have_attribute("aria-disabled", str(n == 1).lower())
    expect(page.locator(EX["next"])).to_have_attribute("aria-disabled", str(n == SLIDES).lower())


def swipe(page: Page, direction: int) -> None:
    """One finger swipe across the row through real touch input (CDP), ``-1`` = towards next."""
    box = page.locator(EX["row"]).bounding_box()
    y = max(box["y"], 0) + 120
    x_from = box["x"] + box["width"] * (0.75 if direction < 0 else 0.25)
    x_to = box["x"] + box["width"] * (0.25 if direction < 0 else 0.75)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x_from, "y": y}]})
    for i in range(1, 11):
        x = x_from + (x_to - x_from) * i / 10
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
        page.wait_for_timeout(16)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


@LOCALES
def test_region_slides_and_controls_are_labelled_in_the_pages_language(page, console_errors, locale):
    open_article(page, locale)
    words = LABELS[locale]
    region = page.get_by_role("region", name=words["heading"])
    expect(region).to_have_attribute("aria-roledescription", words["carousel"])
    expect(region).to_have_id("quotes")
    slides = region.get_by_role("group").filter(has=page.locator("blockquote"))
    expect(slides).to_have_count(SLIDES)
    for i in range(SLIDES):
        expect(slides.nth(i)).to_have_attribute("aria-roledescription", words["slide"])
        expect(slides.nth(i)).to_have_accessible_name(words["n_of"].format(i + 1))
    expect(region.get_by_role("button", name=words["prev"], exact=True)).to_be_visible()
    expect(region.get_by_role("button", name=words["next"], exact=True)).to_be_visible()
    picker = region.get_by_role("group", name=words["picker"])
    expect(picker.get_by_role("button")).to_have_count(SLIDES)
    expect_current(page, locale, 1)


@LOCALES
def test_next_and_previous_buttons_move_one_slide_and_stop_at_the_ends(page, console_errors, locale):
    open_article(page, locale)
    nxt, prev = page.locator(EX["next"]), page.locator(EX["prev"])
    for n in range(2, SLIDES + 1):
        nxt.click()
        expect_current(page, locale, n)
        expect(page.locator(EX["status"])).to_have_text(LABELS[locale]["n_of"].format(n))
    nxt.click(force=True)  # at the end (aria-disabled): nothing moves
    expect_current(page, locale, SLIDES)
    for n in range(SLIDES - 1, 0, -1):
        prev.click()
        expect_current(page, locale, n)
    expect(prev).to_be_focused()  # a disabled-looking end button keeps focus (aria-disabled)


@LOCALES
def test_picker_dots_jump_to_their_slide_and_say_which_is_current(page, console_errors, locale):
    open_article(page, locale)
    dots = page.locator(EX["dot"])
    for n in (4, 6, 2, 1, 5):
        dots.nth(n - 1).click()
        expect_current(page, locale, n)
        expect(dots.nth(n - 1)).to_have_attribute("aria-current", "true")
        expect(page.locator(EX["status"])).to_have_text(LABELS[locale]["n_of"].format(n))


@LOCALES
def test_arrow_keys_move_one_slide(page, console_errors, locale):
    open_article(page, locale)
    page.locator(EX["row"]).focus()
    page.keyboard.press("ArrowRight")
    expect_current(page, locale, 2)
    page.keyboard.press("ArrowRight")
    expect_current(page, locale, 3)
    page.keyboard.press("ArrowLeft")
    expect_current(page, locale, 2)
    page.keyboard.press("End")
    expect_current(page, locale, SLIDES)
    page.keyboard.press("Home")
    expect_current(page, locale, 1)
    # on the previous/next buttons the arrows work too, and focus stays on the button
    page.locator(EX["next"]).focus()
    page.keyboard.press("ArrowRight")
    expect_current(page, locale, 2)
    expect(page.locator(EX["next"])).to_be_focused()
    # on the picker, focus follows the current dot
    page.locator(EX["dot"]).nth(1).focus()
    page.keyboard.press("ArrowRight")
    expect_current(page, locale, 3)
    expect(page.locator(EX["dot"]).nth(2)).to_be_focused()


@LOCALES
def test_a_touch_swipe_moves_exactly_one_slide(browser, base_url, locale):
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True,
                                  device_scale_factor=1, base_url=base_url)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    open_article(page, locale)
    swipe(page, -1)
    expect_current(page, locale, 2)
    swipe(page, -1)
    expect_current(page, locale, 3)
    swipe(page, +1)
    expect_current(page, locale, 2)
    page.locator(EX["next"]).tap()  # the buttons pick up where the finger left off
    expect_current(page, locale, 3)
    assert errors == []
    context.close()


@LOCALES
def test_focus_order_is_buttons_then_slides_then_picker(page, console_errors, locale):
    """A quote too long for its card scrolls inside it, and so takes focus too (keyboard
    scrolling, WCAG 2.1.1), between the slides and the picker; one that fits does not."""
    open_article(page, locale)
    scrollers = page.locator(f"{EX['slide']} blockquote").evaluate_all(
        "els => els.filter((e) => e.scrollHeight > e.clientHeight + 1).length")
    page.locator(EX["prev"]).focus()
    order = []
    for _ in range(SLIDES + 3 + scrollers):
        order.append(page.evaluate("""() => {
            const el = document.activeElement;
            if (el.matches('[data-carousel-prev]')) return 'prev';
            if (el.matches('[data-carousel-next]')) return 'next';
            if (el.matches('[data-carousel-slides]')) return 'slides';
            if (el.matches('.carousel-slide blockquote')) return el.scrollHeight > el.clientHeight + 1 ? 'scroller' : 'fits';
            const dots = [...document.querySelectorAll('[data-carousel-picker] button')];
            return dots.includes(el) ? 'dot' + (dots.indexOf(el) + 1) : 'outside';
        }"""))
        page.keyboard.press("Tab")
    assert order == ["prev", "next", "slides"] + ["scroller"] * scrollers + [f"dot{i}" for i in range(1, SLIDES + 1)]
    assert page.evaluate("!document.activeElement.closest('#quotes')")  # then leaves the carousel


@LOCALES
def test_moving_through_all_slides_shifts_nothing(page, console_errors, locale):
    """CLS is 0: every layout-shift entry from page load on, even those after input."""
    page.add_init_script("""
        window.__shifts = [];
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) window.__shifts.push(e.value);
        }).observe({type: "layout-shift", buffered: true});
    """)
    open_article(page, locale)
    page_top = "el => el.getBoundingClientRect().top + window.scrollY"  # clicks may scroll the page
    top = page.locator(EX["region"]).evaluate(page_top)
    for n in range(2, SLIDES + 1):
        page.locator(EX["next"]).click()
        expect_current(page, locale, n)
    for n in (1, 4, 2):
        page.locator(EX["dot"]).nth(n - 1).click()
        expect_current(page, locale, n)
    page.wait_for_timeout(300)
    assert page.evaluate("window.__shifts") == []
    assert page.locator(EX["region"]).evaluate(page_top) == top


@LOCALES
def test_each_card_is_as_tall_as_its_quote_and_long_roles_wrap(page, locale):
    """No empty space inside a card: its caption (speaker, role) ends at the card's padding,
    whatever the other quotes' lengths; the picker sits right under the current card."""
    for width in (320, 390):
        page.set_viewport_size({"width": width, "height": 844})
        open_article(page, locale)
        gaps = page.locator(f"{EX['slide']} figure").evaluate_all("""els => els.map((f) => {
            const pad = parseFloat(getComputedStyle(f).paddingBottom);
            return f.getBoundingClientRect().bottom - pad - f.querySelector('figcaption').getBoundingClientRect().bottom;
        })""")
        assert all(abs(g) <= 1 for g in gaps), gaps
        overflowing = page.locator(f"{EX['slide']} .role").evaluate_all(
            "els => els.filter((e) => e.scrollWidth > e.clientWidth + 1).length")
        assert overflowing == 0
        assert page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") == 0
        for n in (1, SLIDES):
            page.locator(EX["dot"]).nth(n - 1).click()
            expect_current(page, locale, n)
            page.wait_for_timeout(300)  # the picker's transition
            card = page.locator(f"{EX['slide']} figure").nth(n - 1).bounding_box()
            picker = page.locator(EX["picker"]).bounding_box()
            assert 0 <= picker["y"] - (card["y"] + card["height"]) <= 16, (width, n, card, picker)


def test_no_auto_rotation_and_no_smooth_scrolling_under_reduced_motion(page, console_errors):
    page.emulate_media(reduced_motion="reduce")
    open_article(page, "en")
    assert page.locator(EX["row"]).evaluate("el => getComputedStyle(el).scrollBehavior") == "auto"
    page.wait_for_timeout(1500)
    expect_current(page, "en", 1)
    page.locator(EX["next"]).click()
    expect_current(page, "en", 2)


@LOCALES
def test_without_javascript_all_six_quotes_are_visible_text(browser, base_url, locale):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE, base_url=base_url)
    page = context.new_page()
    page.goto(f"/{locale}/{SEED_SLUG}/")
    quotes = page.locator(f"{EX['slide']} blockquote")
    expect(quotes).to_have_count(SLIDES)
    for i in range(SLIDES):
        expect(quotes.nth(i)).to_be_visible()
        assert len(quotes.nth(i).inner_text().strip()) > 20
        expect(page.locator(f"{EX['slide']} .speaker").nth(i)).to_be_visible()
        expect(page.locator(f"{EX['slide']} .role").nth(i)).to_be_visible()
    # no dead controls; the row itself scrolls by finger or keyboard (it is focusable)
    expect(page.locator(EX["prev"])).to_be_hidden()
    expect(page.locator(EX["picker"])).to_be_hidden()
    expect(page.locator(EX["row"])).to_have_attribute("tabindex", "0")
    assert page.locator(EX["row"]).evaluate("el => el.scrollWidth > el.clientWidth")
    context.close()

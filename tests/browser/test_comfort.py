"""Reading comfort: theme and text size remembered across reloads, the progress bar, a clean
print of the article and its quotes, and Listen (speech synthesis, stubbed where needed:
headless Chromium has no voices)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import PHONE
from tests.helpers import FULL, UNTRANSLATED, article, plain, shown_text

ARTICLE = f"/{{}}/{FULL}/"
DARK_BG, LIGHT_BG = "rgb(18, 18, 20)", "rgb(251, 250, 247)"


def background(page) -> str:
    return page.locator("body").evaluate("b => getComputedStyle(b).backgroundColor")


def root_font_px(page) -> float:
    return page.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)")


def open_panel(page) -> None:
    toggle = page.locator("[data-comfort-toggle]")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(page.locator("[data-comfort-panel]")).to_be_visible()


def test_theme_is_remembered_across_reloads(page, console_errors):
    page.emulate_media(color_scheme="light")
    page.goto(ARTICLE.format("en"))
    assert background(page) == LIGHT_BG
    open_panel(page)
    expect(page.get_by_role("radio", name="Same as device")).to_be_checked()
    page.get_by_role("radio", name="Dark").check()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert background(page) == DARK_BG
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    assert background(page) == DARK_BG
    page.goto(f"/zh/{FULL}/parallel/")  # every page, every language
    assert background(page) == DARK_BG
    open_panel(page)
    expect(page.get_by_role("radio", name="深色")).to_be_checked()
    page.get_by_role("radio", name="跟随设备").check()
    expect(page.locator("html")).not_to_have_attribute("data-theme", re.compile(".*"))
    page.reload()
    assert background(page) == LIGHT_BG


@pytest.mark.parametrize("locale", ["zh", "en"])
def test_the_first_paint_needs_no_stylesheet_or_script_request(browser, base_url, locale):
    """The page's saved theme and its styles come with the page itself (inline, allowed by
    the CSP's hashes): with every static stylesheet and script request failing (and no service
    worker to answer them), the article still shows in the reader's dark theme, the page asks
    for no stylesheet and no prefs.js, and the browser reports no CSP refusal."""
    context = browser.new_context(viewport=PHONE, base_url=base_url, service_workers="block")
    try:
        page = context.new_page()
        messages: list[str] = []
        page.on("console", lambda msg: messages.append(msg.text) if msg.type == "error" else None)
        page.goto(ARTICLE.format(locale))
        page.evaluate("localStorage.setItem('reader-theme', 'dark')")
        asked: list[str] = []

        def refuse(route):
            asked.append(route.request.url)
            route.abort()
        page.route(re.compile(r"/static/(css|js)/"), refuse)
        page.reload(wait_until="load")
        expect(page.locator("html")).to_have_attribute("data-theme", "dark")
        assert background(page) == DARK_BG    # site.css's dark token, set by prefs.js's data-theme
        assert asked and not any("/css/" in url or "prefs" in url for url in asked)  # modules only
        assert not [m for m in messages if "Content Security Policy" in m], messages
    finally:
        context.close()


def test_a_chosen_light_theme_beats_a_dark_device(page, console_errors):
    page.emulate_media(color_scheme="dark")
    page.goto(ARTICLE.format("zh"))
    assert background(page) == DARK_BG
    open_panel(page)
    page.get_by_role("radio", name="浅色").check()
    assert background(page) == LIGHT_BG
    page.reload()
    assert background(page) == LIGHT_BG


def test_text_size_is_remembered_across_reloads(page, console_errors):
    page.goto(ARTICLE.format("en"))
    base = root_font_px(page)
    paragraph = page.locator(".article-body p").first
    before = paragraph.evaluate("p => parseFloat(getComputedStyle(p).fontSize)")
    open_panel(page)
    expect(page.get_by_role("radio", name="Medium")).to_be_checked()
    page.get_by_role("radio", name="Large").check()
    assert root_font_px(page) == pytest.approx(base * 1.2)
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-size", "large")
    size = paragraph.evaluate("p => parseFloat(getComputedStyle(p).fontSize)")
    assert size == pytest.approx(before * 1.2)
    open_panel(page)
    page.get_by_role("radio", name="Small").check()
    page.reload()
    assert root_font_px(page) == pytest.approx(base * 0.9)


def test_controls_work_from_the_keyboard(page, console_errors):
    page.goto(ARTICLE.format("en"))
    toggle = page.locator("[data-comfort-toggle]")
    toggle.focus()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    page.get_by_role("radio", name="Medium").focus()
    page.keyboard.press("ArrowRight")  # native radio group: arrows move and select
    expect(page.get_by_role("radio", name="Large")).to_be_checked()
    expect(page.locator("html")).to_have_attribute("data-size", "large")
    page.keyboard.press("Escape")
    expect(page.locator("[data-comfort-panel]")).to_be_hidden()
    expect(toggle).to_be_focused()


def test_no_javascript_no_controls(browser, base_url):
    context = browser.new_context(java_script_enabled=False, base_url=base_url)
    page = context.new_page()
    page.goto(ARTICLE.format("zh"))
    expect(page.locator(".reading-time")).to_have_text(re.compile(r"^约 \d+ 分钟读完$"))
    for selector in ("[data-reading-tools]", "[data-comfort-panel]", "[data-progress]"):
        expect(page.locator(selector)).to_be_hidden()
    context.close()


def progress_ratio(page) -> float:
    return page.locator(".progress-bar").evaluate(
        "el => new DOMMatrixReadOnly(getComputedStyle(el).transform).a")


def test_progress_bar_follows_the_scroll_without_layout_shift(page, console_errors):
    page.goto(ARTICLE.format("zh"))
    expect(page.locator("[data-progress]")).to_be_visible()
    assert progress_ratio(page) == pytest.approx(0, abs=0.01)
    position = page.locator("[data-progress]").evaluate("el => getComputedStyle(el).position")
    assert position == "fixed"
    page.evaluate("window.scrollTo(0, (document.documentElement.scrollHeight - innerHeight) / 2)")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    assert progress_ratio(page) == pytest.approx(0.5, abs=0.05)
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
    assert progress_ratio(page) == pytest.approx(1, abs=0.01)
    bar = page.locator("[data-progress]").evaluate("el => el.getBoundingClientRect().top")
    assert bar == 0


@pytest.mark.parametrize("path", [ARTICLE.format("zh"), ARTICLE.format("en"),
                                  f"/en/{FULL}/parallel/"])
def test_print_shows_every_quote_and_no_controls(page, console_errors, path):
    page.goto(path)
    expect(page.locator("[data-reading-tools]")).to_be_visible()
    page.locator("[data-comfort-toggle]").click()  # even with the panel open
    page.emulate_media(media="print")
    width = page.viewport_size["width"]
    quotes = page.locator(".quote, .prow--quote")
    expect(quotes).to_have_count(len(article(FULL).quotes))
    lefts = set()
    for i in range(len(article(FULL).quotes)):
        quote = quotes.nth(i)
        expect(quote).to_be_visible()
        r = quote.evaluate(
            "el => { const r = el.getBoundingClientRect(); return [r.left, r.right]; }")
        assert r[0] >= 0 and r[1] <= width, (i, r)  # nothing clipped sideways
        lefts.add(round(r[0]))
        clipped = quote.evaluate("""el => { let p = el.parentElement; while (p) {
            const s = getComputedStyle(p);
            if (s.overflowX !== 'visible' && p.scrollWidth > p.clientWidth + 1) return true;
            p = p.parentElement; } return false; }""")
        assert not clipped, i
    assert len(lefts) == 1  # one above the other
    for selector in (".switcher", "[data-reading-tools]", "[data-comfort-panel]",
                     "[data-progress]", "[data-carousel-buttons]", "[data-carousel-picker]",
                     ".update-prompt", ".install", ".share-button", ".save-button"):
        for element in page.locator(selector).all():
            expect(element).to_be_hidden()


# --- Listen -------------------------------------------------------------------------------

STUB = """(() => {
  const voices = %s;
  const record = window.__speech = {spoken: [], calls: [], listeners: []};
  const synth = {
    getVoices: () => voices.slice(),
    speak(u) {
      record.spoken.push({text: u.text, lang: u.lang, voice: u.voice ? u.voice.name : null});
    },
    pause() { record.calls.push("pause"); },
    resume() { record.calls.push("resume"); },
    cancel() { record.calls.push("cancel"); },
    addEventListener(type, fn) { if (type === "voiceschanged") record.listeners.push(fn); },
    removeEventListener() {},
  };
  record.addVoices = (more) => {
    voices.push(...more);
    record.listeners.forEach(fn => fn(new Event("voiceschanged")));
  };
  Object.defineProperty(window, "speechSynthesis", {value: synth, configurable: true});
  window.SpeechSynthesisUtterance = class {
    constructor(text) { this.text = text; this.lang = ""; this.voice = null; }
  };
})();"""
VOICES = ('[{"name": "Stub Mandarin", "lang": "zh-CN", "default": false, "localService": true,'
          ' "voiceURI": "zh"},'
          ' {"name": "Stub English", "lang": "en-GB", "default": true, "localService": true,'
          ' "voiceURI": "en"}]')


def expected_speech(locale: str) -> list[str]:
    """Title, subtitle, note, captions, body, quotes heading, each quote (text, speaker, role),
    as the page shows them."""
    a = article(FULL)

    def say(b):
        return plain(shown_text(b, locale, FULL))

    # the page shows "编者按：" run into the note, "Editor’s note: " with a space
    note_label = "编者按：" if locale == "zh" else "Editor’s note: "
    texts = [say(a.title), say(a.subtitle), f"{note_label}{say(a.note)}"]
    texts += [say(f.caption) for f in a.figures]
    texts += [say(b) for b in a.body]
    texts.append(say(a.quotes_heading))
    for q in a.quotes:
        texts += [say(q.text), say(q.speaker), say(q.role)]
    return texts


def test_listen_is_offered_only_where_the_browser_has_a_voice(page, console_errors):
    page.goto(ARTICLE.format("zh"))  # this Chromium's own voices, whatever they are
    expect(page.locator("[data-reading-tools]")).to_be_visible()
    page.wait_for_timeout(300)  # voices may load late
    has_zh = page.evaluate("speechSynthesis.getVoices().some(v => /^(zh|cmn)/i.test(v.lang))")
    if has_zh:
        expect(page.locator("[data-listen]")).to_be_visible()
    else:  # headless Chromium on Linux: no voices at all
        expect(page.locator("[data-listen]")).to_be_hidden()


def test_listen_stays_hidden_with_voices_for_other_languages_only(page, console_errors):
    page.add_init_script(STUB % '[{"name": "Stub English", "lang": "en-US", "default": true}]')
    page.goto(ARTICLE.format("zh"))
    expect(page.locator("[data-reading-tools]")).to_be_visible()
    expect(page.locator("[data-listen]")).to_be_hidden()
    page.goto(ARTICLE.format("en"))
    expect(page.locator("[data-listen]")).to_be_visible()


def test_listen_appears_when_voices_load_late(page, console_errors):
    page.add_init_script(STUB % "[]")
    page.goto(ARTICLE.format("zh"))
    expect(page.locator("[data-reading-tools]")).to_be_visible()
    expect(page.locator("[data-listen]")).to_be_hidden()
    page.evaluate("__speech.addVoices([{name: 'Stub Mandarin', lang: 'zh_CN', default: false}])")
    expect(page.locator("[data-listen]")).to_be_visible()


@pytest.mark.parametrize("locale, names, voice_lang", [
    ("zh", ("朗读", "暂停", "继续", "停止"), "zh-CN"),
    ("en", ("Listen", "Pause", "Resume", "Stop"), "en-GB"),
])
def test_listen_reads_the_article_in_order_with_pause_and_resume(page, console_errors, locale,
                                                                  names, voice_lang):
    listen, pause, resume, stop = names
    page.add_init_script(STUB % VOICES)
    page.goto(ARTICLE.format(locale))
    button = page.locator("[data-listen]")
    expect(button).to_be_visible()
    expect(button).to_have_accessible_name(listen)
    expect(page.locator("[data-listen-stop]")).to_be_hidden()
    button.click()
    spoken = page.evaluate("__speech.spoken")
    assert [s["text"] for s in spoken] == expected_speech(locale)
    assert {s["lang"] for s in spoken} == {voice_lang}
    assert {s["voice"] for s in spoken} == {"Stub Mandarin" if locale == "zh" else "Stub English"}
    expect(button).to_have_accessible_name(pause)
    button.click()
    expect(button).to_have_accessible_name(resume)
    button.click()
    expect(button).to_have_accessible_name(pause)
    assert page.evaluate("__speech.calls").count("pause") == 1
    assert page.evaluate("__speech.calls")[-2:] == ["pause", "resume"]
    page.get_by_role("button", name=stop).click()
    assert page.evaluate("__speech.calls")[-1] == "cancel"
    expect(button).to_have_accessible_name(listen)
    expect(page.locator("[data-listen-stop]")).to_be_hidden()


def test_listen_on_the_parallel_view_reads_the_pages_language(page, console_errors):
    page.add_init_script(STUB % VOICES)
    page.goto(f"/en/{FULL}/parallel/")
    page.locator("[data-listen]").click()
    spoken = page.evaluate("__speech.spoken")
    a = article(FULL)
    body = [plain(shown_text(b, "en", FULL)) for b in a.body]
    texts = [s["text"] for s in spoken]
    assert texts[:1] == [plain(shown_text(a.title, "en", FULL))]
    assert [t for t in texts if t in body] == body
    assert {s["lang"] for s in spoken} == {"en-GB"}


def test_listen_on_an_untranslated_parallel_view_reads_the_chinese(page, console_errors):
    """No English column to read: Listen reads what the page shows, not nothing."""
    page.add_init_script(STUB % VOICES)
    page.goto(f"/en/{UNTRANSLATED}/parallel/")
    page.locator("[data-listen]").click()
    spoken = page.evaluate("__speech.spoken")
    a = article(UNTRANSLATED)
    assert [s["text"] for s in spoken] == [a.title.text, a.subtitle.text,
                                           *(b.text for b in a.body)]
    assert {s["lang"] for s in spoken} == {"zh-CN"}  # the Mandarin voice


@pytest.mark.parametrize("seg", ["en", "zh", "zh-hant"])
@pytest.mark.parametrize("width", [320, 360, 390, 412])
def test_listen_appearing_late_moves_nothing_on_a_phone(page, console_errors, seg, width):
    """Voices load late (Chrome fires `voiceschanged` after the page is shown): Listen then
    appears beside “Display settings”, and the reading time, the buttons and everything below
    stay where they were (CLS 0), at every phone width and in every language."""
    page.set_viewport_size({"width": width, "height": 844})
    page.add_init_script(STUB % "[]")
    page.goto(ARTICLE.format(seg))
    expect(page.locator("[data-reading-tools]")).to_be_visible()
    expect(page.locator("[data-listen]")).to_be_hidden()
    where = """() => ['.reading-time', '[data-comfort-toggle]', '.reading-meta + *']
      .map((s) => { const r = document.querySelector(s).getBoundingClientRect();
                    return [s, Math.round(r.top), Math.round(r.bottom)]; })"""
    before = page.evaluate(where)
    page.evaluate(f"__speech.addVoices({VOICES})")
    expect(page.locator("[data-listen]")).to_be_visible()
    assert page.evaluate(where) == before, seg
    assert page.evaluate("document.documentElement.scrollWidth") == width

"""The parallel view (中英对照): every block in Chinese then English, paired by id, each with its
own ``lang``. A block without English shows its source once beside an empty English cell; the
page says once, at the top, how much is translated."""

from __future__ import annotations

import re

import pytest

from tests.helpers import (markup, BASE, FULL, PARTIAL, SEGMENTS, TAGS, UNTRANSLATED, article,
                           main_of, parse_page, plain, translation)
from webapp.locales import LOCALES, SECOND_LOCALE, SOURCE_LOCALE


def chinese_locale(ui: str) -> str:
    """The Chinese column's locale on a parallel page of UI locale ``ui``: the reader's own
    script on a Traditional page, the Simplified source otherwise."""
    return "zh_Hant" if ui == "zh_Hant" else SOURCE_LOCALE


def chinese_text(block, ui: str) -> str:
    """What the Chinese column shows for ``block`` on a parallel page of UI locale ``ui``."""
    if chinese_locale(ui) == SOURCE_LOCALE:
        return block.text
    return translation(block, "zh_Hant", FULL)


def units(a) -> list[tuple[str, list]]:
    """Reading units in order, as rows: (row id, the blocks shown in that row)."""
    rows = [(a.title.id, [a.title])]
    if a.subtitle:
        rows.append((a.subtitle.id, [a.subtitle]))
    if a.authors:
        rows.append(("byline", list(a.authors)))
    if a.note:
        rows.append((a.note.id, [a.note]))
    rows += [(f.caption.id, [f.caption]) for f in a.figures]
    rows += [(b.id, [b]) for b in a.body]
    if a.quotes_heading:
        rows.append((a.quotes_heading.id, [a.quotes_heading]))
    rows += [(q.id, [q.text, q.speaker, q.role]) for q in a.quotes]
    return rows


def position(page: str, element_id: str) -> int:
    found = page.find(f'id="{element_id}"')
    assert found >= 0, f"no element with id {element_id!r}"
    return found


def notices(page: str) -> list[str]:
    return re.findall(r'<p class="translation-status" role="note">([^<]*)</p>', page)


def credits(page: str) -> list[str]:
    return re.findall(r'<p class="translation-credit">([^<]*)</p>', page)


@pytest.mark.parametrize("ui", list(LOCALES))
def test_every_block_in_both_languages_in_order(client, ui):
    resp = client.get(f"/{SEGMENTS[ui]}/{FULL}/parallel/")
    assert resp.status_code == 200
    page = markup(resp.get_data(as_text=True))
    assert f'<html lang="{TAGS[ui]}" ' in page
    parsed = parse_page(page)
    a = article(FULL)
    shown = [b for _, blocks in units(a) for b in blocks]
    assert {b.id for b in shown} | {"byline-label"} == {b.id for b in a.blocks if b.kind != "alt"}
    last = -1
    for row_id, blocks in units(a):
        row = position(page, row_id)
        assert row > last, f"row {row_id} out of order"
        for block in blocks:
            zh, en = parsed.by_id[f"{block.id}-zh"], parsed.by_id[f"{block.id}-en"]
            assert zh["text"] == plain(chinese_text(block, ui)), block.id
            assert zh["lang_in"] == TAGS[chinese_locale(ui)]
            assert en["text"] == plain(translation(block, "en", FULL)), block.id
            assert en["lang_in"] == "en"
        # within a row: all Chinese cells, then all English cells (the columns)
        zh_last = max(position(page, f"{b.id}-zh") for b in blocks)
        en_first = min(position(page, f"{b.id}-en") for b in blocks)
        assert row < zh_last < en_first, row_id
        last = max(position(page, f"{b.id}-en") for b in blocks)
    assert "parallel-missing" not in page and notices(page) == []
    assert page.count("<h1") == 1


def test_labels_inside_each_column_are_in_that_columns_language(client):
    page = client.get(f"/en/{FULL}/parallel/").get_data(as_text=True)
    note = page.split('class="note prow prow--note"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'lang="([^"]+)"><strong class="note-label">([^<]+)</strong>', note) == \
        [("zh-Hans", "编者按："), ("en", "Editor’s note:")]
    assert credits(page) == ["Translated from the Chinese original by the Jintan Reader team."]


def test_pairs_use_named_locales():
    assert (SOURCE_LOCALE, SECOND_LOCALE) == ("zh", "en")


# what the English cell of a passage without English says (README), in the page's language;
# hidden from screen readers, which hear it once in the note at the top
NO_ENGLISH = {"en": "No English translation yet", "zh": "暂无英文译文"}


@pytest.mark.parametrize("ui", ["zh", "en"])
def test_a_partly_translated_article_says_no_english_yet_in_the_english_cell(client, ui):
    page = client.get(f"/{ui}/{PARTIAL}/parallel/").get_data(as_text=True)
    parsed = parse_page(page)
    a = article(PARTIAL)
    missing = [a.body[1], a.body[2]]  # fuzzy (its source changed) and empty
    for block in missing:
        assert main_of(page).count(f">{block.text}<") == 1, block.id  # the source, once
        assert parsed.by_id[f"{block.id}-zh"]["lang_in"] == "zh-Hans"
        assert f"{block.id}-en" not in parsed.by_id
        row = page.split(f'id="{block.id}"', 1)[1].split("</div>", 1)[0]
        empty = re.findall(r'<p class="([^"]*parallel-missing[^"]*)" aria-hidden="true">([^<]*)</p>', row)
        assert empty == [("pcell pcell--en parallel-missing", NO_ENGLISH[ui])]
    # a quote whose text has no English: its English cell is empty too, whole
    quote = a.quotes[1]
    row = page.split(f'id="{quote.id}"', 1)[1].split('<div class="prow', 1)[0]
    assert f'<div class="pcell pcell--en parallel-missing" aria-hidden="true">{NO_ENGLISH[ui]}</div>' in row
    assert f"{quote.text.id}-en" not in parsed.by_id
    # the rows around keep their own English: pairing is by id, nothing shifted
    for block in (a.body[0], a.body[3], a.quotes[0].text):
        assert parsed.by_id[f"{block.id}-en"]["text"] == translation(block, "en", PARTIAL)
    said = {"en": ["10 of 14 paragraphs are translated into English; the others are shown in "
                   "Chinese only."],
            "zh": ["全文共 14 段，已有 10 段译成英文，其余仅显示中文。"]}
    assert notices(page) == said[ui]  # once, at the top
    assert position(page, "p-88e08c7e") > page.find('class="translation-status"')
    assert credits(page) == {
        "en": ["The English paragraphs were translated from the Chinese original by the Jintan "
               "Reader team."],
        "zh": ["英文段落由金坛阅读团队根据中文原文翻译。"]}[ui]


def test_an_untranslated_article_shows_its_source_once_and_is_not_indexed(client):
    page = client.get(f"/en/{UNTRANSLATED}/parallel/").get_data(as_text=True)
    parsed = parse_page(page)
    for block in article(UNTRANSLATED).blocks:
        assert main_of(page).count(f">{block.text}<") == 1 and f"{block.id}-zh" in parsed.by_id
        assert f"{block.id}-en" not in parsed.by_id
    assert notices(page) == ["This article has not been translated into English yet, so only "
                             "the Chinese original is shown."]
    assert credits(page) == []
    assert '<meta name="robots" content="noindex">' in page and 'rel="canonical"' not in page
    legend = page.split('class="parallel-legend"', 1)[1].split("</p>", 1)[0]
    assert "简体" in legend and "English" not in legend


@pytest.mark.parametrize("ui", list(LOCALES))
def test_canonical_alternates_and_switcher(client, ui):
    seg = SEGMENTS[ui]
    page = client.get(f"/{seg}/{FULL}/parallel/").get_data(as_text=True)
    # its own canonical, and a cluster of its own: the parallel page in each UI locale
    assert f'<link rel="canonical" href="{BASE}/{seg}/{FULL}/parallel/">' in page
    for info in LOCALES.values():
        assert (f'<link rel="alternate" hreflang="{info.tag}" '
                f'href="{BASE}/{info.segment}/{FULL}/parallel/">') in page
    assert f'hreflang="x-default" href="{BASE}/zh/{FULL}/parallel/"' in page
    switcher = page.split('<nav class="switcher"', 1)[1].split("</nav>", 1)[0]
    # the languages lead back to the single-language article; the parallel option is current
    for info in LOCALES.values():
        assert f'href="/{info.segment}/{FULL}/" hreflang="{info.tag}"' in switcher
    assert switcher.count('aria-current="page"') == 1
    current = re.search(r'<a href="([^"]+)"[^>]*aria-current="page"', switcher)
    assert current.group(1) == f"/{seg}/{FULL}/parallel/"
    assert SIDE_BY_SIDE[ui] in switcher


SIDE_BY_SIDE = {"zh": "中英对照", "en": "Side by side", "zh_Hant": "中英對照"}


@pytest.mark.parametrize("ui", list(LOCALES))
def test_the_article_links_to_its_parallel_view(client, ui):
    seg = SEGMENTS[ui]
    page = client.get(f"/{seg}/{FULL}/").get_data(as_text=True)
    switcher = page.split('<nav class="switcher"', 1)[1].split("</nav>", 1)[0]
    link = re.search(r'<a href="([^"]+)" class="switcher-parallel"[^>]*>([^<]+)</a>', switcher)
    assert link.group(1) == f"/{seg}/{FULL}/parallel/"
    assert "aria-current" not in link.group(0)
    assert link.group(2) == SIDE_BY_SIDE[ui]
    # the front page has no article to pair: no parallel option there
    assert "switcher-parallel" not in client.get(f"/{seg}/").get_data(as_text=True)


def test_unknown_article_has_no_parallel_view(client):
    assert client.get("/en/no-such-story/parallel/").status_code == 404


def test_the_traditional_view_pairs_traditional_chinese_with_english(client):
    """A reader who chose 繁體 gets Traditional beside the English (issue 24): not one
    Simplified character in the Chinese column, its labels and legend in Traditional, and
    the Simplified view keeps its own URL and script."""
    hant = client.get(f"/zh-hant/{FULL}/parallel/").get_data(as_text=True)
    hans = client.get(f"/zh/{FULL}/parallel/").get_data(as_text=True)
    a = article(FULL)
    parsed = parse_page(hant)
    converted = [b for b in a.blocks if b.kind != "alt" and b.id != "byline-label"
                 and translation(b, "zh_Hant", FULL) != b.text]
    assert converted  # the fixture has text that differs between the scripts
    for b in converted:
        assert parsed.by_id[f"{b.id}-zh"]["text"] == plain(translation(b, "zh_Hant", FULL))
        assert plain(b.text) not in parsed.by_id[f"{b.id}-zh"]["text"]
        assert parse_page(hans).by_id[f"{b.id}-zh"]["text"] == plain(b.text)
    legend = hant.split('class="parallel-legend"', 1)[1].split("</p>", 1)[0]
    assert re.findall(r'lang="([^"]+)">([^<]+)<', legend) == [("zh-Hant", "繁體"), ("en", "English")]
    note = hant.split('class="note prow prow--note"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'lang="([^"]+)"><strong class="note-label">([^<]+)</strong>', note) == \
        [("zh-Hant", "編者按："), ("en", "Editor’s note:")]
    # both columns say where they come from: the English translated, the Traditional converted
    assert credits(hant) == ["本文英文版由金壇閱讀團隊據中文原文翻譯。", "本文繁體中文版由簡體中文原文轉換而成。"]
    assert credits(hans) == ["本文英文版由金坛阅读团队据中文原文翻译。"]


def test_a_traditional_cell_without_a_conversion_falls_back_to_the_source_marked(site_copy):
    """A block the zh_Hant catalog lacks shows the Simplified source, marked zh-Hans, never an
    empty Chinese cell."""
    po = site_copy.po("zh_Hant", FULL)
    block = site_copy.article(FULL).body[0]
    hant = translation(block, "zh_Hant", FULL)
    text = po.read_text("utf-8")
    assert text.count(f'msgstr "{hant}"') == 1
    po.write_text(text.replace(f'msgstr "{hant}"', 'msgstr ""'), "utf-8")
    page = site_copy.app().test_client().get(f"/zh-hant/{FULL}/parallel/").get_data(as_text=True)
    cell = parse_page(page).by_id[f"{block.id}-zh"]
    assert cell["text"] == plain(block.text) and cell["lang_in"] == "zh-Hans"


def test_each_scripts_view_is_saved_listed_and_in_the_sitemap(client):
    """The Traditional view is among the pages "Save to read offline" keeps, from every
    article page, and in the sitemap with its hreflang cluster."""
    want = f"/zh-hant/{FULL}/parallel/"
    for seg in SEGMENTS.values():
        page = client.get(f"/{seg}/{FULL}/").get_data(as_text=True)
        urls = re.search(r'data-urls="([^"]*)"', page).group(1).split()
        assert want in urls and f"/zh/{FULL}/parallel/" in urls, seg
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    if "<sitemapindex" in sitemap:
        sitemap = "".join(client.get(loc.replace(BASE, "")).get_data(as_text=True)
                          for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap))
    assert f"<loc>{BASE}{want}</loc>" in sitemap


@pytest.mark.parametrize("seg", ["zh", "zh-hant", "en"])
def test_no_space_after_a_full_width_colon_in_the_note_label(client, seg):
    seen = set()
    for path in (f"/{seg}/{FULL}/", f"/{seg}/{FULL}/parallel/"):
        page = client.get(path).get_data(as_text=True)
        for label, after in re.findall(r'<strong class="note-label">([^<]+)</strong>(.)', page):
            seen.add(label)
            assert after == ("<" if label.endswith("：") else " "), (path, label, after)
    assert seen & {"编者按：", "編者按："} and (seg != "en" or "Editor’s note:" in seen)

"""The parallel view (中英对照): every block in Chinese then English, paired by id, each with
its own ``lang``; a block without English shows its source once, marked."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po, write_po

from tests.conftest import SEED_SLUG
from tests.helpers import english_catalog, parse_page, seed_article
from tests.test_translations import pybabel
from webapp.i18n import LOCALES, SOURCE_LOCALE
from webapp.parallel import SECOND_LOCALE

PARALLEL = f"/{{}}/{SEED_SLUG}/parallel/"
BASE = "http://localhost"


def units(article) -> list[tuple[str, list]]:
    """Reading units in order, as rows: (row id, the blocks shown in that row)."""
    rows = [(article.title.id, [article.title])]
    if article.subtitle:
        rows.append((article.subtitle.id, [article.subtitle]))
    if article.authors:
        rows.append(("byline", [b for b in (article.byline_label,) if b] + list(article.authors)))
    if article.note:
        rows.append((article.note.id, [article.note]))
    rows += [(f.caption.id, [f.caption]) for f in article.figures]
    rows += [(b.id, [b]) for b in article.body]
    if article.quotes_heading:
        rows.append((article.quotes_heading.id, [article.quotes_heading]))
    rows += [(q.id, [q.text, q.speaker, q.role]) for q in article.quotes]
    return rows


def position(page: str, element_id: str) -> int:
    found = page.find(f'id="{element_id}"')
    assert found >= 0, f"no element with id {element_id!r}"
    return found


@pytest.mark.parametrize("ui", list(LOCALES))
def test_every_block_in_both_languages_in_order(client, ui):
    resp = client.get(PARALLEL.format(LOCALES[ui].segment))
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert f'<html lang="{LOCALES[ui].tag}">' in page
    parsed = parse_page(page)
    catalog = english_catalog()
    article = seed_article()
    shown = [b for _, blocks in units(article) for b in blocks]
    assert {b.id for b in shown} == {b.id for b in article.blocks if b.kind != "alt"}
    last = -1
    for row_id, blocks in units(article):
        row = position(page, row_id)
        assert row > last, f"row {row_id} out of order"
        for block in blocks:
            zh, en = parsed.by_id[f"{block.id}-zh"], parsed.by_id[f"{block.id}-en"]
            assert zh["text"] == block.text, block.id
            assert zh["attrs"]["lang"] == "zh-Hans"
            english = catalog.get(block.text, context=block.msgctxt).string
            assert en["text"] == english, block.id
            assert en["attrs"]["lang"] == "en"
        # within a row: all Chinese cells, then all English cells (the columns)
        zh_last = max(position(page, f"{b.id}-zh") for b in blocks)
        en_first = min(position(page, f"{b.id}-en") for b in blocks)
        assert row < zh_last < en_first, row_id
        last = max(position(page, f"{b.id}-en") for b in blocks)
    assert "parallel-missing" not in page  # the seed is fully translated
    assert page.count("<h1") == 1


def test_pairs_use_named_locales():
    assert (SOURCE_LOCALE, SECOND_LOCALE) == ("zh", "en")


@pytest.mark.parametrize("ui", ["zh", "en"])
def test_canonical_alternates_and_switcher(client, ui):
    page = client.get(PARALLEL.format(ui)).get_data(as_text=True)
    # its own canonical, and a cluster of its own: the parallel page in each UI locale
    assert f'<link rel="canonical" href="{BASE}/{ui}/{SEED_SLUG}/parallel/">' in page
    for info in LOCALES.values():
        assert (f'<link rel="alternate" hreflang="{info.tag}" '
                f'href="{BASE}/{info.segment}/{SEED_SLUG}/parallel/">') in page
    assert f'hreflang="x-default" href="{BASE}/zh/{SEED_SLUG}/parallel/"' in page
    switcher = page.split('<nav class="switcher"', 1)[1].split("</nav>", 1)[0]
    # the languages lead back to the single-language article; the parallel option is current
    for info in LOCALES.values():
        assert f'href="/{info.segment}/{SEED_SLUG}/" hreflang="{info.tag}"' in switcher
    assert switcher.count('aria-current="page"') == 1
    current = re.search(r'<a href="([^"]+)"[^>]*aria-current="page"', switcher)
    assert current.group(1) == f"/{ui}/{SEED_SLUG}/parallel/"
    assert ("中英对照" if ui == "zh" else "Side by side") in current.group(0) + switcher


@pytest.mark.parametrize("ui", ["zh", "en"])
def test_the_article_links_to_its_parallel_view(client, ui):
    page = client.get(f"/{ui}/{SEED_SLUG}/").get_data(as_text=True)
    switcher = page.split('<nav class="switcher"', 1)[1].split("</nav>", 1)[0]
    link = re.search(r'<a href="([^"]+)" class="switcher-parallel"[^>]*>([^<]+)</a>', switcher)
    assert link.group(1) == f"/{ui}/{SEED_SLUG}/parallel/"
    assert "aria-current" not in link.group(0)
    assert link.group(2) == ("中英对照" if ui == "zh" else "Side by side")
    # the front page has no article to pair: no parallel option there
    assert "switcher-parallel" not in client.get(f"/{ui}/").get_data(as_text=True)


def test_unknown_article_has_no_parallel_view(client):
    assert client.get("/en/no-such-story/parallel/").status_code == 404


@pytest.mark.parametrize("how", ["fuzzy", "missing"])
def test_a_block_without_english_shows_its_source_once_marked(translations_copy, make_app, how):
    article = seed_article()
    para, quote = article.body[2], article.quotes[1].text
    po = translations_copy / "en/LC_MESSAGES/article.po"
    with po.open("rb") as fh:
        cat = read_po(fh)
    for block in (para, quote):
        if how == "fuzzy":
            cat.get(block.text, context=block.msgctxt).flags.add("fuzzy")
        else:
            cat.delete(block.text, context=block.msgctxt)
    with po.open("wb") as fh:
        write_po(fh, cat, width=0)
    pybabel("compile", "-D", "article", "-d", str(translations_copy))
    client = make_app(TRANSLATIONS_DIR=str(translations_copy)).test_client()
    for ui, note in (("en", "No English translation yet"), ("zh", "暂无英文译文")):
        page = client.get(PARALLEL.format(ui)).get_data(as_text=True)
        parsed = parse_page(page)
        for block in (para, quote):
            assert page.count(block.text) == 1, (ui, block.id)  # the source, once
            assert parsed.by_id[f"{block.id}-zh"]["attrs"]["lang"] == "zh-Hans"
            assert f"{block.id}-en" not in parsed.by_id
        row = page.split(f'id="{para.id}"', 1)[1].split("</div>", 1)[0]
        assert "parallel-missing" in row and note in row
        # the other rows keep their own English: pairing is by id, nothing shifted
        after = article.body[3]
        english = english_catalog().get(after.text, context=after.msgctxt).string
        assert parsed.by_id[f"{after.id}-en"]["text"] == english

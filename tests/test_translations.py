"""The newsroom's gettext cycle: extract, update (fuzzy), compile, fallback to the source."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.conftest import SEED_SLUG
from tests.helpers import parse_page, seed_article
from webapp.catalogs import article_catalog_problems
from webapp.config import ROOT

PYBABEL = [sys.executable, "-m", "babel.messages.frontend"]


def pybabel(*args, cwd=ROOT):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([*PYBABEL, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, check=True)


def extract_articles(content_dir: Path, out: Path):
    pybabel("extract", "-F", str(ROOT / "babel.cfg"), "--no-wrap", "-o", str(out), str(content_dir))
    with out.open("rb") as fh:
        return read_po(fh)


def test_extract_puts_every_block_in_the_article_template(tmp_path):
    pot = extract_articles(ROOT / "content", tmp_path / "article.pot")
    blocks = seed_article().blocks
    assert len([m for m in pot if m.id]) == len(blocks) == 41
    for block in blocks:
        msg = pot.get(block.text, context=block.msgctxt)
        assert msg is not None, block.id
        assert msg.locations == [(f"content/{SEED_SLUG}.md", block.line)] or \
               msg.locations[0][1] == block.line
        assert msg.auto_comments  # the translator is told what the block is


def test_ui_strings_go_to_their_own_domain_and_are_all_translated(tmp_path):
    out = tmp_path / "messages.pot"
    pybabel("extract", "-F", "babel.cfg", "--no-wrap", "-k", "lazy_gettext", "-o", str(out),
            "webapp", "templates")
    with out.open("rb") as fh:
        pot = read_po(fh)
    ids = {m.id for m in pot if m.id}
    assert "Skip to content" in ids and not any("小城市" in i for i in ids)
    for locale in ("zh", "zh_Hant"):
        with (ROOT / f"translations/{locale}/LC_MESSAGES/messages.po").open("rb") as fh:
            catalog = read_po(fh)
        for msgid in ids:
            msg = catalog.get(msgid)
            assert msg and msg.string and not msg.fuzzy, f"{locale} UI string missing: {msgid!r}"


def test_the_english_catalog_is_complete_and_not_fuzzy():
    assert article_catalog_problems(ROOT / "content", ROOT / "translations") == []


def test_catalog_check_reports_fuzzy_and_empty_entries(translations_copy):
    po = translations_copy / "en/LC_MESSAGES/article.po"
    with po.open("rb") as fh:
        cat = read_po(fh)
    blocks = seed_article().blocks
    cat.get(blocks[0].text, context=blocks[0].msgctxt).flags.add("fuzzy")
    cat.get(blocks[5].text, context=blocks[5].msgctxt).string = ""
    from babel.messages.pofile import write_po
    with po.open("wb") as fh:
        write_po(fh, cat)
    problems = article_catalog_problems(ROOT / "content", translations_copy)
    assert len(problems) == 2
    assert "fuzzy translation for jintan-new-energy/title" in problems[0]
    assert "empty translation" in problems[1] and str(po) in problems[1]


def test_an_edited_paragraph_turns_fuzzy_and_shows_chinese_until_reviewed(
        tmp_path, content_copy, translations_copy, make_app):
    """Edit one paragraph, run the newsroom's update + compile: only that block falls back."""
    article = content_copy / f"{SEED_SLUG}.md"
    edited = seed_article().body[1]
    new_text = edited.text.replace("这不是一句空洞口号", "这绝不是一句空洞口号")
    article.write_text(article.read_text("utf-8").replace(edited.text, new_text), "utf-8")
    pot = tmp_path / "article.pot"
    extract_articles(content_copy, pot)
    for _ in range(2):  # the newsroom runs `make translations` again: the old source stays
        subprocess.run([sys.executable, "-m", "webapp.catalogs", "update", "--no-wrap",
                        "--previous", "-D", "article", "-i", str(pot), "-d",
                        str(translations_copy), "-l", "en"], cwd=ROOT, check=True,
                       capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    pybabel("compile", "-D", "article", "-d", str(translations_copy))
    with (translations_copy / "en/LC_MESSAGES/article.po").open("rb") as fh:
        cat = read_po(fh)
    fuzzy = [m for m in cat if m.id and m.fuzzy]
    assert [m.id for m in fuzzy] == [new_text]
    po_text = (translations_copy / "en/LC_MESSAGES/article.po").read_text("utf-8")
    previous = [l for l in po_text.splitlines() if l.startswith("#|")]
    assert previous == [f'#| msgid "{edited.text}"']  # Poedit shows the translator what changed
    assert "# |" not in po_text

    app = make_app(CONTENT_DIR=str(content_copy), TRANSLATIONS_DIR=str(translations_copy))
    page = app.test_client().get(f"/en/{SEED_SLUG}/").get_data(as_text=True)
    parsed = parse_page(page)
    from webapp.content import load_articles
    new_article = load_articles(content_copy)[SEED_SLUG]
    for block in new_article.blocks:
        el = parsed.by_id[block.id]
        if block.text == new_text:
            assert el["attrs"].get("lang") == "zh-Hans" and new_text in el["text"]
        else:
            assert "lang" not in el["attrs"], block.id
    assert page.count("<p id=\"p-") == 12  # no paragraph dropped


def test_without_any_english_catalog_every_block_shows_marked_chinese(tmp_path, make_app):
    app = make_app(TRANSLATIONS_DIR=str(tmp_path / "empty"))
    page = app.test_client().get(f"/en/{SEED_SLUG}/").get_data(as_text=True)
    parsed = parse_page(page)
    for block in seed_article().blocks:
        assert block.text in parsed.by_id[block.id]["text"]
    assert page.count('lang="zh-Hans" data-untranslated') >= 30


def test_percent_and_markup_in_translations_are_text_not_format_or_html(tmp_path, translations_copy, make_app):
    po = translations_copy / "en/LC_MESSAGES/article.po"
    with po.open("rb") as fh:
        cat = read_po(fh)
    title = seed_article().title
    cat.get(title.text, context=title.msgctxt).string = "Growth of 40% <script>alert(1)</script> %(x)s"
    from babel.messages.pofile import write_po
    with po.open("wb") as fh:
        write_po(fh, cat)
    pybabel("compile", "-D", "article", "-d", str(translations_copy))
    app = make_app(TRANSLATIONS_DIR=str(translations_copy))
    page = app.test_client().get(f"/en/{SEED_SLUG}/").get_data(as_text=True)
    assert "Growth of 40% &lt;script&gt;alert(1)&lt;/script&gt; %(x)s" in page
    assert "<script>alert" not in page

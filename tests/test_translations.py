"""The newsroom's gettext cycle, one catalog per article (Sphinx layout): extract, msgmerge
(fuzzy with the previous msgid), OpenCC for zh_Hant, compile in the release build, and the
reader's view of each step: an untranslated or changed block shows its Chinese, marked."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from tests.helpers import (FIXTURE_CONTENT, FIXTURE_SLUGS, FULL, PARTIAL, UNTRANSLATED, article,
                           catalogs_command, main_of, parse_page, plain, pybabel, read_catalog,
                           translation, write_catalog)
from webapp.publish.build import BuildError
from webapp.config import ROOT
from webapp.desk.hant import convert
from webapp.locales import LOCALES
from webapp import contract

NOTICE = re.compile(r'<p class="translation-status" role="note">([^<]*)</p>')


def po_files(site) -> dict:
    return {p: p.read_bytes() for p in sorted(site.translations.rglob("*.po"))}


def test_extract_puts_every_block_in_the_template_with_context_line_and_note(tmp_path):
    out = tmp_path / "articles.pot"
    pybabel("extract", "-F", str(ROOT / "babel.cfg"), "--no-wrap", "-o", str(out),
            str(FIXTURE_CONTENT))
    with out.open("rb") as fh:
        pot = read_po(fh)
    blocks = [b for slug in FIXTURE_SLUGS for b in article(slug).blocks]
    assert len([m for m in pot if m.id]) == len(blocks)
    for block in blocks:
        msg = pot.get(block.text, context=block.msgctxt)
        assert msg is not None, block.msgctxt
        assert msg.locations[0][1] == block.line
        assert msg.auto_comments  # the translator is told what the block is


def test_each_article_has_its_own_catalog_and_its_own_template(site_copy):
    proc = catalogs_command(site_copy.config(), "update", "--no-ui")
    assert proc.returncode == 0, proc.stderr
    gettext = site_copy.build_dir / "gettext" / "articles"
    assert sorted(p.stem for p in gettext.glob("*.pot")) == sorted(FIXTURE_SLUGS)
    for slug in FIXTURE_SLUGS:
        for locale in ("en", "zh_Hant"):
            catalog = read_catalog(site_copy.po(locale, slug), locale)
            assert {m.context.split("/")[0] for m in catalog if m.id} == {slug}


def test_the_cycle_changes_nothing_when_nothing_changed(site_copy):
    """The fixture catalogs are what the cycle gives; running it again rewrites no file (the
    content is read where it was when the catalogs were made: locations name it)."""
    before = po_files(site_copy)
    config = site_copy.config(CONTENT_DIR=str(FIXTURE_CONTENT))
    for _ in range(2):
        proc = catalogs_command(config, "update", "--no-ui")
        assert proc.returncode == 0, proc.stderr
        assert po_files(site_copy) == before


def test_publishing_one_article_touches_its_own_catalogs_only(site_copy):
    catalogs_command(site_copy.config(), "update", "--no-ui")
    before = po_files(site_copy)
    (site_copy.content / "new-story.md").write_text(
        "---\ntitle: 新的报道\npublished: 2026-04-01\n---\n\n第一段。\n", "utf-8")
    proc = catalogs_command(site_copy.config(), "update", "--no-ui")
    assert proc.returncode == 0, proc.stderr
    after = po_files(site_copy)
    assert sorted(set(after) - set(before)) == [site_copy.po("en", "new-story"),
                                               site_copy.po("zh_Hant", "new-story")]
    assert {p: after[p] for p in before} == before
    assert all("new-story" in line for line in proc.stdout.splitlines())
    hant = read_catalog(site_copy.po("zh_Hant", "new-story"), "zh_Hant")
    assert hant.get("新的报道", context="new-story/title").string == convert("新的报道")
    english = read_catalog(site_copy.po("en", "new-story"), "en")
    assert [m.string for m in english if m.id] == ["", ""]  # waiting for the translator
    # and the new article is on the site at once, in Chinese everywhere
    page = site_copy.app().test_client().get("/en/new-story/").get_data(as_text=True)
    assert '<h1 id="title" lang="zh-Hans" data-untranslated>新的报道</h1>' in page


def test_broken_articles_are_all_named_and_no_catalog_changes(site_copy):
    """Like `make release`, `make translations` names every broken article at once (file and
    line), and writes no catalog until they are fixed."""
    catalogs_command(site_copy.config(), "update", "--no-ui")
    before = po_files(site_copy)
    (site_copy.content / "new-story.md").write_text(
        "---\ntitle: 新的报道\npublished: 2026-04-01\n---\n\n第一段。\n", "utf-8")
    (site_copy.content / "bad-date.md").write_text(
        "---\ntitle: 日期\npublished: 2026-02-30\n---\n\n正文。\n", "utf-8")
    (site_copy.content / "legacy.md").write_bytes("---\ntitle: 标题\n---\n\n正文。\n".encode("gbk"))
    proc = catalogs_command(site_copy.config(), "update", "--no-ui")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert "no catalog changed" in proc.stderr
    assert f"{site_copy.content / 'bad-date.md'}:3: " in proc.stderr
    assert f"{site_copy.content / 'legacy.md'}:2: not valid UTF-8" in proc.stderr
    assert po_files(site_copy) == before      # not even the good new article's


def test_untranslated_names_are_joined_as_chinese_writes_them(site_copy):
    """Before the translator gets to it, an English page's byline shows the Chinese names,
    separated as Chinese separates them, not with an English "and" between them."""
    (site_copy.content / "two-authors.md").write_text(
        "---\ntitle: 两位记者\nbyline:\n  label: 记者\n  authors: [张三, 李四]\npublished: 2026-04-01\n---\n\n正文。\n",
        "utf-8")
    catalogs_command(site_copy.config(), "update", "--no-ui")
    page = site_copy.app().test_client().get("/en/two-authors/").get_data(as_text=True)
    byline = parse_page(page).by_id["byline"]["text"]
    assert "张三" in byline and "李四" in byline and " and " not in byline, byline


def test_ui_strings_go_to_their_own_domain_and_are_all_translated(tmp_path):
    out = tmp_path / "messages.pot"
    pybabel("extract", "-F", "babel.cfg", "--no-wrap", "-k", "lazy_gettext", "-o", str(out),
            "webapp", "templates")
    with out.open("rb") as fh:
        pot = read_po(fh)
    ids = {m.id for m in pot if m.id}
    assert "Skip to content" in ids and "(not yet translated)" in ids
    assert not any(re.search("[\u4e00-\u9fff]", i if isinstance(i, str) else i[0]) for i in ids)
    for locale in ("zh", "zh_Hant"):
        catalog = read_catalog(ROOT / f"translations/{locale}/LC_MESSAGES/messages.po", locale)
        missing = [msgid for msgid in ids if not (
            (msg := catalog.get(msgid)) and all(msg.string if isinstance(msg.string, tuple)
                                                 else [msg.string]) and not msg.fuzzy)]
        assert missing == [], f"{locale} UI strings without a translation: {missing}"


def test_catalog_check_names_every_gap_by_file_and_line(site_copy):
    proc = catalogs_command(site_copy.config(), "check")
    assert proc.returncode == 1
    a = article(PARTIAL)
    en = site_copy.po("en", PARTIAL)
    expected = [f"{en}:", f"fuzzy translation for {a.body[1].msgctxt}",
                f"empty translation for {a.body[2].msgctxt}",
                f"empty translation for {a.quotes[1].text.msgctxt}",
                f"{site_copy.po('en', UNTRANSLATED)}:",
                f"empty translation for {article(UNTRANSLATED).title.msgctxt}"]
    for part in expected:
        assert part in proc.stderr, part
    assert re.search(rf"{re.escape(str(en))}:\d+: coverage: fuzzy translation", proc.stderr)
    assert FULL not in proc.stderr  # a complete article is not reported
    for slug in (PARTIAL, UNTRANSLATED):
        (site_copy.content / f"{slug}.md").unlink()
        for locale in ("en", "zh_Hant"):
            site_copy.po(locale, slug).unlink()
    assert catalogs_command(site_copy.config(), "check").returncode == 0


def test_an_edited_paragraph_turns_fuzzy_and_shows_chinese_until_reviewed(site_copy):
    """An editor changes one paragraph; `make translations` runs (twice: the second run keeps
    the previous source); the English page shows that one paragraph in Chinese, marked, until
    a translator reviews it; the release after the review shows the English again."""
    old = article(FULL).body[2]
    new_text = old.text.replace("夜间表演", "夜间灯光表演")
    site_copy.edit(FULL, old.text, new_text)
    for _ in range(2):
        proc = catalogs_command(site_copy.config(), "update", "--no-ui")
        assert proc.returncode == 0, proc.stderr
    po = site_copy.po("en", FULL)
    catalog = read_catalog(po, "en")
    fuzzy = [m for m in catalog if m.id and m.fuzzy]
    assert [m.id for m in fuzzy] == [new_text]
    assert fuzzy[0].string == translation(old, "en", FULL)  # the old translation, to revise
    # Poedit shows the translator what changed: the previous source (msgmerge --previous)
    entry = po.read_text("utf-8").split(f'msgid "{new_text}"', 1)[0].rsplit("\n\n", 1)[1]
    assert f'#| msgid "{old.text}"' in entry and "#, fuzzy" in entry
    hant = read_catalog(site_copy.po("zh_Hant", FULL), "zh_Hant")
    edited = site_copy.article(FULL).body[2]
    assert hant.get(new_text, context=edited.msgctxt).string == \
        "龍舟節已經舉辦了**二十年**，今年首次加入夜間燈光表演。"

    app = site_copy.app()
    page = app.test_client().get(f"/en/{FULL}/").get_data(as_text=True)
    parsed = parse_page(page)
    for block in site_copy.article(FULL).blocks:
        if block.kind == "alt":
            continue
        el = parsed.by_id[block.id]
        if block.id == edited.id:
            assert el["attrs"].get("lang") == "zh-Hans" and plain(new_text) in el["text"]
        else:
            assert el["lang_in"] == "en", block.id
    assert NOTICE.findall(page) == ["Some paragraphs of this article are not translated yet; they "
                                    "are shown in the Chinese original."]
    parallel = app.test_client().get(f"/en/{FULL}/parallel/").get_data(as_text=True)
    row = parallel.split(f'id="{edited.id}"', 1)[1].split("</div>", 1)[0]
    assert "parallel-missing" in row

    # the translator reviews the entry: the next release shows English again
    msg = catalog.get(new_text, context=edited.msgctxt)
    msg.string = ("The festival has run for **twenty years**; "
                  "this year it added evening light shows.")
    msg.flags.discard("fuzzy")
    write_catalog(po, catalog)
    page = site_copy.app().test_client().get(f"/en/{FULL}/").get_data(as_text=True)
    assert "added evening light shows" in page and "data-untranslated" not in page
    assert NOTICE.findall(page) == []


def test_without_any_english_catalog_every_block_shows_marked_chinese(site_copy):
    site_copy.po("en", FULL).unlink()
    page = site_copy.app().test_client().get(f"/en/{FULL}/").get_data(as_text=True)
    parsed = parse_page(page)
    for block in article(FULL).blocks:
        if block.kind != "alt":
            el = parsed.by_id[block.id]
            assert plain(block.text) in el["text"], block.id
            text_langs = el["text_langs"] - {"en"} if block.kind == "note" else el["text_langs"]
            assert text_langs == {"zh-Hans"}, block.id  # (the note's label is English UI)
    assert '<meta name="robots" content="noindex">' in page
    assert len(NOTICE.findall(page)) == 1


def test_percent_and_markup_in_translations_are_text_not_format_or_html(site_copy):
    po = site_copy.po("en", FULL)
    catalog = read_catalog(po, "en")
    title = article(FULL).title
    catalog.get(title.text, context=title.msgctxt).string = \
        "Growth of 40% <script>alert(1)</script> %(x)s"
    write_catalog(po, catalog)
    page = site_copy.app().test_client().get(f"/en/{FULL}/").get_data(as_text=True)
    assert "Growth of 40% &lt;script&gt;alert(1)&lt;/script&gt; %(x)s" in main_of(page)
    assert "<script>alert" not in page


def test_markup_in_a_ui_translation_is_text(site_copy):
    """Translators are semi-trusted: a UI msgstr is never markup, in any locale's page."""
    po = site_copy.translations / "zh" / "LC_MESSAGES" / "messages.po"
    catalog = read_catalog(po, "zh")
    catalog.get("Share").string = "分享<img src=x onerror=alert(1)>"
    write_catalog(po, catalog)
    page = site_copy.app().test_client().get(f"/zh/{FULL}/").get_data(as_text=True)
    assert "分享&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page
    # a placeholder gone wrong no longer ships (issue 22: tests/test_release_safety.py)
    catalog.get("%(num)s min read").string = "约 %(minutes)s 分钟"
    write_catalog(po, catalog)
    with pytest.raises(BuildError, match="placeholders differ|format spec"):
        site_copy.release()


def test_every_locale_has_a_ui_catalog_in_the_release(app):
    release = app.extensions["reader"].release
    for code in LOCALES:
        mo = contract.ui_mo(release.root, code)
        assert mo.is_file() == (code != "en"), code  # English is the msgid language

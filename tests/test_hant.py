"""Traditional Chinese (zh_Hant): OpenCC-filled catalogs that editors can correct, its own
URLs, and pages that really use the zh_Hant catalogs (not the zh folder). The committed
catalogs of the seed article are checked in test_seed_article.py."""

from __future__ import annotations

import shutil

import pytest

from tests.helpers import (FIXTURE_SLUGS, FULL, UNTRANSLATED, article, article_po, main_of,
                           parse_page, plain, read_catalog, write_catalog)
from webapp import hant
from webapp.catalogs import update_article, update_ui
from webapp.config import ROOT
from webapp.pages import render_path


def strings(catalog) -> dict:
    return {(m.context, m.id): m.string for m in catalog if m.id}


@pytest.mark.parametrize("slug", FIXTURE_SLUGS)
def test_fixture_zh_hant_catalogs_are_complete_and_never_fuzzy(slug):
    catalog = read_catalog(article_po("zh_Hant", slug), "zh_Hant")
    for block in article(slug).blocks:
        msg = catalog.get(block.text, context=block.msgctxt)
        assert msg and msg.string == hant.convert(block.text) and not msg.fuzzy, block.id


def test_convert_is_opencc_s2twp():
    assert hant.convert("小城市如何打造“大产业”？金坛区发改局") == \
        "小城市如何打造“大產業”？金壇區發改局"
    assert hant.convert("软件") == "軟體"  # Taiwan phrases, not only characters


# --- the refresh keeps an editor's corrections ------------------------------------------------

class Desk:
    """The translation desk's view of one site copy: refresh one article's zh_Hant catalog as
    `make translations` does (template, then OpenCC), and read or correct entries."""

    def __init__(self, site):
        self.site = site
        self.gettext = site.build_dir / "gettext"

    def po(self, slug=FULL):
        return self.site.po("zh_Hant", slug)

    def refresh(self, slug=FULL) -> hant.Report:
        update_article(self.site.article(slug), self.site.translations, self.gettext, force=True)
        return hant.refresh_domain("article", self.gettext / "articles" / f"{slug}.pot",
                                   self.po(slug))

    def correct(self, block, text, slug=FULL, keep_comment=True):
        catalog = read_catalog(self.po(slug), "zh_Hant")
        msg = catalog.get(block.text, context=block.msgctxt)
        msg.string = text
        if not keep_comment:
            msg.user_comments = []  # Poedit users may delete the comment
        write_catalog(self.po(slug), catalog)

    def string(self, block, slug=FULL):
        msg = read_catalog(self.po(slug), "zh_Hant").get(block.text, context=block.msgctxt)
        return msg.string if msg else None


@pytest.fixture
def desk(site_copy):
    return Desk(site_copy)


def test_an_editors_correction_survives_a_refresh(desk):
    block = article(FULL).body[0]
    machine = desk.string(block)
    assert machine == hant.convert(block.text) == \
        "三月十四日，金壇龍舟節在湖邊開幕，吸引了一萬多名遊客。"
    desk.correct(block, machine.replace("遊客", "旅客"))
    for _ in range(2):  # nothing else changed: refresh, then refresh again
        report = desk.refresh()
        assert desk.string(block) == machine.replace("遊客", "旅客")
        assert len(report.kept) == 1 and not report.superseded
        others = [m for m in read_catalog(desk.po(), "zh_Hant") if m.id and m.id != block.text]
        assert all(m.string == hant.convert(m.id) and not m.fuzzy for m in others)


def test_a_correction_without_its_opencc_comment_is_still_kept(desk):
    title = article(FULL).title
    desk.correct(title, "金壇「龍舟節」吸引萬名遊客", keep_comment=False)  # Taiwan corner brackets
    desk.refresh()
    assert desk.string(title) == "金壇「龍舟節」吸引萬名遊客"


def test_an_edited_source_paragraph_is_converted_again(desk):
    block = article(FULL).body[0]
    desk.correct(block, "編輯改過的譯文")
    new_text = block.text.replace("一万多名", "两万多名")
    desk.site.edit(FULL, block.text, new_text)
    desk.refresh()
    new_block = next(b for b in desk.site.article(FULL).body if b.text == new_text)
    catalog = read_catalog(desk.po(), "zh_Hant")
    msg = catalog.get(new_text, context=new_block.msgctxt)
    assert msg.string == hant.convert(new_text) and "兩萬多名遊客" in msg.string
    assert not msg.fuzzy  # machine output ships; nothing waits for review
    assert catalog.get(block.text, context=block.msgctxt) is None  # the old entry is gone
    assert "編輯改過的譯文" not in desk.po().read_text("utf-8")


def test_a_fuzzy_or_empty_entry_is_converted(desk):
    body = article(FULL).body
    catalog = read_catalog(desk.po(), "zh_Hant")
    catalog.get(body[0].text, context=body[0].msgctxt).flags.add("fuzzy")
    catalog.get(body[2].text, context=body[2].msgctxt).string = ""
    write_catalog(desk.po(), catalog)
    desk.refresh()
    catalog = read_catalog(desk.po(), "zh_Hant")
    for block in (body[0], body[2]):
        msg = catalog.get(block.text, context=block.msgctxt)
        assert msg.string == hant.convert(block.text) and not msg.fuzzy


def test_a_refresh_that_changes_nothing_rewrites_nothing(desk):
    for slug in FIXTURE_SLUGS:
        desk.refresh(slug)
    before = {p: p.read_bytes() for p in desk.site.translations.glob("zh_Hant/**/*.po")}
    for slug in FIXTURE_SLUGS:
        assert not desk.refresh(slug).changed
    assert {p: p.read_bytes() for p in before} == before


def test_a_changed_ui_source_is_converted_again(site_copy):
    """UI strings: the source is the zh msgstr, which can change under the same msgid."""
    gettext = site_copy.build_dir / "gettext"
    roots = [ROOT / "webapp", ROOT / "templates"]
    update_ui(site_copy.translations, gettext, roots)
    zh_po = site_copy.translations / "zh/LC_MESSAGES/messages.po"
    hant_po = site_copy.translations / "zh_Hant/LC_MESSAGES/messages.po"
    zh = read_catalog(zh_po, "zh")
    assert read_catalog(hant_po, "zh_Hant").get("Reload").string == hant.convert(
        zh.get("Reload").string)
    zh.get("Reload").string = "重新加载"
    zh.get("All articles").string = "所有文章"
    write_catalog(zh_po, zh)
    catalog = read_catalog(hant_po, "zh_Hant")
    catalog.get("All articles").string = "全部報導"  # an editor's correction of the old text
    write_catalog(hant_po, catalog)

    report = hant.refresh_domain("messages", gettext / "messages.pot", hant_po,
                                 read_catalog(zh_po, "zh"))
    catalog = read_catalog(hant_po, "zh_Hant")
    assert catalog.get("Reload").string == "重新載入"        # machine output: follows the source
    assert catalog.get("All articles").string == "所有文章"   # correction was for the old text
    assert report.superseded == ["All articles"]              # ... and the editor is told


# --- pages -------------------------------------------------------------------------------------

def test_zh_hant_pages_use_the_zh_hant_catalogs(client):
    resp = client.get(f"/zh-hant/{FULL}/")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert '<html lang="zh-Hant">' in page
    assert 'aria-label="語言"' in page and "语言" not in page     # UI: zh_Hant, not the zh folder
    assert "金壇閱讀" in page and "跳到正文" in page
    parsed = parse_page(page)
    for block in article(FULL).blocks:
        if block.kind == "alt":
            continue
        el = parsed.by_id[block.id]
        assert plain(hant.convert(block.text)) in el["text"], block.id
        assert el["text_langs"] <= {"zh-Hant"}, block.id  # 李明 is the same in both: still ours
    assert "本文繁體版由簡體原文轉換而成。" in page


def test_without_zh_hant_catalogs_blocks_fall_back_to_marked_simplified(site_copy):
    shutil.rmtree(site_copy.translations / "zh_Hant" / "LC_MESSAGES" / "articles")
    page = site_copy.app().test_client().get(f"/zh-hant/{FULL}/").get_data(as_text=True)
    parsed = parse_page(page)
    for block in article(FULL).blocks:
        if block.kind not in ("alt", "note"):
            assert plain(block.text) in parsed.by_id[block.id]["text"]
            assert parsed.by_id[block.id]["text_langs"] == {"zh-Hans"}, block.id
    assert "本文尚未翻譯，以中文原文顯示。" in main_of(page)
    assert '<meta name="robots" content="noindex">' in page


def test_the_locale_id_is_not_a_url(client):
    assert client.get("/zh_Hant/").status_code == 404
    assert client.get(f"/zh_Hant/{FULL}/").status_code == 404
    assert client.get("/zh-Hant/").status_code == 404  # one spelling: lowercase
    page = client.get("/zh-hant/no-such-article/").get_data(as_text=True)
    assert '<html lang="zh-Hant">' in page and "頁面未找到" in page


def test_pages_rendered_one_after_another_each_get_their_own_locale(app):
    """The export and the release check render every page in one process through
    render_path: Flask-Babel's cached locale and g.locale must not leak between them."""
    with app.app_context():
        results = [render_path(app, path) for path in (
            "/zh/", f"/en/{FULL}/", "/sitemap.xml", "/zh-hant/", "/en/no-such-article/",
            f"/zh-hant/{UNTRANSLATED}/")]
    zh, en, sitemap, hant_front, missing, hant_article = [body.decode() for _, body, _ in results]
    assert 'aria-label="语言"' in zh
    assert 'aria-label="Language"' in en and "语言" not in en
    assert results[2][0] == 200 and sitemap.startswith("<?xml")
    assert 'aria-label="語言"' in hant_front
    assert results[4][0] == 404 and "Page not found" in missing
    assert "長蕩湖水質調查" in hant_article and 'aria-label="語言"' in hant_article

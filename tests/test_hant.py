"""Traditional Chinese (zh_Hant): OpenCC-filled catalogs that editors can correct, its own
URLs, and pages that really use the zh_Hant catalogs (not the zh folder). The committed
catalogs of the seed article are checked in test_seed_article.py."""

from __future__ import annotations

import shutil

import pytest

from tests.helpers import (FIXTURE_SLUGS, FULL, UNTRANSLATED, article, article_po, main_of,
                           parse_page, plain, read_catalog, write_catalog)
from webapp.desk import hant
from webapp.desk.catalogs import article_template, update_ui
from webapp.config import ROOT
from webapp.web.pages import render_path


def strings(catalog) -> dict:
    return {(m.context, m.id): m.string for m in catalog if m.id}


@pytest.mark.parametrize("slug", FIXTURE_SLUGS)
def test_fixture_zh_hant_catalogs_are_complete_and_never_fuzzy(slug):
    catalog = read_catalog(article_po("zh_Hant", slug), "zh_Hant")
    for block in article(slug).blocks:
        msg = catalog.get(block.text, context=block.msgctxt)
        assert msg and msg.string == hant.convert(block.text) and not msg.fuzzy, block.id


def test_convert_is_s2tw_with_the_phrase_dictionary_and_corner_quotes():
    assert hant.convert("小城市如何打造“大产业”？金坛区发改局") == "小城市如何打造「大產業」？金壇區發改局"
    assert hant.convert("软件") == "軟件"                  # characters only: no Taiwan phrases
    assert hant.convert("奉行“项目为王”理念") == "奉行「項目為王」理念"
    assert hant.convert("产业集群") == "產業集群"
    assert hant.convert("了解金坛") == "了解金壇"            # phrases.tsv (s2tw alone: 瞭解)
    assert hant.convert("出台新的举措") == "出台新的舉措"      # phrases.tsv (s2tw alone: 出臺)
    assert hant.convert("“小而优”“小而美”") == "「小而優」「小而美」"


@pytest.mark.parametrize("text, expected", [
    ("他说“打造‘大产业’”。", "他說「打造『大產業』」。"),                  # nested: 「『』」
    ("“一‘二“三”二’一”", "「一『二「三」二』一」"),                       # depth 2 is 「」 again
    ("没有开引号”", "沒有開引號”"),                                       # stray closer: kept
    ("“没有闭引号", "「沒有閉引號"),
])
def test_quotation_marks_nest_as_traditional_chinese_does(text, expected):
    assert hant.convert(text) == expected


def test_the_phrase_dictionary_is_read_with_file_and_line_errors(tmp_path):
    good = tmp_path / "phrases.tsv"
    good.write_text("# comment\n\n了解\t了解\twhy\n", "utf-8")
    assert hant.load_phrases(good) == {"了解": "了解"}
    assert hant.load_phrases(tmp_path / "none.tsv") == {}
    bad = tmp_path / "bad.tsv"
    bad.write_text("# comment\n了解 了解\n", "utf-8")
    with pytest.raises(hant.PhraseError, match=r"bad\.tsv:2: expected Simplified<TAB>"):
        hant.load_phrases(bad)
    bad.write_text("了解\t了解\twhy\n了解\t瞭解\twhy\n", "utf-8")
    with pytest.raises(hant.PhraseError, match=r"bad\.tsv:2: '了解' is already listed on line 1"):
        hant.load_phrases(bad)


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
        """Write the article's template as the cycle does, then refresh zh_Hant once."""
        pot = self.gettext / "articles" / f"{slug}.pot"
        pot.parent.mkdir(parents=True, exist_ok=True)
        write_catalog(pot, article_template(self.site.article(slug), "test"))
        return hant.refresh_domain("article", pot, self.po(slug))

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


def test_a_correction_made_under_another_conversion_is_redone_and_listed(desk):
    """Entries written before the switch from s2twp: machine output is simply converted
    again; a hand correction made on top of it is replaced and listed for review."""
    blocks = article(FULL).body
    catalog = read_catalog(desk.po(), "zh_Hant")
    old_machine = catalog.get(blocks[0].text, context=blocks[0].msgctxt)
    old_machine.string = "s2twp 的舊輸出"
    old_machine.user_comments = [f"opencc s2twp src:{hant._digest(blocks[0].text)} "
                                 f"out:{hant._digest(old_machine.string)}"]
    corrected = catalog.get(blocks[2].text, context=blocks[2].msgctxt)
    corrected.string = "編輯在 s2twp 輸出上改過的譯文"
    corrected.user_comments = [f"opencc s2twp src:{hant._digest(blocks[2].text)} out:000000000000"]
    write_catalog(desk.po(), catalog)
    report = desk.refresh()
    for block in (blocks[0], blocks[2]):
        msg = read_catalog(desk.po(), "zh_Hant").get(block.text, context=block.msgctxt)
        assert msg.string == hant.convert(block.text)
        assert msg.user_comments[-1].startswith("opencc s2tw src:")
    text = blocks[2].text
    assert report.superseded == [f"{blocks[2].msgctxt}|"
                                 + (text if len(text) <= 40 else text[:39] + "…")]


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
    assert read_catalog(hant_po, "zh_Hant").get("Latest articles").string == hant.convert(
        zh.get("Latest articles").string)
    zh.get("Latest articles").string = "最新报道"
    zh.get("All articles").string = "所有文章"
    write_catalog(zh_po, zh)
    catalog = read_catalog(hant_po, "zh_Hant")
    catalog.get("All articles").string = "全部報導"  # an editor's correction of the old text
    write_catalog(hant_po, catalog)

    report = hant.refresh_domain("messages", gettext / "messages.pot", hant_po,
                                 read_catalog(zh_po, "zh"))
    catalog = read_catalog(hant_po, "zh_Hant")
    assert catalog.get("Latest articles").string == "最新報道"  # machine output: follows the source
    assert catalog.get("All articles").string == "所有文章"   # correction was for the old text
    assert report.superseded == ["All articles"]              # ... and the editor is told


# --- pages -------------------------------------------------------------------------------------

def test_zh_hant_pages_use_the_zh_hant_catalogs(client):
    resp = client.get(f"/zh-hant/{FULL}/")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert '<html lang="zh-Hant" ' in page
    assert 'aria-label="語言"' in page and "语言" not in page     # UI: zh_Hant, not the zh folder
    assert "金壇閱讀" in page and "跳至主要內容" in page
    parsed = parse_page(page)
    for block in article(FULL).blocks:
        if block.kind == "alt":
            continue
        el = parsed.by_id[block.id]
        assert plain(hant.convert(block.text)) in el["text"], block.id
        assert el["text_langs"] <= {"zh-Hant"}, block.id  # 李明 is the same in both: still ours
    assert "本文繁體中文版由簡體中文原文轉換而成。" in page


def test_without_zh_hant_catalogs_blocks_fall_back_to_marked_simplified(site_copy):
    shutil.rmtree(site_copy.translations / "zh_Hant" / "LC_MESSAGES" / "articles")
    page = site_copy.app().test_client().get(f"/zh-hant/{FULL}/").get_data(as_text=True)
    parsed = parse_page(page)
    for block in article(FULL).blocks:
        if block.kind not in ("alt", "note"):
            assert plain(block.text) in parsed.by_id[block.id]["text"]
            assert parsed.by_id[block.id]["text_langs"] == {"zh-Hans"}, block.id
    assert "本文尚未轉換為繁體中文，以下為簡體中文原文。" in main_of(page)
    assert '<meta name="robots" content="noindex">' in page


def test_the_locale_id_is_not_a_url_but_leads_to_it(client):
    # one URL per page: other spellings of the locale are one redirect to it (issue 23)
    for spelling, target in (("/zh_Hant/", "/zh-hant/"), (f"/zh_Hant/{FULL}/", f"/zh-hant/{FULL}/"),
                             ("/zh-Hant/", "/zh-hant/")):
        resp = client.get(spelling)
        assert resp.status_code == 308 and resp.headers["Location"] == target, spelling
    page = client.get("/zh-hant/no-such-article/").get_data(as_text=True)
    assert '<html lang="zh-Hant" ' in page and "找不到此頁面" in page


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

"""Traditional Chinese (zh_Hant): OpenCC-filled catalogs that editors can correct, its own
URLs, negotiation, and pages that really use the zh_Hant catalogs (not the zh folder)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from babel import Locale
from babel.messages.pofile import read_po, write_po
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from tests.conftest import SEED_SLUG
from tests.helpers import parse_page, seed_article
from tests.test_translations import pybabel
from webapp import hant
from webapp.catalogs import article_catalog_problems, ui_catalog_problems
from webapp.config import ROOT
from webapp.content import load_articles
from webapp.i18n import LOCALES, match_tag, negotiate

HANT_DIR = ROOT / "translations/zh_Hant/LC_MESSAGES"


def read(path: Path):
    with path.open("rb") as fh:
        return read_po(fh, locale="zh_Hant")


def write(path: Path, catalog) -> None:
    with path.open("wb") as fh:
        write_po(fh, catalog, width=0)


def make_templates(translations: Path, content: Path = ROOT / "content") -> None:
    """What `make extract` does: article.pot from ``content``, messages.pot from the code."""
    pybabel("extract", "-F", str(ROOT / "babel.cfg"), "--no-wrap", "-c", "TRANSLATORS:",
            "-o", str(translations / "article.pot"), str(content))
    pybabel("extract", "-F", "babel.cfg", "--no-wrap", "-c", "TRANSLATORS:", "-k", "lazy_gettext",
            "-o", str(translations / "messages.pot"), "webapp", "templates")


def strings(catalog) -> dict:
    return {(m.context, m.id): m.string for m in catalog if m.id}


# --- the committed catalogs -------------------------------------------------------------------

def test_zh_hant_catalogs_are_complete():
    problems = article_catalog_problems(ROOT / "content", ROOT / "translations")
    assert [p for p in problems if "zh_Hant" in p] == []
    assert ui_catalog_problems(ROOT / "translations") == []
    article = read(HANT_DIR / "article.po")
    for block in seed_article().blocks:
        msg = article.get(block.text, context=block.msgctxt)
        assert msg and msg.string and not msg.fuzzy, block.id
    assert not any(m.fuzzy for m in article if m.id)  # converted entries always ship


def test_committed_catalogs_are_what_a_refresh_gives(translations_copy):
    """`make zh-hant` on the repo changes no msgstr: the committed files are up to date."""
    make_templates(translations_copy)
    hant.refresh(translations_copy)
    for domain in hant.DOMAINS:
        name = f"zh_Hant/LC_MESSAGES/{domain}.po"
        assert strings(read(translations_copy / name)) == strings(read(ROOT / "translations" / name))


def test_traditional_text_reads_right():
    article = read(HANT_DIR / "article.po")
    text = " ".join(m.string for m in article if m.id)
    for word in ("金壇", "產業", "動力電池", "儲能", "中創新航", "蜂巢能源", "常州"):
        assert word in text, word
    for simplified in ("金坛", "产业", "储能", "中创新航"):
        assert simplified not in text, simplified
    # no Taiwan-only phrase substitution (s2twp's) changed a name, slogan or meaning
    assert "專案" not in text and "「項目為王」" in text and text.count("項目") == 9
    assert "叢集" not in text and "產業集群" in text
    assert "主機板" not in text and "交易所主板" in text      # stock exchange main board
    assert "服務視窗" not in text and "服務窗口" in text       # a service counter, not a GUI window
    assert "中高階" not in text and "智慧製造" not in text and "執行長" not in text
    assert "師杰" in text and "師傑" not in text              # a reporter's name, as she writes it
    # Traditional quotation marks, never the Simplified curly ones
    assert "「大產業」" in text and not any(q in text for q in "“”‘’")


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

@pytest.fixture
def desk(translations_copy):
    """A translations folder with fresh templates, refreshed once (as after `make zh-hant`)."""
    make_templates(translations_copy)
    hant.refresh(translations_copy)
    return translations_copy


def test_an_editors_correction_survives_a_refresh(desk):
    po = desk / "zh_Hant/LC_MESSAGES/article.po"
    block = seed_article().body[1]
    catalog = read(po)
    msg = catalog.get(block.text, context=block.msgctxt)
    assert msg.string == hant.convert(block.text)
    corrected = msg.string.replace("空洞口號", "空泛口號")
    assert corrected != msg.string
    msg.string = corrected
    write(po, catalog)

    for _ in range(2):  # nothing else changed: refresh, then refresh again
        reports = {r.domain: r for r in hant.refresh(desk)}
        catalog = read(po)
        assert catalog.get(block.text, context=block.msgctxt).string == corrected
        assert reports["article"].kept == [f"{block.msgctxt}|{block.text[:39]}…"]  # only this one
        others = [m for m in catalog if m.id and m.id != block.text]
        assert all(m.string and not m.fuzzy for m in others)


def test_a_correction_without_its_opencc_comment_is_still_kept(desk):
    po = desk / "zh_Hant/LC_MESSAGES/article.po"
    title = seed_article().title
    catalog = read(po)
    msg = catalog.get(title.text, context=title.msgctxt)
    msg.string = "小城市如何打造『大產業』？"  # an editor's own choice of marks
    msg.user_comments = []                    # Poedit users may delete the comment
    write(po, catalog)
    hant.refresh(desk)
    assert read(po).get(title.text, context=title.msgctxt).string == "小城市如何打造『大產業』？"


def test_an_edited_source_paragraph_is_converted_again(desk, content_copy):
    po = desk / "zh_Hant/LC_MESSAGES/article.po"
    block = seed_article().body[1]
    catalog = read(po)
    catalog.get(block.text, context=block.msgctxt).string = "編輯改過的譯文"
    write(po, catalog)

    article = content_copy / f"{SEED_SLUG}.md"
    new_text = block.text.replace("这不是一句空洞口号", "这绝不是一句空洞口号")
    article.write_text(article.read_text("utf-8").replace(block.text, new_text), "utf-8")
    make_templates(desk, content_copy)
    hant.refresh(desk)

    catalog = read(po)
    new_block = next(b for b in load_articles(content_copy)[SEED_SLUG].body if b.text == new_text)
    msg = catalog.get(new_text, context=new_block.msgctxt)
    assert msg.string == hant.convert(new_text) and "這絕不是一句空洞口號" in msg.string
    assert not msg.fuzzy
    assert catalog.get(block.text, context=block.msgctxt) is None  # the old entry is gone
    assert "編輯改過的譯文" not in po.read_text("utf-8")


def test_a_changed_ui_source_is_converted_again(desk):
    """UI strings: the source is the zh msgstr, which can change under the same msgid."""
    zh_po = desk / "zh/LC_MESSAGES/messages.po"
    hant_po = desk / "zh_Hant/LC_MESSAGES/messages.po"
    zh = read(zh_po)
    zh.get("Latest articles").string = "最新报道"
    zh.get("All articles").string = "所有文章"
    write(zh_po, zh)
    catalog = read(hant_po)
    assert catalog.get("Latest articles").string == "最新文章"  # machine output
    catalog.get("All articles").string = "全部報導"  # an editor's correction of the old text
    write(hant_po, catalog)

    reports = {r.domain: r for r in hant.refresh(desk)}
    catalog = read(hant_po)
    assert catalog.get("Latest articles").string == "最新報道"  # machine output: follows the source
    assert catalog.get("All articles").string == "所有文章"     # correction was for the old text
    assert reports["messages"].superseded == ["All articles"]   # ... and the editor is told


def test_a_correction_made_under_another_conversion_is_redone_and_listed(desk):
    """Entries written before the switch from s2twp: machine output is simply converted
    again; a hand correction made on top of it is replaced and listed for review."""
    po = desk / "zh_Hant/LC_MESSAGES/article.po"
    blocks = seed_article().body
    catalog = read(po)
    old_machine = catalog.get(blocks[2].text, context=blocks[2].msgctxt)
    old_machine.string = "奉行“專案為王”理念"
    old_machine.user_comments = [f"opencc s2twp src:{hant._digest(blocks[2].text)} "
                                 f"out:{hant._digest(old_machine.string)}"]
    corrected = catalog.get(blocks[3].text, context=blocks[3].msgctxt)
    corrected.string = "編輯在 s2twp 輸出上改過的譯文"
    corrected.user_comments = [f"opencc s2twp src:{hant._digest(blocks[3].text)} out:000000000000"]
    write(po, catalog)
    report = {r.domain: r for r in hant.refresh(desk)}["article"]
    catalog = read(po)
    for block in (blocks[2], blocks[3]):
        msg = catalog.get(block.text, context=block.msgctxt)
        assert msg.string == hant.convert(block.text)
        assert msg.user_comments[-1].startswith("opencc s2tw src:")
    assert report.superseded == [f"{blocks[3].msgctxt}|{blocks[3].text[:39]}…"]


def test_a_fuzzy_or_empty_entry_is_converted(desk):
    po = desk / "zh_Hant/LC_MESSAGES/article.po"
    blocks = seed_article().body
    catalog = read(po)
    catalog.get(blocks[0].text, context=blocks[0].msgctxt).flags.add("fuzzy")
    catalog.get(blocks[2].text, context=blocks[2].msgctxt).string = ""
    write(po, catalog)
    hant.refresh(desk)
    catalog = read(po)
    for block in (blocks[0], blocks[2]):
        msg = catalog.get(block.text, context=block.msgctxt)
        assert msg.string == hant.convert(block.text) and not msg.fuzzy


def test_a_refresh_that_changes_nothing_rewrites_nothing(desk):
    before = {p: p.read_bytes() for p in (desk / "zh_Hant/LC_MESSAGES").glob("*.po")}
    make_templates(desk)  # a new POT-Creation-Date, same entries
    reports = hant.refresh(desk)
    assert not any(r.changed for r in reports)
    assert {p: p.read_bytes() for p in before} == before


# --- pages -------------------------------------------------------------------------------------

def test_zh_hant_pages_use_the_zh_hant_catalogs(client):
    resp = client.get(f"/zh-hant/{SEED_SLUG}/")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    assert '<html lang="zh-Hant">' in page
    assert 'aria-label="語言"' in page and "语言" not in page     # UI: zh_Hant, not the zh folder
    assert "金壇閱讀" in page and "跳至主要內容" in page
    parsed = parse_page(page)
    catalog = read(HANT_DIR / "article.po")
    for block in seed_article().blocks:
        el = parsed.by_id[block.id]
        assert catalog.get(block.text, context=block.msgctxt).string in el["text"], block.id
        assert "lang" not in el["attrs"], block.id  # 崔洪皓 is the same in both scripts: still ours
    assert "本文繁體版由簡體原文轉換而成。" in page
    front = client.get("/zh-hant/").get_data(as_text=True)
    assert f'href="/zh-hant/{SEED_SLUG}/"' in front and "小城市如何打造「大產業」？" in front


def test_without_zh_hant_catalogs_blocks_fall_back_to_marked_simplified(tmp_path, make_app):
    translations = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", translations, ignore=shutil.ignore_patterns("zh_Hant"))
    page = make_app(TRANSLATIONS_DIR=str(translations)).test_client() \
        .get(f"/zh-hant/{SEED_SLUG}/").get_data(as_text=True)
    parsed = parse_page(page)
    for block in seed_article().blocks:
        assert block.text in parsed.by_id[block.id]["text"]
    assert page.count('lang="zh-Hans" data-untranslated') >= 30


def test_the_locale_id_is_not_a_url(client):
    assert client.get("/zh_Hant/").status_code == 404
    assert client.get(f"/zh_Hant/{SEED_SLUG}/").status_code == 404
    assert client.get("/zh-Hant/").status_code == 404  # one spelling: lowercase
    page = client.get("/zh-hant/no-such-article/").get_data(as_text=True)
    assert '<html lang="zh-Hant">' in page and "找不到此頁面" in page


# --- negotiation -------------------------------------------------------------------------------

@pytest.mark.parametrize("tag, expected", [
    ("zh-TW", "zh_Hant"), ("zh-HK", "zh_Hant"), ("zh-MO", "zh_Hant"), ("zh-Hant", "zh_Hant"),
    ("zh-Hant-TW", "zh_Hant"), ("zh-Hant-HK", "zh_Hant"), ("zh-hant", "zh_Hant"),
    ("zh_TW", "zh_Hant"), ("ZH-tw", "zh_Hant"),
    ("zh-CN", "zh"), ("zh-SG", "zh"), ("zh-Hans", "zh"), ("zh", "zh"), ("zh-Hans-HK", "zh"),
    ("zh-Hans-TW", "zh"), ("zh-MY", "zh"), ("zh-Latn", "zh"),
    ("en", "en"), ("en-US", "en"), ("en-GB", "en"), ("en-Latn-US", "en"),
    ("fr", None), ("fr-CA", None), ("", None), ("x" * 50, None),
])
def test_match_tag(tag, expected):
    assert match_tag(tag) == expected


@pytest.mark.parametrize("region", ["TW", "HK", "MO", "CN", "SG"])
def test_script_inference_agrees_with_cldr_likely_subtags(region):
    script = Locale.parse(f"zh_{region}").script  # Babel: zh_TW -> zh_Hant_TW
    assert match_tag(f"zh-{region}") == ("zh_Hant" if script == "Hant" else "zh")


@pytest.mark.parametrize("header, expected", [
    ("zh-TW,zh;q=0.9,en;q=0.8", "zh_Hant"),
    ("zh-HK", "zh_Hant"),
    ("en;q=0.5, zh-Hant;q=0.9", "zh_Hant"),
    ("zh-CN,zh-TW;q=0.5", "zh"),
    ("fr, zh-MO;q=0.3", "zh_Hant"),
    ("zh-TW;q=0, en", "en"),
    ("de", None),
])
def test_negotiate_honours_order_and_quality(header, expected):
    assert negotiate(parse_accept_header(header, LanguageAccept)) == expected


def test_locale_table():
    info = LOCALES["zh_Hant"]
    assert (info.id, info.tag, info.segment, info.og, info.name) == \
        ("zh_Hant", "zh-Hant", "zh-hant", "zh_TW", "繁體")
    assert [i.segment for i in LOCALES.values()] == ["zh", "en", "zh-hant"]


def test_requests_sharing_one_app_context_each_get_their_own_locale(app):
    """As under Frozen-Flask (`make export`), which renders every page inside one
    test_request_context: Flask-Babel's cached locale and g.lang_code must not leak."""
    client = app.test_client()
    with app.test_request_context():
        zh = client.get("/zh/").get_data(as_text=True)
        en = client.get(f"/en/{SEED_SLUG}/").get_data(as_text=True)
        sitemap = client.get("/sitemap.xml")
        hant_page = client.get("/zh-hant/").get_data(as_text=True)
        missing = client.get("/en/no-such-article/").get_data(as_text=True)
    assert 'aria-label="语言"' in zh
    assert 'aria-label="Language"' in en and "语言" not in en
    assert sitemap.status_code == 200
    assert 'aria-label="語言"' in hant_page
    assert "Page not found" in missing

"""Translation QA (webapp/desk/qa.py, `make check-catalogs`): each rule with a failing and a passing
example, the reviewed-exception mechanism, the catalog reader's file:line errors, and the CLI
on the shipped catalogs and on broken copies of them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest

from tests.helpers import SEED_SLUG
from webapp.desk import qa
from webapp.desk.catalogs import CatalogError, read_catalog
from webapp.config import ROOT
from webapp.content import parse_article

EN_PO = "en/LC_MESSAGES/articles/jintan-new-energy.po"


def seed_article():
    """The seed article: the CLI checks below break copies of its shipped catalogs."""
    return parse_article(ROOT / "content" / f"{SEED_SLUG}.md")


@pytest.fixture
def translations_copy(tmp_path) -> Path:
    """A writable copy of the shipped translations/."""
    dest = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", dest)
    return dest


def rules(problems) -> list[str]:
    return [p.rule for p in problems]


def messages(problems) -> str:
    return " | ".join(p.message for p in problems)


# --- numbers ---------------------------------------------------------------------------------

@pytest.mark.parametrize("source, good, bad", [
    ("计划新增投资20亿元", "plans to invest 2 billion yuan", "plans to invest 20 billion yuan"),
    ("新增负极材料产能5万吨", "adding 50,000 tonnes of anode capacity", "adding 5,000 tonnes"),
    ("为常州产能占三分之一贡献了近“半壁江山”", "which accounts for one-third of the total",
     "which accounts for a quarter of the total"),
    ("力争到2035年基本建成", "aims to have it built by 2035", "aims to have it built by 2025"),
    ("增长了40%", "grew by 40%", "grew by 45%"),
    ("1月29日上午", "On the morning of January 29", "On the morning of January 28"),
    ("三月十四日开幕", "opened on March 14", "opened on March 15"),       # a date in numerals
    ("吸引了一万多名游客", "drew more than ten thousand visitors",
     "drew more than a thousand visitors"),
    ("总投资超10亿元重大项目1个", "one major project of more than 1 billion yuan",
     "one major project of more than 10 billion yuan"),
    ("力争纳税突破亿元大关", "paying more than 100 million yuan in taxes", "paying taxes"),
    ("两大千亿级地标产业", "two landmark industries on the 100-billion-yuan scale",
     "landmark industries on the 10-billion-yuan scale"),
    ("链上企业超百家", "more than 100 companies along the chain", "many companies along the chain"),
    ("是第一家入驻金坛的企业", "was the first company to set up in Jintan", "was a company in Jintan"),
    ("“十四五”期间", "During the 14th Five-Year Plan period", "During the Five-Year Plan period"),
    ("以中创新航、蜂巢能源两家“独角兽”企业为龙头", "with the two “unicorns” CALB and SVOLT",
     "with the three “unicorns” CALB and SVOLT"),
])
def test_numbers_must_match_with_chinese_units_understood(source, good, bad):
    assert qa.check_numbers(source, good, "en") == []
    problems = qa.check_numbers(source, bad, "en")
    assert problems and set(rules(problems)) == {"numbers"}


def test_numbers_reports_what_is_missing_and_what_was_added():
    problems = qa.check_numbers("投资20亿元", "an investment of 20 billion yuan", "en")
    assert messages(problems) == ("20亿 (num 2,000,000,000) has no match in the translation | "
                                  "'20 billion' (20,000,000,000) is not in the source")


@pytest.mark.parametrize("source, good, bad", [
    ("达到40%以上", "reached 40% or more", "reached more than 40%"),
    ("重大项目5个以上", "five or more major projects", "at least five major projects"),
])
def test_yi_shang_after_a_number_needs_or_more(source, good, bad):
    assert qa.check_numbers(source, good, "en") == []
    assert "needs “or more”" in messages(qa.check_numbers(source, bad, "en"))


def test_words_that_only_look_like_numbers_are_not_numbers():
    # 一批 "a number of", 双一流 "Double First-Class", 一直 "always": no figures to match
    assert qa.zh_numbers("力争突破一批关键共性技术，密切对接“双一流”高校，一直默默无闻") == []
    assert qa.check_numbers("一家全球领先的企业", "a world-leading company", "en") == []


def test_numbers_compare_chinese_with_chinese_for_zh_hant():
    assert qa.check_numbers("新增投资20亿元、产能5万吨", "新增投資20億元、產能5萬噸", "zh_Hant") == []
    assert qa.check_numbers("新增投资20亿元", "新增投資2億元", "zh_Hant")


def test_chinese_numerals():
    assert [qa.cn_int(t) for t in ("十四", "二十", "三千五百", "两", "十")] == [14, 20, 3500, 2, 10]
    assert qa.zh_numbers("三分之一")[0].value == Fraction(1, 3)
    assert qa.zh_numbers("百分之四十")[0].value == 40
    with pytest.raises(ValueError):
        qa.cn_int("半")


# --- glossary --------------------------------------------------------------------------------

GLOSSARY = """\
| Chinese | English | Status | Note |
| --- | --- | --- | --- |
| `“两湖”创新区` | `Inter-Lake Innovation Zone` | verified | Changzhou government |
| `中创新航` | `CALB` | verified | |
| `店小二` | (act as) attentive “concierges” | descriptive | not checked |
"""


def test_glossary_terms_are_read_from_backticked_table_cells(tmp_path):
    path = tmp_path / "GLOSSARY.md"
    path.write_text(GLOSSARY, "utf-8")
    terms = qa.load_glossary(path)
    assert [(t.sources, t.renderings, t.line) for t in terms] == [
        (("“两湖”创新区",), ("Inter-Lake Innovation Zone",), 3), (("中创新航",), ("CALB",), 4)]
    path.write_text(GLOSSARY + "| `光伏新能源` | photovoltaic power | | |\n", "utf-8")
    with pytest.raises(CatalogError, match=r"GLOSSARY\.md:6: a glossary term needs"):
        qa.load_glossary(path)


def test_glossary_rendering_must_be_used(tmp_path):
    path = tmp_path / "GLOSSARY.md"
    path.write_text(GLOSSARY, "utf-8")
    terms = qa.load_glossary(path)
    source = "围绕市委、市政府打造的“两湖”创新区，蜂巢能源将"
    assert qa.check_glossary(source, "in line with the Inter-Lake Innovation Zone, SVOLT", "en",
                             terms) == []
    problems = qa.check_glossary(source, "in line with the Twin Lakes Innovation Zone", "en", terms)
    assert messages(problems) == ("“两湖”创新区 should be rendered “Inter-Lake Innovation Zone” "
                                  "(GLOSSARY.md line 3)")
    # a sentence may start with the rendering's first letter in either case
    assert qa.check_glossary("中创新航是", "CALB is", "en", terms) == []


def test_the_shipped_glossary_has_checked_terms():
    terms = qa.load_glossary(ROOT / "translations/GLOSSARY.md")
    renderings = {r for t in terms for r in t.renderings}
    assert {"Inter-Lake Innovation Zone", "photovoltaic power", "CALB", "SVOLT"} <= renderings
    assert not any("Twin Lakes" in r for r in renderings)


# --- scripts, punctuation, spacing -----------------------------------------------------------

def test_no_chinese_left_in_english():
    assert qa.check_cjk("金坛", "Jintan", "en") == []
    assert rules(qa.check_cjk("金坛", "Jintan 金坛", "en")) == ["cjk"]
    assert "，" in messages(qa.check_cjk("金坛，常州", "Jintan，Changzhou", "en"))
    assert qa.check_cjk("金坛", "金壇", "zh_Hant") == []          # Chinese is fine in Chinese


def test_latin_in_chinese_must_be_a_name_from_the_source_or_a_known_abbreviation():
    assert qa.check_latin("集中在ESG管理上", "集中在ESG管理上", "zh_Hant") == []
    assert qa.check_latin("On iPhone or iPad: tap Share", "在 iPhone 或 iPad 上：點一下「分享」",
                          "zh_Hant") == []
    assert qa.check_latin("%(num)s min read", "閱讀時間約 %(num)s 分鐘", "zh_Hant") == []
    problems = qa.check_latin("集中在管理上", "集中在ESG management上", "zh_Hant")
    assert messages(problems).endswith("known abbreviation: management")


@pytest.mark.parametrize("good, bad", [
    ("小城市如何打造「大產業」？", "小城市如何打造「大產業？"),
    ("他說「打造『大產業』」", "他說「打造『大產業」』"),
    ("Jintan’s “first meeting” (after the holiday)", "Jintan’s “first meeting (after the holiday)"),
    ("the ‘small’ towns’ plans", "the ‘small towns’ plans”"),
])
def test_quotes_and_brackets_are_balanced(good, bad):
    assert qa.check_brackets("", good, "en") == []
    assert rules(qa.check_brackets("", bad, "en"))[0] == "brackets"


def test_spacing():
    assert qa.check_spacing("", "Jintan is a district.", "en") == []
    assert messages(qa.check_spacing("", "Jintan  is a district.", "en")) == "doubled space"
    assert "trailing" in messages(qa.check_spacing("", "Jintan is a district. ", "en"))
    assert "before punctuation" in messages(qa.check_spacing("", "Jintan , Changzhou", "en"))


def test_no_simplified_only_characters_in_traditional_chinese():
    assert qa.check_simplified("项目", "項目", "zh_Hant") == []
    assert qa.check_simplified("师杰", "師杰", "zh_Hant") == []     # 杰 is Traditional too
    assert messages(qa.check_simplified("项目为王", "项目為王", "zh_Hant")).endswith(": 项")
    assert qa.check_simplified("项目", "项目", "zh") == []          # Simplified is fine in zh


# --- markup (issue 14) and placeholders ------------------------------------------------------

@pytest.mark.parametrize("translation", [
    "Growth of <b>40%</b>",
    "Growth <script>alert(1)</script>",
    "Growth &lt;script&gt;alert(1)&lt;/script&gt;",          # an entity that decodes to a tag
    "Growth &amp;lt;img src=x onerror=alert(1)&amp;gt;",     # ... encoded twice
    "Growth <!-- hidden -->",
    "Read [more](https://evil.example/)",                     # a link the source does not have
])
def test_markup_not_in_the_source_is_refused(translation):
    problems = qa.check_markup("增长了40%", translation, "en")
    assert rules(problems) == ["markup"]


def test_plain_text_and_the_sources_own_links_pass():
    assert qa.check_markup("增长40%，研发", "growth of 40% < 50%, R&D", "en") == []
    source = "详见[链接](https://example.com)"
    assert qa.check_markup(source, "See the [link](https://example.com)", "en") == []
    assert qa.check_markup(source, "See the [link](https://evil.example)", "en")


def test_placeholders_must_match():
    assert qa.check_placeholders("%(num)s of %(total)s", "第 %(num)s 則，共 %(total)s 則", "zh") == []
    problems = qa.check_placeholders("%(num)s of %(total)s", "第 %(num)s 則", "zh")
    assert rules(problems) == ["placeholders"] and "%(total)s" in messages(problems)


# --- length ratio ----------------------------------------------------------------------------

def test_a_block_far_shorter_than_usual_is_flagged():
    source = "金坛区科技局局长李冬英表示，将以五新产业为重点" * 2
    pairs = [(source, "x" * 150)] * 6
    assert qa.length_outliers(pairs) == {}
    pairs.append((source, "x" * 60))                      # a third of a normal translation
    assert list(qa.length_outliers(pairs)) == [6]
    assert "far shorter" in qa.length_outliers(pairs)[6].message
    assert qa.length_outliers([(source, "x")] * 3) == {}  # too few blocks to know "usual"


# --- reviewed exceptions ---------------------------------------------------------------------

def test_a_reviewed_exception_accepts_only_what_it_names():
    from babel.messages.catalog import Message
    problems = qa.check_numbers("“十四五”期间", "the 14th Five-Year Plan period (2021–2025)", "en")
    assert len(problems) == 2
    ok = Message("x", user_comments=["qa-ok numbers 2021 2025: years of the plan, for readers"])
    assert qa.Exceptions.of(ok).filter(problems) == []
    narrow = Message("x", user_comments=["qa-ok numbers 2021: only one year reviewed"])
    assert messages(qa.Exceptions.of(narrow).filter(problems)) == "'2025' (2,025) is not in the source"
    no_reason = Message("x", user_comments=["qa-ok numbers 2021 2025:"])
    assert "malformed exception" in messages(qa.Exceptions.of(no_reason).filter([]))
    stale = Message("x", user_comments=["qa-ok cjk: nothing to accept"])
    assert "accepts no problem" in messages(qa.Exceptions.of(stale).filter([]))


# --- the catalog reader ----------------------------------------------------------------------

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'


@pytest.mark.parametrize("body, line, message", [
    (HEADER + 'msgid "a\nmsgstr "b"\n', 5, "malformed or unterminated string"),
    (HEADER + 'msgid "a"\nmsgstr "x"\n\nmsgid "a"\nmsgstr "y"\n', 8,
     "duplicate entry: msgid 'a' is already defined on line 5"),
    (HEADER + 'msgctxt "s/p-1"\nmsgid "a"\nmsgstr "x"\n\nmsgctxt "s/p-1"\nmsgid "a"\nmsgstr "y"\n',
     9, "duplicate entry: msgctxt 's/p-1' msgid 'a' is already defined on line 5"),
    (HEADER + 'hello\nmsgid "a"\nmsgstr "x"\n', 5, "not a .po line: 'hello'"),
    (HEADER + 'msgid "a"\n\nmsgid "b"\nmsgstr "c"\n', 5, "missing msgstr for msgid 'a'"),
])
def test_read_catalog_names_file_and_line(tmp_path, body, line, message):
    po = tmp_path / "bad.po"
    po.write_text(body, "utf-8")
    with pytest.raises(CatalogError) as err:
        read_catalog(po, "en")
    assert str(err.value).startswith(f"{po}:{line}: {message}")


@pytest.mark.parametrize("body, line, message", [
    # the key of an entry includes the continuation lines of its msgctxt and msgid
    (HEADER + 'msgctxt "s/"\n"p-1"\nmsgid "a"\nmsgstr "x"\n\n'
              'msgctxt "s/p-1"\nmsgid ""\n"a"\nmsgstr "y"\n', 10,
     "duplicate entry: msgctxt 's/p-1' msgid 'a' is already defined on line 5"),
    # a blank line ends an entry: a quoted string after it continues nothing
    (HEADER + 'msgid "a"\nmsgstr "x"\n\n"y"\n', 8, "malformed or unterminated string"),
])
def test_read_catalog_keys_span_continuation_lines(tmp_path, body, line, message):
    po = tmp_path / "bad.po"
    po.write_text(body, "utf-8")
    with pytest.raises(CatalogError) as err:
        read_catalog(po, "en")
    assert str(err.value).startswith(f"{po}:{line}: {message}")


def test_entries_differing_in_msgctxt_or_continued_text_are_not_duplicates(tmp_path):
    po = tmp_path / "good.po"
    po.write_text(HEADER + 'msgctxt "s/p-1"\nmsgid "a"\nmsgstr "x"\n\n'
                           'msgid "a"\nmsgstr "y"\n\n'          # same msgid, no msgctxt
                           'msgctxt "s/p-2"\nmsgid "a"\nmsgstr "z"\n\n'
                           'msgid "a"\n"b"\nmsgstr "w"\n\n'     # msgid "ab"
                           'msgid "n"\nmsgid_plural "ns"\nmsgstr[0] "n"\nmsgstr[1] "ns"\n', "utf-8")
    catalog = read_catalog(po, "en")
    assert [(m.context, m.id) for m in catalog if m.id] == [
        ("s/p-1", "a"), (None, "a"), ("s/p-2", "a"), (None, "ab"), (None, ("n", "ns"))]


def test_a_bom_is_refused_at_line_1_and_bad_utf8_at_its_line(tmp_path):
    po = tmp_path / "bom.po"
    po.write_bytes(b"\xef\xbb\xbf" + (ROOT / "translations" / EN_PO).read_bytes())
    with pytest.raises(CatalogError, match=rf"^{po}:1: starts with a UTF-8 byte order mark"):
        read_catalog(po, "en")
    po.write_bytes(HEADER.encode() + b'msgid "a"\nmsgstr "\xff"\n')
    with pytest.raises(CatalogError, match=rf"^{po}:6: not valid UTF-8"):
        read_catalog(po, "en")
    with pytest.raises(CatalogError, match=rf"^{tmp_path / 'none.po'}: cannot read"):
        read_catalog(tmp_path / "none.po", "en")


def test_the_shipped_catalogs_read_cleanly():
    for po in (ROOT / "translations").rglob("*.po"):
        assert len(read_catalog(po, po.relative_to(ROOT / "translations").parts[0])) > 0


# --- the CLI on the shipped catalogs and on broken copies ------------------------------------

def run_qa(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "webapp.desk.qa", *args], cwd=cwd,
                          env={**os.environ, "PYTHONPATH": str(ROOT)},
                          capture_output=True, text=True)


def test_the_shipped_catalogs_pass_every_check():
    """What `make check-catalogs` and CI run: no problem in any catalog, every article."""
    findings = qa.check_all(ROOT / "translations", ROOT / "content")
    assert [str(f) for f in findings] == []


def test_report_prints_the_desks_table():
    result = run_qa("--report")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["article", "locale", "blocks", "translated", "fuzzy", "QA",
                                "warnings"]
    assert lines[2].split() == [SEED_SLUG, "en", "41", "41", "0", "0"]
    assert lines[3].split() == [SEED_SLUG, "zh_Hant", "41", "41", "0", "0"]
    assert lines[-1] == "catalogs: 0 problem(s)"


def _edit_en(translations: Path, change) -> Path:
    po = translations / EN_PO
    po.write_text(change(po.read_text("utf-8")), "utf-8")
    return po


def test_a_broken_translation_fails_with_file_and_line(translations_copy):
    po = _edit_en(translations_copy, lambda t: t.replace(
        "technology transfer and commercialization centers", "technology transfer centers")
        .replace("Inter-Lake Innovation Zone that", "Twin Lakes Innovation Zone that")
        .replace("50,000 tonnes of anode", "5,000 tonnes of anode"))
    result = run_qa("--translations", str(translations_copy))
    assert result.returncode == 1
    err = result.stderr.splitlines()
    assert any(line.startswith(f"{po}:") and ": glossary: 产业技术转移转化中心 should be rendered" in line
               for line in err), err
    assert any(": glossary: “两湖”创新区 should be rendered “Inter-Lake Innovation Zone”" in line
               for line in err), err
    assert any(": numbers: '5,000' (5,000) is not in the source" in line for line in err), err
    assert result.stdout.strip().endswith("problem(s)")


def test_markup_injected_into_a_catalog_fails_the_check(translations_copy):
    """Issue 14: a msgstr with a tag (or an entity decoding to one) is refused, file:line."""
    title = seed_article().title
    po = _edit_en(translations_copy, lambda t: t.replace(
        'msgstr "How can a small city build a “big industry”?"',
        'msgstr "How can a small city build a “big industry”? &lt;img src=x onerror=alert(1)&gt;"'))
    line = next(i for i, text in enumerate(po.read_text("utf-8").splitlines(), 1) if "&lt;img" in text)
    result = run_qa("--translations", str(translations_copy))
    assert result.returncode == 1
    assert f"{po}:{line - 1}: markup: markup not in the source: <img>" in result.stderr
    assert title.msgctxt == f"{SEED_SLUG}/title"


def test_coverage_problems_are_reported_with_their_lines(translations_copy):
    po = _edit_en(translations_copy, lambda t: t + '\n#~ msgctxt "jintan-new-energy/p-old"\n'
                                                  '#~ msgid "旧段落"\n#~ msgstr "An old paragraph"\n')
    hant_ui = translations_copy / "zh_Hant/LC_MESSAGES/messages.po"
    hant_ui.write_text(hant_ui.read_text("utf-8").replace(
        'msgstr "第 %(num)s 則，共 %(total)s 則"', 'msgstr "第 %(num)s 則"'), "utf-8")
    result = run_qa("--translations", str(translations_copy))
    assert result.returncode == 1
    assert "coverage: obsolete entry 'jintan-new-energy/p-old': delete it" in result.stderr
    assert f"{po}:" in result.stderr and f"{hant_ui}:" in result.stderr and "placeholders: placeholders differ" in result.stderr


def _line_of(po: Path, text: str) -> int:
    return next(i for i, line in enumerate(po.read_text("utf-8").splitlines(), 1) if text in line)


def test_each_coverage_problem_is_reported_at_its_place_and_counted(translations_copy):
    """check_all in-process: a block without an entry, an empty and a fuzzy translation, an
    entry for no block, a missing catalog, empty, fuzzy and missing UI strings; each finding's
    file, line and article, and the desk's counts for --report."""
    po = _edit_en(translations_copy, lambda t: t
                  .replace('msgctxt "jintan-new-energy/byline-label"\nmsgid "全媒体记者"\n'
                           'msgstr "By multimedia reporters"\n\n', "")
                  .replace('msgstr "The answers behind Jintan’s first big meeting after the '
                           'Spring Festival"', 'msgstr ""')
                  .replace('msgctxt "jintan-new-energy/by-7b4bb849"',
                           '#, fuzzy\nmsgctxt "jintan-new-energy/by-7b4bb849"')
                  .replace("50,000 tonnes of anode", "5,000 tonnes of anode")
                  + '\nmsgctxt "jintan-new-energy/p-gone"\nmsgid "旧段落"\nmsgstr "An old paragraph"\n')
    ui = translations_copy / "zh_Hant/LC_MESSAGES/messages.po"
    ui.write_text(ui.read_text("utf-8")
                  .replace('msgid "Archive by month"\nmsgstr "文章彙整（依月份）"\n', "")
                  .replace('msgid "Pages"\nmsgstr "分頁"', 'msgid "Pages"\nmsgstr ""')
                  .replace('msgid "Editor’s note"\n', '#, fuzzy\nmsgid "Editor’s note"\n'), "utf-8")
    hant = translations_copy / f"zh_Hant/LC_MESSAGES/articles/{SEED_SLUG}.po"
    hant.unlink()
    stats = {}
    findings = qa.check_all(translations_copy, ROOT / "content", stats=stats)
    en, ui_path, article = qa._rel(po), qa._rel(ui), qa._rel(seed_article().path)
    assert [(f.path, f.line, f.problem.rule, f.problem.message, f.slug) for f in findings] == [
        (en, _line_of(po, 'msgid "探究金坛新春'), "coverage",
         f"empty translation for {SEED_SLUG}/subtitle", SEED_SLUG),
        (article, 7, "coverage", f"no en entry for {SEED_SLUG}/byline-label in {en}", SEED_SLUG),
        (en, _line_of(po, 'msgid "师杰"'), "coverage",
         f"fuzzy translation for {SEED_SLUG}/by-7b4bb849", SEED_SLUG),
        (en, _line_of(po, 'msgid "旧段落"'), "coverage",
         f"entry {SEED_SLUG}/p-gone matches no block of the articles: run `make translations`",
         SEED_SLUG),
        (en, _line_of(po, "5,000 tonnes of anode") - 1, "numbers",
         "'5,000' (5,000) is not in the source", SEED_SLUG),
        (qa._rel(hant), None, "coverage", "missing catalog", None),
        (ui_path, _line_of(ui, 'msgid "Pages"'), "coverage",
         "empty translation for UI string 'Pages'", None),
        (ui_path, _line_of(ui, 'msgid "Editor’s note"'), "coverage",
         "fuzzy translation for UI string 'Editor’s note'", None),
        (ui_path, None, "coverage", "no entry for UI string 'Archive by month'", None),
    ]
    assert stats == {(SEED_SLUG, "en"): qa.ArticleStats(blocks=41, translated=38, fuzzy=1,
                                                        warnings=1)}
    assert qa.report(stats, findings).splitlines()[2:] == [
        f"{SEED_SLUG}             en          41          38      1            1",
        "(UI strings and other files)                                               4"]


def test_syntax_mode_is_what_make_compile_checks_first(translations_copy):
    po = translations_copy / EN_PO
    po.write_bytes(b"\xef\xbb\xbf" + po.read_bytes())
    result = run_qa("--syntax", "--translations", str(translations_copy))
    assert result.returncode == 1
    assert result.stderr.strip() == f"{po}:1: syntax: starts with a UTF-8 byte order mark " \
                                    "(BOM): save it as UTF-8 without BOM (gettext tools " \
                                    "misread the first line)"
    # and the full check says the same, not a traceback
    full = run_qa("--translations", str(translations_copy))
    assert f"{po}:1: syntax: starts with a UTF-8 byte order mark" in full.stderr
    assert "Traceback" not in full.stderr


def test_the_zh_hant_refresh_names_a_broken_catalog_instead_of_a_traceback(translations_copy,
                                                                           tmp_path):
    po = translations_copy / f"zh_Hant/LC_MESSAGES/articles/{SEED_SLUG}.po"
    po.write_bytes(b"\xef\xbb\xbf" + po.read_bytes())
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JINTAN_TRANSLATIONS_DIR": str(translations_copy),
           "JINTAN_BUILD_DIR": str(tmp_path / "build")}
    result = subprocess.run([sys.executable, "-m", "webapp.desk.catalogs", "update", "--no-ui",
                             SEED_SLUG], cwd=ROOT, capture_output=True, text=True, env=env)
    assert result.returncode == 1
    assert result.stderr.startswith(f"translations: {po}:1: starts with a UTF-8 byte order mark")
    assert "Traceback" not in result.stderr


# --- issue 22: the safety rules are exact and cannot be waived -------------------------------

@pytest.mark.parametrize("translation", [
    "约 %(num)10000000s 分钟读完", "约 %(num)-3s 分钟", "约 %(num).2s 分钟", "约 %(num)s 分钟 100%"])
def test_a_placeholder_with_a_width_flag_or_precision_the_msgid_lacks_is_refused(translation):
    assert rules(qa.check_placeholders("%(num)s min read", translation, "zh")) == ["placeholders"]


@pytest.mark.parametrize("translation", [
    "Read [a [b]](//evil.example)", "Read [a\\]b](//evil.example)", "Read <https://evil.example>"])
def test_links_are_found_by_the_sites_own_markdown_parser(translation):
    assert "markup" in rules(qa.check_markup("增长了40%", translation, "en"))


def test_a_qa_ok_comment_cannot_waive_a_safety_rule():
    from babel.messages.catalog import Message

    from webapp.desk.qa import Exceptions, Problem
    msg = Message("x", user_comments=["qa-ok markup: looks fine to me"])
    problems = [Problem("markup", "markup not in the source: link to //evil")]
    kept = Exceptions.of(msg).filter(problems)
    assert [p.rule for p in kept] == ["qa-ok", "markup"]
    assert "cannot be waived" in kept[0].message


def test_check_catalogs_refuses_what_msgfmt_refuses_at_its_line(translations_copy):
    """GNU msgfmt is the syntax referee (issue 22): an entry with two msgstr lines is an error."""
    po = translations_copy / "zh" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text("utf-8").replace('msgstr "分享"\n', 'msgstr "分享"\nmsgstr "共享"\n'),
                  "utf-8")
    line = _line_of(po, 'msgstr "共享"')
    result = run_qa("--translations", str(translations_copy))
    assert result.returncode == 1
    assert f"{po}:{line}: syntax: msgfmt: syntax error" in result.stderr


# --- issue 22: approximate Chinese quantities are not false alarms -----------------------------

def _approx_corpus() -> list[tuple[str, str]]:
    path = ROOT / "tests" / "data" / "numbers_approx.tsv"
    return [tuple(line.split("\t")) for line in path.read_text("utf-8").splitlines()
            if line and not line.startswith("#")]


def test_approximate_quantities_in_news_sentences_raise_no_false_alarm():
    rows = _approx_corpus()
    assert len(rows) >= 35
    alarms = [(s, t, [p.message for p in qa.check_numbers(s, t, "en")]) for s, t in rows]
    assert [a for a in alarms if a[2]] == []


@pytest.mark.parametrize("source, translation", [
    ("活动吸引了两千多名游客。", "The event drew more than 3,000 visitors."),
    ("上万名游客涌入金坛。", "500 visitors poured into Jintan."),
    ("每天有三四百人来咨询。", "About 700 people come every day."),
    ("该项目总投资三千五百万元。", "The project's total investment is 3.5 million yuan."),
])
def test_a_wrong_number_beside_an_approximate_one_is_still_found(source, translation):
    assert rules(qa.check_numbers(source, translation, "en")) != []


# --- issue 22: waivers live outside the catalogs ----------------------------------------------

def test_the_seeds_reviewed_waiver_lives_outside_the_catalogs():
    waivers = qa.load_waivers(ROOT / "translations" / "waivers.toml")
    assert waivers[("en", "jintan-new-energy/q-7a1feda6")] == [
        "qa-ok numbers 2021 2025: 14th Five-Year Plan years, added for readers"]
    for po in (ROOT / "translations").rglob("*.po"):
        assert "# qa-ok" not in po.read_text("utf-8"), po


def test_a_qa_ok_comment_in_a_catalog_waives_nothing(translations_copy):
    po = translations_copy / EN_PO
    text = po.read_text("utf-8")
    (translations_copy / "waivers.toml").unlink()
    result = run_qa("--translations", str(translations_copy))
    assert result.returncode == 1
    assert "numbers: '2021' (2,021) is not in the source" in result.stderr  # no longer waived
    ctxt = text.index('msgctxt "jintan-new-energy/q-7a1feda6"')
    po.write_text(text[:ctxt] + "# qa-ok numbers 2021 2025: I say so\n" + text[ctxt:], "utf-8")
    result = run_qa("--translations", str(translations_copy))
    assert "a qa-ok comment in a catalog waives nothing" in result.stderr
    assert "numbers: '2021' (2,021) is not in the source" in result.stderr


def test_a_malformed_waiver_file_is_named():
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "waivers.toml"
        path.write_text('[[waiver]]\nlocale = "en"\nrule = "numbers"\n', "utf-8")
        with pytest.raises(CatalogError, match="needs locale, msgctxt"):
            qa.load_waivers(path)

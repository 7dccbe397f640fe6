"""The article file format: what an editor writes is what the loader gives, or a clear error.

Fixtures only (tests/data/articles/ and files written to tmp_path); the seed article has its
own acceptance tests in tests/test_seed_article.py.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from tests.helpers import FIXTURE_SLUGS, FULL, UNDATED
from tests.helpers import article as fixture_article
from webapp.publish.build import BuildError, build
from webapp.config import load as load_config
from webapp.config import ROOT
from webapp.content import (
    Block, ContentError, ContentErrors, Kind, find_article_files, load_articles, main, parse_article,
)
from webapp.dates import NEWSROOM_TZ

COMPLETE = ROOT / "tests" / "data" / "articles" / "complete.md"
GOOD_HEAD = "---\ntitle: 标题\n"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return path


def article(tmp_path, front: str = "", body: str = "\n段落。\n", name: str = "a.md"):
    return parse_article(write(tmp_path, name, GOOD_HEAD + front + "---\n" + body))


def refusal(tmp_path, text: str, name: str = "broken-article.md") -> ContentError:
    path = write(tmp_path, name, text)
    with pytest.raises(ContentError) as err:
        parse_article(path)
    return err.value


# --- the parts of an article -------------------------------------------------------------------

def test_every_part_of_the_format_becomes_blocks_in_reading_order():
    a = parse_article(COMPLETE)
    assert a.slug == "complete"
    assert (a.title.text, a.subtitle.text, a.byline_label.text) == (
        "金坛召开“五大行动”动员大会", "探究新春“第一会”背后的答案", "全媒体记者")
    assert [b.text for b in a.authors] == ["师杰", "王冰莹"]
    assert a.note.text.startswith("编者按")
    assert [(f.caption.text, f.image, f.alt and f.alt.text) for f in a.figures] == [
        ("盐穴压缩空气储能国家试验示范项目", "images/salt-cavern.jpg", "厂区鸟瞰，远处是储气罐"),
        ("动员大会现场", None, None)]
    assert [b.kind for b in a.body] == ["paragraph", "heading", "paragraph", "heading",
                                        "paragraph", "paragraph"]
    assert [(q.speaker.text, q.role.text) for q in a.quotes] == [("杨红新", "蜂巢能源科技股份有限公司董事长")]
    assert a.quotes[0].id == a.quotes[0].text.id
    assert [b.kind for b in a.blocks] == [
        "title", "subtitle", "byline", "author", "author", "note", "caption", "alt", "caption",
        "paragraph", "heading", "paragraph", "heading", "paragraph", "paragraph",
        "quotes-heading", "speaker", "role", "quote"]


def test_the_loader_gives_every_part_the_editor_wrote():
    a = fixture_article(FULL)
    assert a.title.text == "金坛龙舟节吸引万名游客"
    assert a.subtitle.text == "传统节日带动文旅消费"
    assert a.byline_label.text == "记者"
    assert [b.text for b in a.authors] == ["李明", "周婷"]
    assert a.note.text == "本文是测试用的虚构报道。"
    assert [(f.caption.text, f.image, f.alt) for f in a.figures] == [
        ("龙舟队在湖上训练", None, None), ("岸边观众为选手加油", None, None)]
    assert [(b.kind, b.text[:4]) for b in a.body] == [
        ("paragraph", "三月十四"), ("heading", "传统与创"), ("paragraph", "龙舟节已"),
        ("paragraph", "更多信息"), ("heading", "比赛结果"), ("paragraph", "直溪镇代")]
    assert a.quotes_heading.text == "观众说"
    assert [q.speaker.text for q in a.quotes] == ["王芳", "陈刚", "刘洋", "赵丽"]
    assert str(a.published) == "2026-03-14" and str(a.updated) == "2026-03-20"
    pictured = fixture_article(UNDATED).figures[0]
    assert (pictured.caption.text, pictured.image, pictured.alt.text, pictured.image_line,
            pictured.credit.text) == \
        ("修缮后的石桥", "old-bridge.jpg", "渐变背景上散布着彩色椭圆（生成的测试图片）", 6, "测试图片 王冰莹 摄")


@pytest.mark.parametrize("slug", FIXTURE_SLUGS)
def test_block_ids_are_unique_and_anchors_are_valid(slug):
    blocks = fixture_article(slug).blocks
    ids = [b.id for b in blocks]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9-]*", i) for i in ids)
    assert all(b.msgctxt == f"{slug}/{b.id}" for b in blocks)


def test_editing_one_paragraph_keeps_every_other_id_through_a_release(site_copy):
    before = site_copy.article(FULL)
    target = before.body[2]
    site_copy.edit(FULL, target.text, target.text + "新增一句。")
    after = site_copy.article(FULL)
    changed = {b.id for b in before.blocks} ^ {b.id for b in after.blocks}
    assert changed == {target.id, after.body[2].id}
    assert [b.id for b in before.blocks if b is not target] == \
           [b.id for b in after.blocks if b.id != after.body[2].id]


def test_blocks_carry_their_file_line_and_gettext_context():
    a = parse_article(COMPLETE)
    lines = COMPLETE.read_text("utf-8").split("\n")
    for block in a.blocks:
        assert block.msgctxt == f"complete/{block.id}"
        first_words = block.text.split("\n")[0][:4]
        assert first_words in lines[block.line - 1], (block.kind, block.line)


def test_ids_come_from_the_kind_and_the_text():
    """Ids are what translations are keyed on: a fixed id for one-per-article kinds, else the
    kind's prefix and the first 8 hex digits of the SHA-1 of the text (unchanged since 0.1)."""
    a = parse_article(COMPLETE)
    by_kind = {b.kind: b.id for b in a.blocks}
    assert (by_kind["title"], by_kind["subtitle"], by_kind["byline"], by_kind["note"],
            by_kind["quotes-heading"]) == ("title", "subtitle", "byline-label", "note", "quotes-heading")
    assert a.authors[0].id == "by-7b4bb849"          # sha1("师杰")[:8]
    assert a.body[-2].id == "p-96895a5e" and a.body[-1].id == "p-96895a5e-2"  # same text twice
    for block in a.blocks:
        assert re.fullmatch(r"[a-z][a-z0-9-]*", block.id)
    assert len({b.id for b in a.blocks}) == len(a.blocks)


def test_editing_one_paragraph_keeps_every_other_id(tmp_path):
    text = COMPLETE.read_text("utf-8")
    before = parse_article(COMPLETE)
    after = parse_article(write(tmp_path, "complete.md", text.replace("项目为王", "项目为王！")))
    assert {b.id for b in before.blocks} ^ {b.id for b in after.blocks} == {
        before.body[1].id, after.body[1].id}


def test_the_kind_enum_carries_prefix_note_and_counting_rule():
    assert Kind.PARAGRAPH == "paragraph" and isinstance(Kind.PARAGRAPH, str)
    assert Kind("quotes-heading") is Kind.QUOTES_HEADING
    assert (Kind.PARAGRAPH.prefix, Kind.CAPTION.prefix, Kind.TITLE.fixed_id) == ("p", "fig", "title")
    assert Kind.CAPTION.note == "Photo caption"
    assert not Kind.ALT.counted and Kind.QUOTE.counted
    for kind in Kind:  # every kind gets an id one way or the other, and a translator's note
        assert bool(kind.prefix) != bool(kind.fixed_id) and kind.note


def test_block_is_a_plain_record():
    b = Block(Kind.TITLE, "title", "标题", 2, "x/title")
    assert (b.kind, b.id, b.text, b.line, b.msgctxt) == ("title", "title", "标题", 2, "x/title")


# --- refusals with file and line ----------------------------------------------------------------

@pytest.mark.parametrize("text, line, message", [
    ("---\nsubtitle: 副标题\n---\n\n正文。\n", 1, "no 'title'"),
    ("---\ntitle: [unclosed\n---\n", 2, "not valid YAML"),
    ("title: 标题\n\n正文。\n", 1, "must start with a '---'"),
    ("---\ntitle: 标题\n", 1, "no closing '---'"),
    (GOOD_HEAD + "quotes:\n  items:\n    - role: 总经理\n      text: 说了话\n---\n", 5,
     "quote speaker"),
    (GOOD_HEAD + "quotes:\n  items:\n    - speaker: 张三\n      text: 说了话\n---\n", 5,
     "quote role"),
    (GOOD_HEAD + "published: 2023-13-45\n---\n", 3, "invalid date '2023-13-45'"),
    (GOOD_HEAD + "---\n\n段落 ![图](images/x.jpg)\n", 5, "images are not allowed in the body"),
    (GOOD_HEAD + "figures:\n  - caption: 图\n    image: a.jpg\n---\n", 5, "alt text"),
    (GOOD_HEAD + "figures:\n  - caption: 图\n    image: ../../etc/passwd\n    alt: x\n---\n", 5,
     "under the photos folder"),
    (GOOD_HEAD + "colour: red\n---\n", 3, "unknown front matter key 'colour'"),
    (GOOD_HEAD + "published: yesterday\n---\n", 3, "published must be a date"),
    (GOOD_HEAD + "published: 2026年11月29日\n---\n", 3, "write a date as 2026-11-29"),
    (GOOD_HEAD + "---\n\n第一段。\n\n- 列表项\n", 7, "unsupported Markdown in the body: bullet list"),
    (GOOD_HEAD + "---\n\n<div>html</div>\n", 5, "html block"),
    (GOOD_HEAD + "---\n\n# 第二个标题\n", 5, "heading level h1"),
    (GOOD_HEAD + "---\n\n第一段。\n\n```\ncode\n```\n", 7, "code block (```)"),
    (GOOD_HEAD + "---\n\n第一段。\n\n---\n", 7, "thematic break"),
    (GOOD_HEAD + "---\n\n第一段\n---\n", 5, "a line of '---' or '===' under text"),
    (GOOD_HEAD + "---\n\n金坛<br>常州\n", 5, "raw HTML '<br>' is not allowed"),
    ('---\ntitle: ""\n---\n', 2, "title must be non-empty"),
    (GOOD_HEAD + "byline:\n  authors: 师杰\n---\n", 4, "non-empty 'authors' list"),
    (GOOD_HEAD + "quotes: 奋斗者说\n---\n", 3, "quotes must have 'heading' and 'items'"),
    (GOOD_HEAD + "figures:\n  caption: 图\n---\n", 3, "figures must be a list of mappings"),
])
def test_malformed_article_names_file_and_line(tmp_path, text, line, message):
    err = refusal(tmp_path, text)
    assert err.line == line
    assert message in str(err)
    assert str(err).startswith(f"{tmp_path / 'broken-article.md'}:{line}: ")


# --- fault kind: YAML values silently cut or retyped (issue 9) -----------------------------

@pytest.mark.parametrize("value", [
    "no", "yes", "on", "off", "true", "Null", "~", "1e3", "2026", "0x1F", "1_000", "12:30",
    "3.14", ".inf", "2026-11-29", "1:30:00", "<<", "=",
])
def test_front_matter_values_are_text_as_written(tmp_path, value):
    """YAML 1.1 would turn these into booleans, numbers, dates or null (12:30 is 750)."""
    a = article(tmp_path, f"subtitle: {value}\nnote: {value}\nbyline:\n  label: {value}\n"
                f"  authors: [{value}]\n")
    assert a.subtitle.text == a.note.text == a.byline_label.text == a.authors[0].text == value


def test_a_comment_that_would_cut_a_value_is_refused(tmp_path):
    err = refusal(tmp_path, "---\ntitle: 金坛 #新能源之都# 建设提速\n---\n")
    assert (err.line, str(err).split(": ", 1)[0]) == (2, f"{tmp_path / 'broken-article.md'}:2")
    assert "would be cut to '金坛'" in err.message
    assert '"金坛 #新能源之都# 建设提速"' in err.message  # the fix, ready to paste


@pytest.mark.parametrize("text, line", [
    ("---\ntitle: #新能源之都# 建设提速\n---\n", 2),                    # the whole value
    (GOOD_HEAD + "byline:\n  authors:\n    - 师杰 # 记者\n---\n", 5),   # a list item
    (GOOD_HEAD + "updated: 2026-11-29  # 我们的版本\n---\n", 3),         # even after a date
])
def test_any_same_line_comment_after_a_plain_value_is_refused(tmp_path, text, line):
    err = refusal(tmp_path, text)
    assert err.line == line and "YAML reads ' #' as the start of a comment" in err.message


def test_quoted_values_and_comment_lines_are_fine(tmp_path):
    a = article(tmp_path, '# 编者注释，自成一行\nsubtitle: "金坛 #新能源之都# 建设提速"  # 可以\n'
                "note: '不是 #注释#'\n")
    assert a.subtitle.text == "金坛 #新能源之都# 建设提速"
    assert a.note.text == "不是 #注释#"
    assert article(tmp_path, "subtitle: C#语言\n").subtitle.text == "C#语言"  # no space: not a comment


def test_a_duplicate_key_is_refused_naming_both_lines(tmp_path):
    err = refusal(tmp_path, "---\ntitle: 第一个\nsubtitle: 副\ntitle: 第二个\n---\n")
    assert err.line == 4
    assert "duplicate key 'title' (first on line 2)" in err.message
    err = refusal(tmp_path, GOOD_HEAD + "byline:\n  label: 记者\n  label: 编辑\n  authors: [甲]\n---\n")
    assert err.line == 5 and "duplicate key 'label'" in err.message


def test_yaml_tags_are_refused(tmp_path):
    err = refusal(tmp_path, GOOD_HEAD + "subtitle: !!int 5\n---\n")
    assert err.line == 3 and "YAML tag 'tag:yaml.org,2002:int'" in err.message


def test_a_title_folded_over_lines_keeps_chinese_without_a_space(tmp_path):
    """YAML folds a line break into a space, which Chinese reads as a gap: 金坛 建设."""
    a = parse_article(write(tmp_path, "a.md", "---\ntitle: 金坛新能源\n  建设提速\nsubtitle: Jintan\n"
                            "  new energy\nnote: '编者按：\n  决定一个城市'\n---\n"))
    assert a.title.text == "金坛新能源建设提速"
    assert a.subtitle.text == "Jintan new energy"
    assert a.note.text == "编者按：决定一个城市"


def test_a_folded_value_that_cannot_be_refolded_exactly_is_refused(tmp_path):
    err = refusal(tmp_path, '---\ntitle: "金坛\\t新能源\n  建设提速"\n---\n')
    assert err.line == 2 and "write it on one line" in err.message


@pytest.mark.parametrize("names", ["[师杰，王冰莹]", "[师杰、王冰莹]", "\n    - 师杰，王冰莹"])
def test_author_names_run_together_with_chinese_commas_are_refused(tmp_path, names):
    err = refusal(tmp_path, GOOD_HEAD + f"byline:\n  authors: {names}\n---\n")
    assert err.line == 4 and "holds several names" in err.message


@pytest.mark.parametrize("line, hint", [
    ("title：标题", "half-width colon ':'"),
    ("byline:\n\u3000\u3000label: 记者", "not full-width ones (U+3000)"),
    ("byline:\n\tlabel: 记者", "not tabs"),
])
def test_front_matter_typing_slips_get_a_hint(tmp_path, line, hint):
    err = refusal(tmp_path, f"---\n{line}\n---\n")
    assert hint in err.message and err.line == 2 + line.count("\n")


def test_yaml_syntax_errors_suggest_quotes(tmp_path):
    err = refusal(tmp_path, "---\ntitle: 金坛: 新能源之都\n---\n")
    assert err.line == 2 and "not valid YAML" in err.message and "needs quotes" in err.message


# --- fault kind: dates of mixed kinds ---------------------------------------------------------

def test_dates_and_datetimes_load_as_date_or_aware_datetime(tmp_path):
    a = article(tmp_path, "published: 2026-11-29\nupdated: 2026-11-30 09:30:00\n")
    assert a.published == dt.date(2026, 11, 29) and not isinstance(a.published, dt.datetime)
    assert a.updated == dt.datetime(2026, 11, 30, 9, 30, tzinfo=NEWSROOM_TZ)
    assert article(tmp_path, "updated: 2026-11-30T09:30:00Z\n").updated.utcoffset() == dt.timedelta(0)
    assert article(tmp_path, "updated: '2026-11-30'\n").updated == dt.date(2026, 11, 30)


def test_listing_date_is_published_else_updated(tmp_path):
    assert article(tmp_path, "published: 2023-01-30\nupdated: 2026-11-29\n").listing_date == dt.date(2023, 1, 30)
    assert article(tmp_path, "updated: 2026-11-29\n").listing_date == dt.date(2026, 11, 29)
    assert article(tmp_path).listing_date is None


def test_articles_are_listed_newest_first_across_dates_and_datetimes(tmp_path):
    for slug, front in [
        ("old", "published: 2023-01-01\n"),
        ("evening", "published: 2026-11-30 20:00\n"),
        ("day", "published: 2026-11-30\n"),                      # midnight, newsroom time
        ("tokyo", "published: 2026-11-30T09:30:00+09:00\n"),     # 08:30 newsroom time
        ("updated-only", "updated: 2024-05-01\n"),
        ("b-undated", ""), ("a-undated", ""),
    ]:
        write(tmp_path, f"{slug}.md", GOOD_HEAD + front + "---\n\n段落。\n")
    assert list(load_articles(tmp_path)) == [
        "evening", "tokyo", "day", "updated-only", "old", "a-undated", "b-undated"]


# --- fault kind: text XML cannot carry -----------------------------------------------------

@pytest.mark.parametrize("char, name", [
    ("\x0b", "U+000B LINE TABULATION"), ("\x00", "U+0000 NULL"), ("\x1b", "U+001B ESCAPE"),
    ("\x93", "U+0093"), ("\ufffe", "U+FFFE"), ("\uffff", "U+FFFF"), ("\ud800", "U+D800"),
    ("\u2028", "U+2028 LINE SEPARATOR"), ("\U0001fffe", "U+1FFFE"),
])
@pytest.mark.parametrize("where", ["front", "body"])
def test_characters_xml_cannot_carry_are_refused_by_name(tmp_path, char, name, where):
    text = (GOOD_HEAD + f"subtitle: 副{char}标题\n---\n\n正文。\n" if where == "front"
            else GOOD_HEAD + f"---\n\n正文。\n\n第二{char}段。\n")
    path = tmp_path / "paste.md"
    with pytest.raises(ContentError) as err:
        parse_article(path, text)
    assert err.value.line == (3 if where == "front" else 7)
    assert name in err.value.message and "cannot be published" in err.value.message


def test_a_character_reference_to_a_control_character_is_refused(tmp_path):
    err = refusal(tmp_path, GOOD_HEAD + "---\n\n换页&#12;符\n")
    assert err.line == 5 and "U+000C FORM FEED" in err.message


def test_tabs_crlf_bom_and_paste_characters_load(tmp_path):
    text = ("\ufeff---\r\ntitle: 标题\u00a0\u200b“引号”😀\u200f\r\n---\r\n\r\n第一段\t有制表符。\r\n")
    a = parse_article(write(tmp_path, "paste.md", text))
    assert a.title.text == "标题\u00a0\u200b“引号”😀\u200f"
    assert a.body[0].text == "第一段\t有制表符。" and a.body[0].line == 5


# --- fault kind: nothing dropped or changed silently (files) -------------------------------

def test_find_article_files_lists_articles_and_ignores_only_what_it_documents(tmp_path):
    for name in ["b.md", "a-2.md", "README.md", ".DS_Store", "b.md~", "#b.md#", ".b.md.swp"]:
        write(tmp_path, name, GOOD_HEAD + "---\n")
    write(tmp_path, ".drafts/draft.md", "whatever")
    assert find_article_files(tmp_path) == [tmp_path / "a-2.md", tmp_path / "b.md"]


def test_a_symbolic_link_in_content_is_refused_not_published(tmp_path):
    """A link would publish the file it points to (maybe outside content/), or a second copy
    of an article under a new URL (issue 22)."""
    write(tmp_path, "b.md", GOOD_HEAD + "---\n")
    (tmp_path / "link.md").symlink_to(tmp_path / "b.md")
    with pytest.raises(ContentError, match=r"link\.md: is a symbolic link: refused"):
        find_article_files(tmp_path)


@pytest.mark.parametrize("name, message", [
    ("x.MD", "ends in '.md' (lowercase): rename it to x.md"),
    ("x.markdown", "ends in '.md' (lowercase): rename it to x.md"),
    ("2026/x.md", "folders in content/ are not read"),
    ("Bad Name.md", "is not a valid slug (lowercase letters, digits and single hyphens; it "
                    "becomes the URL): rename it, e.g. to bad-name.md"),
    ("photo.jpg", "not an article"),
    ("dangling.md", "broken symbolic link"),
])
def test_anything_that_is_not_an_article_is_refused(tmp_path, name, message):
    write(tmp_path, "ok.md", GOOD_HEAD + "---\n")
    if name == "dangling.md":
        (tmp_path / name).symlink_to(tmp_path / "gone.md")
    else:
        write(tmp_path, name, GOOD_HEAD + "---\n")
    entry = tmp_path / name.split("/")[0]
    with pytest.raises(ContentError) as err:
        load_articles(tmp_path)
    assert str(err.value) == f"{entry}: {err.value.message}"
    assert message in err.value.message


def test_every_problem_of_a_folder_is_listed_at_once(tmp_path):
    write(tmp_path, "ok.md", GOOD_HEAD + "---\n")
    write(tmp_path, "x.MD", "")
    write(tmp_path, "broken.md", "---\nsubtitle: x\n---\n")
    write(tmp_path, "2026/y.md", "")
    with pytest.raises(ContentErrors) as err:
        find_article_files(tmp_path)
    assert [e.path for e in err.value.errors] == [str(tmp_path / "2026"), str(tmp_path / "x.MD")]
    (tmp_path / "x.MD").unlink()
    (tmp_path / "2026" / "y.md").unlink()
    (tmp_path / "2026").rmdir()
    write(tmp_path, "also-broken.md", "---\ntitle: [\n---\n")
    with pytest.raises(ContentErrors) as err:
        load_articles(tmp_path)
    assert str(err.value).splitlines() == [str(e) for e in err.value.errors]
    assert [(Path(e.path).name, e.line) for e in err.value.errors] == [("also-broken.md", 2), ("broken.md", 1)]


def test_an_empty_or_missing_folder_is_refused(tmp_path):
    write(tmp_path, "README.md", "# 说明\n")
    with pytest.raises(ContentError, match="no article"):
        find_article_files(tmp_path)
    with pytest.raises(ContentError, match="does not exist"):
        find_article_files(tmp_path / "nope")


@pytest.mark.parametrize("data, line, hint", [
    ("---\ntitle: 金坛\n---\n".encode("gbk"), 2, "GBK/GB18030"),
    ("---\ntitle: 金坛\n---\n".encode("utf-16"), 1, "UTF-16"),
    ("---\ntitle: caf\xe9\n---\n".encode("latin-1"), 2, "byte 0xE9"),
])
def test_a_file_not_in_utf8_is_refused_with_the_line_of_its_first_bad_byte(tmp_path, data, line, hint):
    path = tmp_path / "legacy.md"
    path.write_bytes(data)
    with pytest.raises(ContentError) as err:
        parse_article(path)
    assert err.value.line == line and "not valid UTF-8" in err.value.message and hint in err.value.message
    with pytest.raises(ContentError):
        load_articles(tmp_path)


def test_a_malformed_file_stops_the_release_build_with_its_name(tmp_path):
    write(tmp_path / "content", "ok.md", GOOD_HEAD + "---\n\n段落。\n")
    write(tmp_path / "content", "broken.md", "---\nsubtitle: x\n---\n")
    with pytest.raises(BuildError, match=r"broken\.md:1: front matter has no 'title'"):
        build(load_config({"CONTENT_DIR": str(tmp_path / "content"), "BUILD_DIR": str(tmp_path / "b")}),
              log=lambda *_: None)


def test_a_figure_whose_image_file_is_missing_stops_the_release_build(tmp_path):
    write(tmp_path / "content", "pic.md", GOOD_HEAD + "figures:\n  - caption: 图\n    image: images/nope.jpg\n"
          "    alt: 描述\n---\n\n段落。\n")
    with pytest.raises(BuildError, match=r"pic\.md:5: figure image photos/images/nope\.jpg does not exist"):
        build(load_config({"CONTENT_DIR": str(tmp_path / "content"), "BUILD_DIR": str(tmp_path / "b")}),
              log=lambda *_: None)


@pytest.mark.parametrize("front, message", [
    ("subtitle: &a 副标题\n", "YAML reads '&a' as an anchor"),
    ("subtitle: *a\n", "YAML reads '*a' as an anchor or alias"),
    ('subtitle: "竖\\v线"\n', "U+000B LINE TABULATION"),
    ('subtitle: "行\\L分隔"\n', "U+2028 LINE SEPARATOR"),
])
def test_yaml_anchors_and_escaped_control_characters_are_refused(tmp_path, front, message):
    err = refusal(tmp_path, GOOD_HEAD + front + "---\n")
    assert err.line == 3 and message in err.message


def test_the_newsroom_guide_example_is_a_valid_article(tmp_path):
    readme = (ROOT / "docs/newsroom.md").read_text("utf-8")
    section = readme[readme.index("## Adding an article"):]
    example = section.split("```markdown\n", 1)[1].split("\n```", 1)[0]
    a = parse_article(write(tmp_path, "example.md", example))
    assert (a.title.text, [b.text for b in a.authors]) == ("标题", ["师杰", "王冰莹"])
    assert a.updated == dt.datetime(2026, 11, 30, 9, 30, tzinfo=NEWSROOM_TZ)


def test_the_command_line_check_prints_every_problem_without_a_traceback(tmp_path, capsys):
    write(tmp_path, "ok.md", GOOD_HEAD + "---\n")
    assert main([str(tmp_path)]) == 0 and capsys.readouterr().out == "1 articles OK\n"
    write(tmp_path, "x.MD", "")
    (tmp_path / "gone.md").symlink_to(tmp_path / "nowhere.md")
    assert main([str(tmp_path)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"{tmp_path / 'gone.md'}: broken symbolic link (to {tmp_path / 'nowhere.md'}): "
        "restore its target or delete the link",
        f"{tmp_path / 'x.MD'}: an article file name ends in '.md' (lowercase): rename it to x.md"]


def test_duplicate_paragraphs_are_kept_with_distinct_ids(tmp_path):
    path = tmp_path / "dup.md"
    path.write_text(GOOD_HEAD + "---\n\n同一段。\n\n同一段。\n", "utf-8")
    body = parse_article(path).body
    assert [b.text for b in body] == ["同一段。", "同一段。"]
    assert body[0].id != body[1].id

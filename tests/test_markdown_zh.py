"""Markdown as a Chinese editor means it (webapp/cjk_markdown.py): each rule CommonMark gets
wrong for Chinese, with the issue's example, and English text rendered exactly as before."""

from __future__ import annotations

import pytest
from markdown_it import MarkdownIt

from webapp.cjk_markdown import prepare_body
from webapp.content import parse_article, render_inline

COMMONMARK = MarkdownIt("commonmark", {"html": False}).disable("image")


@pytest.mark.parametrize("source, html", [
    # issue 9's example: the full-width quote inside ** is punctuation under CommonMark
    ("金坛召开**“五大行动”**动员大会", "金坛召开<strong>“五大行动”</strong>动员大会"),
    ("**重点。**继续", "<strong>重点。</strong>继续"),
    ("这是**（括号）**内容", "这是<strong>（括号）</strong>内容"),
    ("强调*“引语”*之后", "强调<em>“引语”</em>之后"),
    ("全国**“两会”，**开幕", "全国<strong>“两会”，</strong>开幕"),
])
def test_emphasis_next_to_full_width_punctuation_works(source, html):
    assert render_inline(source) == html
    assert "*" in COMMONMARK.renderInline(source)  # plain CommonMark leaves the markers


@pytest.mark.parametrize("source", [
    "a **b** c", "*a*b", "foo*bar*", "**foo bar **", "__init__", "x**“y”**z", "5*6*7",
    "**bold** and _it_", "a_b_c", "see [x](https://e.com/a_b_c)", "`**code**`",
])
def test_text_without_chinese_renders_as_commonmark(source):
    assert render_inline(source) == COMMONMARK.renderInline(source)


def test_underscores_stay_literal_between_han_characters():
    assert render_inline("金坛_新能源_之都") == "金坛_新能源_之都"


@pytest.mark.parametrize("source, html", [
    ("金坛召开动员大会，\n号召全区上下", "金坛召开动员大会，号召全区上下"),
    ("**金坛**\n常州", "<strong>金坛</strong>常州"),
    ("金坛\nJintan", "金坛\nJintan"),        # next to Latin text the break stays a space
    ("2023年\n5月", "2023年\n5月"),
    ("한국어\n텍스트", "한국어\n텍스트"),      # Korean separates words with spaces
])
def test_a_line_break_between_chinese_characters_is_not_a_space(source, html):
    assert render_inline(source) == html


def test_a_wrapped_paragraph_in_the_body_reads_without_a_gap(tmp_path):
    path = tmp_path / "wrapped.md"
    path.write_text("---\ntitle: 标题\n---\n\n中创新航是第一家入驻金坛的企业，\n也是第一家入驻常州的企业。\n", "utf-8")
    block = parse_article(path).body[0]
    assert render_inline(block.text) == "中创新航是第一家入驻金坛的企业，也是第一家入驻常州的企业。"


def test_full_width_indents_start_paragraphs(tmp_path):
    """Copy from Word: each paragraph indented with two U+3000, one line break between them."""
    path = tmp_path / "indented.md"
    path.write_text("---\ntitle: 标题\n---\n\n　　第一段第一行，\n第一段第二行。\n　　第二段。\n\u3000\u3000\n"
                    "\u00a0第三段。\n", "utf-8")
    body = parse_article(path).body
    assert [(b.text, b.line) for b in body] == [
        ("第一段第一行，\n第一段第二行。", 5), ("第二段。", 7), ("第三段。", 9)]


def test_indented_lines_are_paragraphs_not_code(tmp_path):
    path = tmp_path / "indent.md"
    path.write_text("---\ntitle: 标题\n---\n\n第一段。\n\n    第二段，缩进四格。\n\n\t第三段。\n", "utf-8")
    assert [b.text for b in parse_article(path).body] == ["第一段。", "第二段，缩进四格。", "第三段。"]


@pytest.mark.parametrize("line, level", [
    ("＃＃ 小标题", "h2"), ("##　小标题", "h2"), ("＃＃＃　小标题", "h3"), ("#＃ 小标题", "h2"),
])
def test_full_width_heading_marks_and_spaces_make_headings(tmp_path, line, level):
    path = tmp_path / "h.md"
    path.write_text(f"---\ntitle: 标题\n---\n\n{line}\n\n正文。\n", "utf-8")
    heading = parse_article(path).body[0]
    assert (heading.kind, heading.text, heading.line) == ("heading", "小标题", 5)


def test_a_topic_hashtag_stays_text(tmp_path):
    path = tmp_path / "topic.md"
    path.write_text("---\ntitle: 标题\n---\n\n#新能源之都# 建设提速\n\n＃话题＃ 讨论\n", "utf-8")
    assert [(b.kind, b.text) for b in parse_article(path).body] == [
        ("paragraph", "#新能源之都# 建设提速"), ("paragraph", "＃话题＃ 讨论")]


def test_prepare_body_keeps_a_map_to_the_editors_lines():
    text, origin = prepare_body("　　甲\n乙\n　　丙")
    assert text.split("\n") == ["甲", "乙", "", "丙"]
    assert origin == [0, 1, 2, 2]

"""The article file format: what an editor writes is what the loader gives, or a clear error.
(The seed article's own content is checked in test_seed_article.py.)"""

from __future__ import annotations

import re

import pytest

from tests.helpers import FIXTURE_SLUGS, FULL, UNDATED, article
from webapp.content import ContentError, parse_article


def test_the_loader_gives_every_part_the_editor_wrote():
    a = article(FULL)
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
    pictured = article(UNDATED).figures[0]
    assert (pictured.caption.text, pictured.image, pictured.alt.text, pictured.image_line) == \
        ("修缮后的石桥", "icons/icon-192.png", "金坛阅读的应用图标", 6)


@pytest.mark.parametrize("slug", FIXTURE_SLUGS)
def test_block_ids_are_unique_and_anchors_are_valid(slug):
    blocks = article(slug).blocks
    ids = [b.id for b in blocks]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9-]*", i) for i in ids)
    assert all(b.msgctxt == f"{slug}/{b.id}" for b in blocks)


def test_editing_one_paragraph_keeps_every_other_id(site_copy):
    before = site_copy.article(FULL)
    target = before.body[2]
    site_copy.edit(FULL, target.text, target.text + "新增一句。")
    after = site_copy.article(FULL)
    changed = {b.id for b in before.blocks} ^ {b.id for b in after.blocks}
    assert changed == {target.id, after.body[2].id}
    assert [b.id for b in before.blocks if b is not target] == \
           [b.id for b in after.blocks if b.id != after.body[2].id]


GOOD_HEAD = '---\ntitle: 标题\n'


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
     "under static/"),
    (GOOD_HEAD + "colour: red\n---\n", 3, "unknown front matter key 'colour'"),
    (GOOD_HEAD + "published: yesterday\n---\n", 3, "published must be a date"),
    (GOOD_HEAD + "---\n\n第一段。\n\n- 列表项\n", 7,
     "unsupported Markdown in the body: bullet list"),
    (GOOD_HEAD + "---\n\n<div>html</div>\n", 5, "html block"),
    (GOOD_HEAD + "---\n\n# 第二个标题\n", 5, "heading level h1"),
    ('---\ntitle: ""\n---\n', 2, "title must be non-empty"),
])
def test_malformed_article_names_file_and_line(tmp_path, text, line, message):
    path = tmp_path / "broken-article.md"
    path.write_text(text, "utf-8")
    with pytest.raises(ContentError) as err:
        parse_article(path)
    assert err.value.line == line
    assert message in str(err.value)
    assert str(err.value).startswith(f"{path}:{line}: ")


def test_invalid_utf8_and_bad_slug_are_reported(tmp_path):
    bad = tmp_path / "latin1.md"
    bad.write_bytes("---\ntitle: caf\xe9\n---\n".encode("latin-1"))
    with pytest.raises(ContentError, match="not valid UTF-8"):
        parse_article(bad)
    with pytest.raises(ContentError, match="not a valid slug"):
        parse_article(tmp_path / "Bad Name.md", GOOD_HEAD + "---\n")


def test_duplicate_paragraphs_are_kept_with_distinct_ids(tmp_path):
    path = tmp_path / "dup.md"
    path.write_text(GOOD_HEAD + "---\n\n同一段。\n\n同一段。\n", "utf-8")
    body = parse_article(path).body
    assert [b.text for b in body] == ["同一段。", "同一段。"]
    assert body[0].id != body[1].id

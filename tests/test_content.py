"""The article file format: what an editor writes is what the loader gives, or a clear error."""

from __future__ import annotations

import re

import pytest

from tests.helpers import seed_article
from webapp import create_app
from webapp.config import ROOT
from webapp.content import ContentError, load_articles, parse_article

# The newsroom's seed text, as scraped (a copy of shared/seeds/000_0ce5258201754e13.txt).
SEED = ROOT / "tests" / "data" / "seed-jintan.txt"


def test_seed_article_holds_everything_the_seed_holds():
    a = seed_article()
    assert a.title.text == "小城市如何打造“大产业”？"
    assert a.subtitle.text == "探究金坛新春“第一会”背后的答案"
    assert [b.text for b in a.authors] == ["师杰", "王冰莹", "陈月乔"]
    assert a.byline_label.text == "全媒体记者"
    assert a.note.text.startswith("决定一个城市崛起的推动力是什么？")
    assert [f.caption.text for f in a.figures] == [
        "1月29日上午，金坛召开聚焦新能源之都建设、深入推进“五大行动”动员大会",
        "金坛盐穴压缩空气储能国家试验示范项目",
        "中创新航新能源产业“新蓝海”",
    ]
    assert all(f.image is None for f in a.figures)  # the seed has no photos
    assert len([b for b in a.body if b.kind == "paragraph"]) == 12
    assert a.quotes_heading.text == "奋斗者说"
    assert [(q.speaker.text, q.role.text[:6]) for q in a.quotes] == [
        ("杨红新", "蜂巢能源科技"), ("崔洪皓", "爱思开电池材"), ("杨红强", "贝特瑞新材料"),
        ("朱旦", "常州裕能石英"), ("孔德馨", "直溪镇副镇长"), ("张英", "金坛区发改局"),
    ]
    assert a.published is None  # no date in the seed: none invented


def test_every_seed_paragraph_is_in_the_article_and_the_banner_is_not():
    """Compare with the seed itself, ignoring the half-width punctuation the scrape left."""
    def norm(s):
        return re.sub(r"[\s,，:：?？()（）*]", "", s)
    seed = SEED.read_text("utf-8")
    article_text = norm("".join(b.text for b in seed_article().blocks))
    lines = [l for l in seed.splitlines() if l.strip()]
    banner, article_lines = lines[-3:], lines[:-3]
    for line in article_lines:
        body = norm(line.lstrip("#").replace("编者按", "").replace("奋斗者说", ""))
        # a quote heading line is "role name": both parts are in the article, in order
        assert body in article_text or all(norm(p) in article_text for p in line.strip("*: ").split()), line
    for line in banner:
        assert norm(line) not in article_text


def test_block_ids_are_unique_and_anchors_are_valid():
    ids = [b.id for b in seed_article().blocks]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z][a-z0-9-]*", i) for i in ids)


def test_editing_one_paragraph_keeps_every_other_id(content_copy):
    path = content_copy / "jintan-new-energy.md"
    before = parse_article(path)
    target = before.body[3]
    path.write_text(path.read_text("utf-8").replace(target.text, target.text + "新增一句。"), "utf-8")
    after = parse_article(path)
    changed = {b.id for b in before.blocks} ^ {b.id for b in after.blocks}
    assert changed == {target.id, after.body[3].id}
    assert [b.id for b in before.blocks if b is not target] == \
           [b.id for b in after.blocks if b.id != after.body[3].id]


GOOD_HEAD = '---\ntitle: 标题\n'


@pytest.mark.parametrize("text, line, message", [
    ("---\nsubtitle: 副标题\n---\n\n正文。\n", 1, "no 'title'"),
    ("---\ntitle: [unclosed\n---\n", 2, "not valid YAML"),
    ("title: 标题\n\n正文。\n", 1, "must start with a '---'"),
    ("---\ntitle: 标题\n", 1, "no closing '---'"),
    (GOOD_HEAD + "quotes:\n  items:\n    - role: 总经理\n      text: 说了话\n---\n", 5, "quote speaker"),
    (GOOD_HEAD + "quotes:\n  items:\n    - speaker: 张三\n      text: 说了话\n---\n", 5, "quote role"),
    (GOOD_HEAD + "published: 2023-13-45\n---\n", 3, "invalid date '2023-13-45'"),
    (GOOD_HEAD + "---\n\n段落 ![图](images/x.jpg)\n", 5, "images are not allowed in the body"),
    (GOOD_HEAD + "figures:\n  - caption: 图\n    image: a.jpg\n---\n", 5, "alt text"),
    (GOOD_HEAD + "figures:\n  - caption: 图\n    image: ../../etc/passwd\n    alt: x\n---\n", 5, "under static/"),
    (GOOD_HEAD + "colour: red\n---\n", 3, "unknown front matter key 'colour'"),
    (GOOD_HEAD + "published: yesterday\n---\n", 3, "published must be a date"),
    (GOOD_HEAD + "---\n\n第一段。\n\n- 列表项\n", 7, "unsupported Markdown in the body: bullet list"),
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


def test_a_malformed_file_stops_start_up_with_its_name(tmp_path):
    (tmp_path / "ok.md").write_text(GOOD_HEAD + "---\n\n段落。\n", "utf-8")
    (tmp_path / "broken.md").write_text("---\nsubtitle: x\n---\n", "utf-8")
    with pytest.raises(ContentError, match=r"broken\.md:1: front matter has no 'title'"):
        create_app({"CONTENT_DIR": str(tmp_path), "BUILD_DIR": str(tmp_path / "b")})


def test_a_figure_whose_image_file_is_missing_stops_start_up(tmp_path):
    (tmp_path / "pic.md").write_text(GOOD_HEAD + "figures:\n  - caption: 图\n    image: images/nope.jpg\n"
                                     "    alt: 描述\n---\n\n段落。\n", "utf-8")
    with pytest.raises(ContentError, match=r"pic\.md:5: figure image static/images/nope\.jpg does not exist"):
        create_app({"CONTENT_DIR": str(tmp_path), "BUILD_DIR": str(tmp_path / "b")})


def test_articles_are_listed_newest_first_undated_last(tmp_path):
    for slug, date in [("old", "2023-01-01"), ("new", "2024-05-01"), ("undated", None)]:
        head = GOOD_HEAD + (f"published: {date}\n" if date else "")
        (tmp_path / f"{slug}.md").write_text(head + "---\n\n段落。\n", "utf-8")
    assert list(load_articles(tmp_path)) == ["new", "old", "undated"]


def test_duplicate_paragraphs_are_kept_with_distinct_ids(tmp_path):
    path = tmp_path / "dup.md"
    path.write_text(GOOD_HEAD + "---\n\n同一段。\n\n同一段。\n", "utf-8")
    body = parse_article(path).body
    assert [b.text for b in body] == ["同一段。", "同一段。"]
    assert body[0].id != body[1].id

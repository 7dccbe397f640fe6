"""Acceptance tests of the live seed article (content/jintan-new-energy.md): it holds what the
newsroom's scraped text holds, and its block ids are the ones its translations are keyed on.
The format's own rules are tested on fixtures in tests/test_content.py."""

from __future__ import annotations

import re

from tests.helpers import english_catalog, seed_article
from webapp.config import ROOT
from webapp.content import parse_article

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
    lines = [line for line in seed.splitlines() if line.strip()]
    banner, article_lines = lines[-3:], lines[:-3]
    for line in article_lines:
        body = norm(line.lstrip("#").replace("编者按", "").replace("奋斗者说", ""))
        # a quote heading line is "role name": both parts are in the article, in order
        assert body in article_text or all(norm(p) in article_text for p in line.strip("*: ").split()), line
    for line in banner:
        assert norm(line) not in article_text


def test_every_seed_block_id_is_a_key_of_the_english_catalog():
    """Translations are keyed on ``<slug>/<block id>``: a loader change that moved an id would
    orphan its translation (and show Chinese on the English page)."""
    catalog = english_catalog()
    for block in seed_article().blocks:
        message = catalog.get(block.text, context=block.msgctxt)
        assert message is not None and message.string, block.msgctxt


def test_editing_one_seed_paragraph_keeps_every_other_id(content_copy):
    path = content_copy / "jintan-new-energy.md"
    before = parse_article(path)
    target = before.body[3]
    path.write_text(path.read_text("utf-8").replace(target.text, target.text + "新增一句。"), "utf-8")
    after = parse_article(path)
    changed = {b.id for b in before.blocks} ^ {b.id for b in after.blocks}
    assert changed == {target.id, after.body[3].id}

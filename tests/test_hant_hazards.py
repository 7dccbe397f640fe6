"""Issue 22: Traditional Chinese conversion hazards. A corpus of sentences whose characters
depend on the word (髮/發, 瞭/了, 製/制, 採/采, 後/后, 乾/幹/干, 裡/裏 ...) must convert exactly,
and the QA rule ``hant`` flags every sentence OpenCC alone gets wrong, and nothing correct."""

from __future__ import annotations

import pytest

from webapp.desk import qa
from webapp.config import ROOT
from webapp.desk.hant import CONFIG, convert

CORPUS = ROOT / "tests" / "data" / "hant_hazards.tsv"


def corpus() -> list[tuple[str, str]]:
    rows = []
    for line in CORPUS.read_text("utf-8").splitlines():
        if line and not line.startswith("#"):
            simplified, traditional = line.split("\t")
            rows.append((simplified, traditional))
    return rows


def test_the_corpus_is_larger_than_the_seed_cases():
    rows = corpus()
    assert len(rows) >= 40
    for hazard in ["被发明", "展示了如何", "参与制造", "中文采访", "前头发生", "七纳米制程"]:
        assert any(hazard in s for s, _ in rows), hazard


@pytest.mark.parametrize("simplified, traditional", corpus())
def test_every_corpus_sentence_converts_exactly(simplified, traditional):
    assert convert(simplified) == traditional


def test_the_rule_flags_every_sentence_opencc_alone_gets_wrong():
    from opencc import OpenCC
    raw = OpenCC(CONFIG)
    wrong = [(s, raw.convert(s)) for s, t in corpus() if raw.convert(s) != t]
    assert len(wrong) >= 20            # the corpus is made of real hazards
    misses = [(s, r) for s, r in wrong if not qa.check_hant(s, r, "zh_Hant")]
    assert misses == []


def test_the_rule_flags_nothing_right():
    false_alarms = [(s, t) for s, t in corpus() if qa.check_hant(s, t, "zh_Hant")]
    assert false_alarms == []


@pytest.mark.parametrize("text, words", [
    ("這項技術是在上海被髮明的。", "被髮"), ("視頻展示瞭如何支付。", "瞭"),
    ("他們參與制造了機器。", "制造"), ("她接受了中文采訪。", "采訪"),
    ("前頭髮生了事故。", "頭髮生"), ("七納米制程", "制程"), ("大家一起幹杯。", "幹杯"),
    ("範先生說", "範先"), ("家裏", "裏"),
])
def test_the_rule_names_the_suspicious_characters(text, words):
    problems = qa.check_hant("", text, "zh_Hant")
    assert problems and problems[0].rule == "hant" and words in problems[0].message, problems


def test_no_false_alarm_on_the_seed_and_the_fixtures():
    from webapp.desk.catalogs import read_catalog
    hits = []
    for root in (ROOT / "translations", ROOT / "tests" / "data" / "translations"):
        for po in sorted((root / "zh_Hant").rglob("*.po")):
            for msg in read_catalog(po, "zh_Hant"):
                for text in (msg.string if isinstance(msg.string, tuple) else (msg.string,)):
                    if msg.id and text and qa.check_hant("", text, "zh_Hant"):
                        hits.append((po.name, text))
    assert hits == []


@pytest.mark.parametrize("simplified", [
    "详见[金坛区介绍](https://zh.wikipedia.org/wiki/金坛区)。",
    "详见<https://baike.baidu.com/item/金坛区>。",
    "见[报告](https://example.com/发展(2025)报告 \"发展报告\")全文。",
])
def test_link_targets_are_never_converted(simplified):
    """OpenCC would rewrite a Chinese URL (金坛区 -> 金壇區): another address, which the
    release refuses as a link the source lacks (webapp.safety). Link text is converted."""
    from webapp import safety
    traditional = convert(simplified)
    assert safety.markup_problem(simplified, traditional) is None, traditional
    assert "詳見" in traditional or "見" in traditional

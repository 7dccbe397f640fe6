"""Estimated reading time: Han characters at the Chinese rate, words at the English rate."""

from __future__ import annotations

import math

import pytest

from tests.conftest import SEED_SLUG
from tests.helpers import english_catalog, seed_article
from webapp import reading
from webapp.reading import CJK_CHARS_PER_MINUTE, WORDS_PER_MINUTE, count_units, reading_minutes


@pytest.mark.parametrize("text, expected", [
    ("小城市如何打造“大产业”？", (10, 0)),          # punctuation is not read as characters
    ("2023年，金坛", (3, 1)),
    ("Don't stop: 2,000 Changzhou-based firms.", (0, 5)),
    ("", (0, 0)),
    ("— … “ ” ，。", (0, 0)),
])
def test_count_units(text, expected):
    assert count_units(text) == expected


def test_minutes_round_up_with_a_minimum_of_one():
    assert reading_minutes([]) == 1
    assert reading_minutes(["字" * CJK_CHARS_PER_MINUTE]) == 1
    assert reading_minutes(["字" * (CJK_CHARS_PER_MINUTE + 1)]) == 2
    assert reading_minutes(["word " * WORDS_PER_MINUTE]) == 1
    assert reading_minutes(["word " * (WORDS_PER_MINUTE + 1)]) == 2
    assert reading_minutes(['<a href="https://example.com/some/long/url">one</a>']) == 1
    # mixed text: both counts add up
    assert reading_minutes(["字" * CJK_CHARS_PER_MINUTE, "word " * WORDS_PER_MINUTE]) == 2


def test_the_rates_cite_their_sources():
    doc = reading.__doc__
    assert "IReST" in doc and "10.1167/iovs.11-8284" in doc
    assert "Brysbaert" in doc and "10.1016/j.jml.2019.104047" in doc


def _expected(texts) -> int:
    texts = list(texts)
    han = sum(count_units(t)[0] for t in texts)
    words = sum(count_units(t)[1] for t in texts)
    return max(1, math.ceil(han / CJK_CHARS_PER_MINUTE + words / WORDS_PER_MINUTE))


def test_article_pages_show_their_reading_time(client):
    blocks = [b for b in seed_article().blocks if b.kind in reading.COUNTED_KINDS]
    zh = _expected(b.text for b in blocks)
    catalog = english_catalog()
    en = _expected(catalog.get(b.text, context=b.msgctxt).string for b in blocks)
    assert 1 < zh < 30 and 1 < en < 30
    assert f'<p class="reading-time">约 {zh} 分钟读完</p>' in client.get(f"/zh/{SEED_SLUG}/").get_data(as_text=True)
    assert f'<p class="reading-time">{en} min read</p>' in client.get(f"/en/{SEED_SLUG}/").get_data(as_text=True)

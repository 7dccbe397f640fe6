"""Estimated reading time: Han characters at the Chinese rate, words at the English rate, as
each locale's page shows the article (text shown in Chinese counts as Chinese)."""

from __future__ import annotations

import math
import re

import pytest

from tests.helpers import FULL, article, main_of, plain, shown_text
from webapp.publish import reading
from webapp.publish.reading import CJK_CHARS_PER_MINUTE, WORDS_PER_MINUTE, count_units, reading_minutes


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


def expected_minutes(a, locale: str, slug: str, translations=None, skip=()) -> int:
    """The reading time by hand: every counted block as the reader of ``locale`` sees it."""
    kwargs = {"translations": translations} if translations else {}
    texts = [plain(shown_text(b, locale, slug, **kwargs)) for b in a.blocks
             if b.kind in reading.COUNTED_KINDS and b.id not in skip]
    han = sum(count_units(t)[0] for t in texts)
    words = sum(count_units(t)[1] for t in texts)
    return max(1, math.ceil(han / CJK_CHARS_PER_MINUTE + words / WORDS_PER_MINUTE))


def reading_time(client, path: str) -> str:
    return re.search(r'<p class="reading-time">([^<]*)</p>', client.get(path).get_data(
        as_text=True))[1]


def test_article_pages_show_their_reading_time(client):
    a = article(FULL)
    assert reading_time(client, f"/zh/{FULL}/") == f"约 {expected_minutes(a, 'zh', FULL)} 分钟读完"
    assert reading_time(client, f"/en/{FULL}/") == f"{expected_minutes(a, 'en', FULL)} min read"
    assert reading_time(client, f"/zh-hant/{FULL}/") == \
        f"閱讀時間約 {expected_minutes(a, 'zh_Hant', FULL)} 分鐘"


def test_text_shown_in_chinese_counts_at_the_chinese_rate_everywhere(site_copy):
    """A long paragraph not yet translated makes the English page as long to read as the
    Chinese one, and the front page says the same as the article."""
    long = "金坛新能源产业" * 100  # 700 Han characters: about 3 minutes
    site_copy.edit(FULL, "### 比赛结果", f"{long}\n\n### 比赛结果")
    client = site_copy.app().test_client()
    a = site_copy.article(FULL)
    zh = expected_minutes(a, "zh", FULL, site_copy.translations)
    en = expected_minutes(a, "en", FULL, site_copy.translations)
    paragraph = next(b.id for b in a.body if b.text == long)
    without = expected_minutes(a, "en", FULL, site_copy.translations, skip={paragraph})
    assert zh >= 3 and en >= without + 2  # the Chinese paragraph counts, at the Chinese rate
    assert reading_time(client, f"/zh/{FULL}/") == f"约 {zh} 分钟读完"
    assert reading_time(client, f"/en/{FULL}/") == f"{en} min read"
    front = main_of(client.get("/en/").get_data(as_text=True))
    item = front.split(f'href="/en/{FULL}/"', 1)[1].split("</li>", 1)[0]
    assert f"{en} min read" in item

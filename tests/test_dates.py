"""Date rules (webapp/dates.py): what editors may write, and what feeds, sitemaps and
listings get, for dates and datetimes alike."""

from __future__ import annotations

import datetime as dt

import pytest

from webapp.dates import NEWSROOM_TZ, local_date, parse, rfc3339, sort_key, w3c_datetime

TOKYO = dt.timezone(dt.timedelta(hours=9))


@pytest.mark.parametrize("text, value", [
    ("2026-11-29", dt.date(2026, 11, 29)),
    ("2026-11-30 09:30", dt.datetime(2026, 11, 30, 9, 30, tzinfo=NEWSROOM_TZ)),
    ("2026-11-30 09:30:00", dt.datetime(2026, 11, 30, 9, 30, tzinfo=NEWSROOM_TZ)),
    ("2026-11-30T09:30:15.5", dt.datetime(2026, 11, 30, 9, 30, 15, 500000, tzinfo=NEWSROOM_TZ)),
    ("2026-11-30T09:30:00+09:00", dt.datetime(2026, 11, 30, 9, 30, tzinfo=TOKYO)),
    ("2026-11-30 09:30:00 +0900", dt.datetime(2026, 11, 30, 9, 30, tzinfo=TOKYO)),
    ("2026-11-30T01:30:00Z", dt.datetime(2026, 11, 30, 1, 30, tzinfo=dt.timezone.utc)),
])
def test_parse_accepts_dates_and_times_editors_write(text, value):
    parsed = parse(text)
    assert parsed == value and type(parsed) is type(value)
    if isinstance(parsed, dt.datetime):
        assert parsed.utcoffset() == value.utcoffset()


@pytest.mark.parametrize("text, message", [
    ("yesterday", "is not a date"), ("2026/11/29", "is not a date"), ("2026-1-5", "is not a date"),
    ("2023-13-45", "invalid date '2023-13-45'"), ("2026-11-30 24:00", "invalid date"),
    ("2026-11-30T09:30:00+25:00", r"offset \+25:00 out of range"),
])
def test_parse_refuses_anything_else_with_the_accepted_forms(text, message):
    with pytest.raises(ValueError, match=message) as err:
        parse(text)
    assert "2026-11-29" in str(err.value) or "invalid date" in str(err.value)


def test_rfc3339_always_has_a_time_and_an_offset():
    assert rfc3339(dt.date(2026, 11, 29)) == "2026-11-29T00:00:00+08:00"
    assert rfc3339(parse("2026-11-30 09:30")) == "2026-11-30T09:30:00+08:00"
    assert rfc3339(parse("2026-11-30T01:30:00Z")) == "2026-11-30T01:30:00+00:00"
    assert rfc3339(parse("2026-11-30T01:30:00.25Z")) == "2026-11-30T01:30:00.250000+00:00"
    assert rfc3339(dt.datetime(2026, 11, 30, 9, 30)) == "2026-11-30T09:30:00+08:00"  # naive = newsroom


def test_w3c_datetime_keeps_a_date_a_date_and_a_time_zoned():
    assert w3c_datetime(dt.date(2026, 11, 29)) == "2026-11-29"
    assert w3c_datetime(parse("2026-11-30 09:30")) == "2026-11-30T09:30:00+08:00"


def test_sort_key_orders_dates_and_datetimes_together():
    values = [dt.date(2026, 11, 30), parse("2026-11-30 20:00"), parse("2026-11-30T09:30:00+09:00"),
              dt.date(2026, 11, 29), parse("2026-11-29T23:59:00Z")]
    with pytest.raises(TypeError):
        sorted(values)  # what made the feeds answer 500
    assert sorted(values, key=sort_key) == [values[3], values[0], values[4], values[2], values[1]]
    assert all(sort_key(v).tzinfo is not None for v in values)


def test_local_date_is_the_day_in_newsroom_time():
    assert local_date(dt.date(2026, 11, 30)) == dt.date(2026, 11, 30)
    assert local_date(parse("2026-11-30T23:30:00-05:00")) == dt.date(2026, 12, 1)
    assert local_date(parse("2026-11-30 23:30")) == dt.date(2026, 11, 30)

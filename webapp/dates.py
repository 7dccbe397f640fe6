"""Dates of articles: one set of rules for listing, feeds and sitemaps (placeholder; the
content layer owns this module)."""

from __future__ import annotations

import datetime as dt

NEWSROOM_TZ = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")


def _aware(value: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=NEWSROOM_TZ)
    return dt.datetime(value.year, value.month, value.day, tzinfo=NEWSROOM_TZ)


def rfc3339(value: dt.date | dt.datetime) -> str:
    """RFC 3339 date-time: a date is midnight newsroom time."""
    return _aware(value).replace(microsecond=0).isoformat()


def w3c_datetime(value: dt.date | dt.datetime) -> str:
    """W3C Datetime for sitemaps: a date stays a date, a datetime carries its offset."""
    if isinstance(value, dt.datetime):
        return rfc3339(value)
    return value.isoformat()


def sort_key(value: dt.date | dt.datetime) -> dt.datetime:
    """An aware datetime ordering dates and datetimes together."""
    return _aware(value)


def local_date(value: dt.date | dt.datetime) -> dt.date:
    """The calendar date in newsroom time."""
    return _aware(value).astimezone(NEWSROOM_TZ).date()

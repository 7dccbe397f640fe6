"""Dates and times of articles: one set of rules for the loader, feeds, sitemaps and pages.

An article's ``published`` and ``updated`` values are either a calendar date
(:class:`datetime.date`, "the 29th", no time of day) or a moment
(:class:`datetime.datetime`, always timezone-aware). Rules:

- **Newsroom time.** A time written without an offset (``2026-11-30 09:30``) is the
  newsroom's wall-clock time, China Standard Time: :data:`NEWSROOM_TZ`, UTC+08:00. China has
  kept UTC+08:00 all year since 1991 (no daylight saving time), so a fixed offset is exact
  for every date this app publishes. An explicit offset (``2026-11-30T09:30:00+09:00``, ``Z``)
  is kept as written.
- **What an editor may write** (:func:`parse`): ``YYYY-MM-DD``, or that date followed by
  ``T`` or a space and ``HH:MM`` or ``HH:MM:SS`` (fractions of a second allowed), optionally
  followed by ``Z`` or an offset ``+HH:MM`` / ``-HH:MM`` (``+HHMM`` and ``+HH`` too). This is
  the RFC 3339 §5.6 ``full-date`` / ``date-time`` grammar, with the two relaxations of
  ISO 8601 and YAML 1.1 timestamps that editors type: a space instead of ``T`` and an
  omitted offset (which RFC 3339 §4.4 calls "unqualified local time": here, newsroom time)
  or omitted seconds.
- **Output.** Atom (RFC 4287 §3.3 "Date Constructs") and JSON-LD/Open Graph want an RFC 3339
  ``date-time`` with an offset: :func:`rfc3339`, a bare date becoming midnight newsroom time.
  Sitemaps (sitemaps.org ``lastmod``) use W3C Datetime (https://www.w3.org/TR/NOTE-datetime),
  which allows a bare date: :func:`w3c_datetime` keeps a date a date and writes a time with
  its offset ("TZD"), never a time without a zone.
- **Order.** :func:`sort_key` maps both kinds onto one aware timeline (a date sorts as its
  midnight in newsroom time), so mixed values compare without ``TypeError``.
- **Calendar day.** :func:`local_date` is the day in newsroom time, for archive months and
  datelines (``2026-11-30T23:30:00-05:00`` is 1 December in Jintan).
"""

from __future__ import annotations

import datetime as dt
import re

NEWSROOM_TZ = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")
"""China Standard Time, UTC+08:00, no daylight saving time since 1991 (fixed offset)."""

DateValue = dt.date | dt.datetime
"""A ``published``/``updated`` value: a calendar date, or an aware datetime."""

_DATE_TIME = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[Tt ](?P<hour>\d{2}):(?P<minute>\d{2})(?::(?P<second>\d{2})(?P<fraction>\.\d+)?)?"
    r" ?(?P<zone>[Zz]|[+-]\d{2}(?::?\d{2})?)?)?"
)

FORMAT_HINT = ("write a date as 2026-11-29, or a date and time as 2026-11-30 09:30 "
               "(newsroom time, UTC+08:00) or 2026-11-30T09:30:00+08:00")


def parse(text: str) -> DateValue:
    """Parse a date or date-time as an editor writes it (see the module's rules).

    :param text: e.g. ``"2026-11-29"``, ``"2026-11-30 09:30"``, ``"2026-11-30T09:30:00Z"``.
    :returns: a :class:`datetime.date` when no time is given, else an aware
        :class:`datetime.datetime` (newsroom time when no offset is written).
    :raises ValueError: with a message for the editor: the shape is not one of the accepted
        ones, or a field is out of range (``2023-13-45``, ``24:00``, offset beyond ±23:59).
    Source: RFC 3339 §5.6 (grammar), §4.4 (unqualified local time).
    """
    match = _DATE_TIME.fullmatch(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a date: {FORMAT_HINT}")
    try:
        day = dt.date.fromisoformat(match["date"])
        if match["hour"] is None:
            return day
        fraction = match["fraction"] or ""
        micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
        moment = dt.datetime.combine(day, dt.time(
            int(match["hour"]), int(match["minute"]), int(match["second"] or 0), micro))
        return moment.replace(tzinfo=_zone(match["zone"]))
    except ValueError as exc:
        raise ValueError(f"invalid date {text.strip()!r}: {exc}") from exc


def _zone(text: str | None) -> dt.tzinfo:
    if text is None:
        return NEWSROOM_TZ
    if text in "Zz":
        return dt.timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        raise ValueError(f"offset {text} out of range (at most ±23:59)")
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


def aware(value: DateValue) -> dt.datetime:
    """``value`` as an aware datetime: a date is its midnight in newsroom time; a naive
    datetime is taken as newsroom time; an aware one is returned unchanged."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=NEWSROOM_TZ)
    return dt.datetime.combine(value, dt.time(0), tzinfo=NEWSROOM_TZ)


def rfc3339(value: DateValue) -> str:
    """An RFC 3339 ``date-time`` with an offset, for Atom, JSON-LD and Open Graph.

    ``2026-11-29`` (a date) -> ``2026-11-29T00:00:00+08:00`` (midnight newsroom time);
    a datetime keeps its own offset, seconds always written, fractions only when present:
    ``2026-11-30T09:30:00+08:00``, ``2026-11-30T01:30:00+00:00``.
    Sources: RFC 3339 §5.6; RFC 4287 §3.3 (Atom Date Constructs must use it, with an offset).
    """
    moment = aware(value)
    return moment.isoformat(timespec="microseconds" if moment.microsecond else "seconds")


def w3c_datetime(value: DateValue) -> str:
    """A W3C Datetime for a sitemap's ``lastmod``: a date stays ``YYYY-MM-DD``; a datetime is
    written with its offset (``2026-11-30T09:30:00+08:00``), never as a zone-less local time.
    Sources: https://www.w3.org/TR/NOTE-datetime (the profile sitemaps.org requires).
    """
    if isinstance(value, dt.datetime):
        return rfc3339(value)
    return value.isoformat()


def sort_key(value: DateValue) -> dt.datetime:
    """A key that orders dates and datetimes together on one aware timeline (a date counts
    as its midnight in newsroom time), so ``max()``/``sorted()`` never compare a date with a
    datetime (which raises ``TypeError``)."""
    return aware(value)


def local_date(value: DateValue) -> dt.date:
    """The calendar day of ``value`` in newsroom time (archive months, datelines):
    a date is itself; ``2026-11-30T23:30:00-05:00`` is ``2026-12-01``."""
    if isinstance(value, dt.datetime):
        return aware(value).astimezone(NEWSROOM_TZ).date()
    return value

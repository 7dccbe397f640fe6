"""The locale table: every fact about the site's languages, in one place.

Three names per locale, each used in one place only:

- the **id** (``zh``, ``en``, ``zh_Hant``): Babel/Flask-Babel locale id, catalog folder name
  (``translations/<id>/``), everything in Python, the ``locale`` cookie;
- the **URL segment** (``zh``, ``en``, ``zh-hant``): the first path segment of its pages, read
  and written by :class:`LocaleConverter` (``/<locale:lang>/``), so views only see ids;
- the **BCP 47 tag** (``zh-Hans``, ``en``, ``zh-Hant``): markup only (``lang``, ``hreflang``,
  manifest ``lang``, JSON-LD ``inLanguage``).

Negotiation (``/``, the service worker offline, the static export's root page) is one ordered
table of regular expressions, :data:`NEGOTIATION`, applied by :func:`match_tag` here and by the
JavaScript that receives :func:`client_table` as JSON: one table, a three-line loop per language.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from werkzeug.routing import BaseConverter


@dataclass(frozen=True)
class LocaleInfo:
    """One supported locale: id (catalog folder, Python), BCP 47 tag for markup, own-name
    label, Open Graph locale (``ll_TT``) and URL segment."""

    id: str
    tag: str
    name: str          # the language's name in itself, for the switcher
    og: str            # Open Graph locale
    segment: str       # first path segment of its pages


LOCALES: dict[str, LocaleInfo] = {
    "zh": LocaleInfo("zh", "zh-Hans", "简体", "zh_CN", "zh"),   # beside 繁體: both are Chinese (FT中文网 too)
    "en": LocaleInfo("en", "en", "English", "en_US", "en"),   # American spelling (STYLE.md)
    "zh_Hant": LocaleInfo("zh_Hant", "zh-Hant", "繁體", "zh_TW", "zh-hant"),
}
SOURCE_LOCALE = "zh"          # the language the newsroom writes in (article msgids)
DEFAULT_LOCALE = "zh"         # where negotiation lands when nothing matches
SECOND_LOCALE = "en"          # the translation shown beside the source in the parallel view
UI_SOURCE_LOCALE = "en"       # msgid language of the ``messages`` domain
HANT = "zh_Hant"              # Traditional Chinese: converted by OpenCC (webapp.desk.hant), not translated


class Status(StrEnum):
    """How much of an article a locale's catalog translates (written by the release build,
    read by pages, lists and feeds; a ``str``, so the release index stores the value)."""

    COMPLETE = "complete"     # every block translated (or the source locale)
    PARTIAL = "partial"       # some blocks translated, the rest shown in the source
    NONE = "none"             # nothing translated: the source is shown


COOKIE_NAME = "locale"        # the reader's saved choice (a locale id), set by the switcher
COOKIE_MAX_AGE = 365 * 24 * 3600  # seconds

# BCP 47 tag (lowercased, "-" separated) -> locale id, first match wins. Chinese: an explicit
# script subtag decides; without one, the region does as CLDR's likely subtags do (zh-TW,
# zh-HK, zh-MO -> zh-Hant; zh-CN, zh-SG, plain zh -> zh-Hans). Babel's negotiate_locale is
# not used: it strips only the last subtag and so sends zh-TW to Simplified.
NEGOTIATION: tuple[tuple[str, str], ...] = (
    (r"^zh(-[a-z0-9]{1,8})*-hant(-|$)", "zh_Hant"),
    (r"^zh(-[a-z0-9]{1,8})*-hans(-|$)", "zh"),
    (r"^zh(-[a-z0-9]{1,8})*-(tw|hk|mo)(-|$)", "zh_Hant"),
    (r"^zh(-|$)", "zh"),
    (r"^en(-|$)", "en"),
)
_NEGOTIATION = tuple((re.compile(rx), code) for rx, code in NEGOTIATION)
_SEGMENTS = {info.segment: code for code, info in LOCALES.items()}


def reader_chinese(locale: str) -> str:
    """The Chinese locale id shown to a reader of ``locale`` beside the English (the parallel
    view's Chinese column): a Chinese locale is its own script (``zh_Hant`` -> ``zh_Hant``, so a
    Traditional reader never gets Simplified), any other locale the source (``zh``)."""
    return locale if LOCALES[locale].tag.startswith("zh") else SOURCE_LOCALE


def locale_from_segment(segment: str | None) -> str | None:
    """The locale id whose URL segment is ``segment`` (``zh-hant`` -> ``zh_Hant``), or None."""
    return _SEGMENTS.get(segment or "")


def locale_alias(path: str) -> str | None:
    """The locale id that the first segment of ``path`` names without being its URL segment
    (``/ZH/``, ``/zh-TW/...``, ``/zh_Hant/...``, ``/en-US/...``: a language tag, any case,
    ``_`` for ``-``, read by :func:`match_tag`), or None (a real segment, or no language)."""
    first = path.lstrip("/").split("/", 1)[0]
    if not first or first in _SEGMENTS:
        return None
    return match_tag(first)


def locale_from_cookie(value: str | None) -> str | None:
    """The saved locale id from a ``locale`` cookie value (text), or None if absent or unknown.

    The cookie holds a locale id; the comparison ignores case and accepts ``-`` for ``_`` (a
    URL segment or tag such as ``zh-hant``). A malformed or foreign value is ignored, never an
    error."""
    value = (value or "").strip().lower().replace("-", "_")
    return next((code for code in LOCALES if code.lower() == value), None)


def match_tag(tag: str) -> str | None:
    """The supported locale id for one BCP 47 language tag (text), or None.

    Case-insensitive, ``_`` accepted for ``-``; rules: :data:`NEGOTIATION` in order."""
    tag = tag.strip().lower().replace("_", "-")
    return next((code for rx, code in _NEGOTIATION if rx.search(tag)), None)


def negotiate(accept_language) -> str | None:
    """Pick a locale id from a parsed ``Accept-Language`` header, or None if nothing matches.

    :param accept_language: werkzeug ``LanguageAccept`` (malformed items already dropped), in
        the reader's order of preference. RFC 4647 §3.4 lookup: the first tag with q > 0 that
        :func:`match_tag` maps wins."""
    for tag, q in accept_language:
        if q > 0 and tag != "*":
            found = match_tag(tag)
            if found:
                return found
    return None


def client_table() -> dict:
    """What the browser-side code needs to negotiate like :func:`match_tag` (JSON-ready):
    the rules with segments instead of ids, the segments, the default, and the cookie."""
    return {
        "rules": [[rx, LOCALES[code].segment] for rx, code in NEGOTIATION],
        "segments": {code: info.segment for code, info in LOCALES.items()},
        "default": LOCALES[DEFAULT_LOCALE].segment,
        "cookie": COOKIE_NAME,
        "cookieMaxAge": COOKIE_MAX_AGE,
    }


class LocaleConverter(BaseConverter):
    """URL converter for ``/<locale:lang>/``: matches only the supported segments and gives
    the view a locale id; ``url_for(..., lang="zh_Hant")`` writes ``zh-hant``. Any other first
    segment matches no route: a 404, except a language tag naming a locale (``/zh_Hant/``,
    ``/ZH/``: :func:`locale_alias`), which the app redirects to that locale's page."""

    regex = "|".join(re.escape(info.segment) for info in
                     sorted(LOCALES.values(), key=lambda i: -len(i.segment)))

    def to_python(self, value: str) -> str:
        return _SEGMENTS[value]

    def to_url(self, value: str) -> str:
        return LOCALES[value].segment if value in LOCALES else value

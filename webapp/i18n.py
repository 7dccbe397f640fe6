"""Locales: the supported table, negotiation for ``/``, and translation of article blocks.

Three names per locale, each used in one place only:

- the **id** (``zh``, ``en``, ``zh_Hant``): Babel/Flask-Babel locale id, catalog folder name
  (``translations/<id>/``), everything in Python, the ``locale`` cookie;
- the **URL segment** (``zh``, ``en``, ``zh-hant``): the first path segment of its pages.
  ``url_for(..., lang_code=<id>)`` writes it (``views.add_lang_code``) and the URL value
  preprocessor turns it back into the id, so views and templates only ever see ids;
- the **BCP 47 tag** (``zh-Hans``, ``en``, ``zh-Hant``): markup only (``lang``, ``hreflang``,
  manifest ``lang``, JSON-LD ``inLanguage``).

``zh_Hant`` has its own catalog folder, so Flask-Babel and :func:`load_article_catalogs` find
``translations/zh_Hant/`` before they would fall back to ``translations/zh/`` (gettext expands
``zh_Hant`` to ``[zh_Hant, zh]``).
"""

from __future__ import annotations

from dataclasses import dataclass

from babel.lists import format_list
from babel.support import NullTranslations, Translations
from flask import current_app, g, request
import flask_babel
from flask_babel import format_date, get_locale
from markupsafe import Markup

from webapp.content import Block, render_inline


@dataclass(frozen=True)
class LocaleInfo:
    """One supported locale: id (catalog folder, Python), BCP 47 tag for markup, own-name
    label, Open Graph locale (``ll_TT``) and URL segment."""

    id: str
    tag: str
    name: str          # the language's name in itself, for the switcher
    og: str            # Open Graph locale
    url: str = ""      # first path segment of its pages; the id when empty

    @property
    def segment(self) -> str:
        return self.url or self.id


LOCALES: dict[str, LocaleInfo] = {
    "zh": LocaleInfo("zh", "zh-Hans", "中文", "zh_CN"),
    "en": LocaleInfo("en", "en", "English", "en_GB"),
    "zh_Hant": LocaleInfo("zh_Hant", "zh-Hant", "繁體", "zh_TW", "zh-hant"),
}
# URL segment -> locale id
SEGMENTS: dict[str, str] = {info.segment: code for code, info in LOCALES.items()}
# Regions whose Chinese is written in Traditional characters when the tag names no script
# (CLDR likelySubtags: zh-TW -> zh-Hant-TW, zh-HK -> zh-Hant-HK, zh-MO -> zh-Hant-MO).
HANT_REGIONS = frozenset({"tw", "hk", "mo"})
SOURCE_LOCALE = "zh"          # the language the newsroom writes in (article msgids)
DEFAULT_LOCALE = "zh"         # where negotiation lands when nothing matches
COOKIE_NAME = "locale"        # the reader's saved choice, set by the language switcher

ARTICLE_DOMAIN = "article"    # catalog domain of article text (Chinese msgids)


def current_locale() -> str:
    """The locale id of the current request: the URL's ``lang_code``, else the negotiated one."""
    lang = g.get("lang_code")
    if lang:
        return lang
    loc = get_locale()
    return str(loc) if str(loc) in LOCALES else str(loc.language)


def locale_from_segment(segment: str | None) -> str | None:
    """The locale id whose URL segment is ``segment`` (``zh-hant`` -> ``zh_Hant``), or None."""
    return SEGMENTS.get(segment or "")


def locale_from_cookie(value: str | None) -> str | None:
    """Return the saved locale id from the cookie ``value`` (text), or None if absent or unknown.

    The cookie holds a locale id (``zh``, ``en``, ``zh_Hant``); the comparison ignores case and
    also accepts a URL segment or tag (``zh-hant``, ``zh-Hant``). A malformed or foreign value
    is ignored, never an error.
    """
    value = (value or "").strip().lower().replace("-", "_")
    for code in LOCALES:
        if code.lower() == value:
            return code
    return None


def match_tag(tag: str) -> str | None:
    """The supported locale id for one BCP 47 language tag, or None.

    Rules (BCP 47 subtags, case-insensitive; ``_`` accepted for ``-``):

    - ``zh`` with an explicit script subtag: ``Hant`` -> ``zh_Hant``, ``Hans`` -> ``zh``;
    - ``zh`` without one: the script is inferred from the region as CLDR's likely subtags do
      (``TW``, ``HK``, ``MO`` -> ``zh_Hant``; ``CN``, ``SG``, none or any other -> ``zh``);
    - any other tag: its primary language subtag, if that is a supported id (``en-GB`` -> ``en``).

    Babel's ``negotiate_locale`` is not used: it strips only the last subtag and so sends
    ``zh-TW`` to ``zh`` (Simplified).
    """
    subtags = tag.strip().lower().replace("_", "-").split("-")
    primary = subtags[0]
    if primary == "zh":
        rest = subtags[1:]
        script = next((s for s in rest if len(s) == 4 and s.isalpha()), None)
        if script == "hant":
            return "zh_Hant"
        if script is None and any(s in HANT_REGIONS for s in rest):
            return "zh_Hant"
        return "zh"
    return primary if primary in LOCALES else None


def negotiate(accept_language) -> str | None:
    """Pick a locale id from a parsed ``Accept-Language`` header, or None if nothing matches.

    :param accept_language: werkzeug ``LanguageAccept`` (already parsed, malformed items
        dropped by werkzeug), in the reader's order of preference (q values honoured).
    Matching: RFC 4647 §3.4 lookup over the tags in preference order, each tag mapped by
    :func:`match_tag` (Chinese script inferred from the region); the first match wins.
    """
    for tag, q in accept_language:
        if q > 0 and tag != "*":
            found = match_tag(tag)
            if found:
                return found
    return None


def preferred_locale() -> str:
    """The reader's locale for requests without one in the URL: cookie, Accept-Language, zh."""
    return (locale_from_cookie(request.cookies.get(COOKIE_NAME))
            or negotiate(request.accept_languages)
            or DEFAULT_LOCALE)


def locale_selector() -> str:
    """Flask-Babel's locale selector: the URL's locale, else the reader's preferred one."""
    lang = g.get("lang_code") or (request.view_args or {}).get("lang_code")
    if lang in LOCALES:
        return lang
    return locale_from_segment(lang) or preferred_locale()


@dataclass(frozen=True)
class Rendered:
    """A block as shown in one locale: HTML (Markup), and the ``lang`` tag when it falls back."""

    html: Markup
    fallback_lang: str | None  # "zh-Hans" when the source is shown in a non-source locale

    @property
    def translated(self) -> bool:
        return self.fallback_lang is None


def translate_block(block: Block, locale: str) -> Rendered:
    """Translate one article block into ``locale`` through the ``article`` gettext domain.

    Input: a :class:`Block` (Chinese source) and a locale id. Output: :class:`Rendered` whose
    HTML is the inline-Markdown rendering of the translation, or of the Chinese source with
    ``fallback_lang="zh-Hans"`` when the catalog has no usable entry (missing, empty, or fuzzy:
    ``pybabel compile`` leaves fuzzy entries out of the ``.mo``, as Sphinx does). Article text
    never goes through Jinja's ``_()``, so ``%`` and ``<`` in the text are safe.
    """
    if locale == SOURCE_LOCALE:
        return Rendered(Markup(render_inline(block.text)), None)
    text = catalog_entry(current_app.extensions["article_catalogs"][locale], block)
    if not text:
        return Rendered(Markup(render_inline(block.text)), LOCALES[SOURCE_LOCALE].tag)
    return Rendered(Markup(render_inline(text)), None)


def catalog_entry(catalog: NullTranslations, block: Block) -> str | None:
    """The compiled translation of ``block`` in ``catalog``, or None when it has none.

    Looks the ``msgctxt``/``msgid`` pair up in the ``.mo`` table itself rather than comparing
    ``pgettext``'s answer with the source: a translation may equal its source (a Traditional
    name such as 崔洪皓 is written the same in both scripts) and is still a translation.
    """
    table = getattr(catalog, "_catalog", None)  # gettext.GNUTranslations' parsed .mo
    if table is None:
        return None
    return table.get(f"{block.msgctxt}\x04{block.text}") or None


def author_list(authors: tuple[Block, ...], tr: dict[str, Rendered]) -> Markup:
    """Join rendered author names as the locale writes a byline: CLDR list patterns for
    English ("A, B and C", Babel's ``format_list``), spaces for Chinese as the newsroom does.

    Input: author blocks and the page's rendered blocks by id; output: HTML (Markup), each
    name in a ``span.author`` carrying its own ``lang`` when it fell back to the source.
    """
    spans = [Markup('<span class="author" id="{}"{}>{}</span>').format(
        a.id, Markup(' lang="{}"').format(tr[a.id].fallback_lang) if tr[a.id].fallback_lang else "",
        tr[a.id].html) for a in authors]
    locale = current_locale()
    if LOCALES[locale].tag.startswith("zh"):  # Simplified and Traditional alike
        return Markup(" ").join(spans)
    # CLDR patterns are plain text ("{0}, {1}"); the names are already escaped HTML.
    return Markup(format_list([str(s) for s in spans], locale=locale))


def load_article_catalogs(directory: str) -> dict[str, NullTranslations]:
    """Load the compiled ``article`` catalog (``<directory>/<locale>/LC_MESSAGES/article.mo``)
    of every locale, once, at start-up. A locale without a ``.mo`` gets an empty catalog, so
    every block falls back to the source (marked) instead of failing.
    """
    return {loc: Translations.load(directory, [loc], ARTICLE_DOMAIN) for loc in LOCALES}


def fresh_locale_state(endpoint, values) -> None:
    """App-wide URL value preprocessor, run first on every request (404s included): forget
    the previous request's locale (``g.lang_code`` and Flask-Babel's cache, both kept on
    ``g``). Needed when requests share one app context, as when Frozen-Flask renders every page
    inside a single ``test_request_context``: without it, each page would get the locale of
    the first one that asked."""
    g.pop("lang_code", None)
    flask_babel.refresh()


def init_app(app) -> None:
    """Load the article catalogs and expose the locale table to templates."""
    app.url_value_preprocessor(fresh_locale_state)
    app.extensions["article_catalogs"] = load_article_catalogs(app.config["TRANSLATIONS_DIR"])
    # templates write `date | format_date("long")`; Flask-Babel only registers `dateformat`
    app.jinja_env.filters["format_date"] = format_date
    app.jinja_env.globals.update(LOCALES=LOCALES, SOURCE_LOCALE=SOURCE_LOCALE,
                                 current_locale=current_locale,
                                 author_list=author_list)

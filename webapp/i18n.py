"""Locales: the supported table, negotiation for ``/``, and translation of article blocks.

Locale ids (``zh``, ``en``) name the catalog folders, the URL segment and everything in Python;
language tags (``zh-Hans``, ``en``) appear only in markup (``lang``, ``hreflang``, manifest).
"""

from __future__ import annotations

from dataclasses import dataclass

from babel import negotiate_locale
from babel.lists import format_list
from babel.support import NullTranslations, Translations
from flask import current_app, g, request
from flask_babel import get_locale
from markupsafe import Markup

from webapp.content import Block, render_inline


@dataclass(frozen=True)
class LocaleInfo:
    """One supported locale: id (catalog folder, URL), BCP 47 tag for markup, own-name label."""

    id: str
    tag: str
    name: str          # the language's name in itself, for the switcher
    og: str            # Open Graph locale


LOCALES: dict[str, LocaleInfo] = {
    "zh": LocaleInfo("zh", "zh-Hans", "中文", "zh_CN"),
    "en": LocaleInfo("en", "en", "English", "en_GB"),
}
SOURCE_LOCALE = "zh"          # the language the newsroom writes in (article msgids)
DEFAULT_LOCALE = "zh"         # where negotiation lands when nothing matches
COOKIE_NAME = "locale"        # the reader's saved choice, set by the language switcher

ARTICLE_DOMAIN = "article"    # catalog domain of article text (Chinese msgids)


def current_locale() -> str:
    """The locale id of the current request: the URL's ``lang_code``, else the negotiated one."""
    return g.get("lang_code") or str(get_locale().language)


def locale_from_cookie(value: str | None) -> str | None:
    """Return the saved locale id from the cookie ``value`` (text), or None if absent or unknown.

    A malformed or foreign value is ignored, never an error.
    """
    value = (value or "").strip().lower()
    return value if value in LOCALES else None


def negotiate(accept_language) -> str | None:
    """Pick a locale id from a parsed ``Accept-Language`` header, or None if nothing matches.

    :param accept_language: werkzeug ``LanguageAccept`` (already parsed, malformed items
        dropped by werkzeug), in the reader's order of preference (q values honoured).
    Matching: Babel's ``negotiate_locale`` with ``-`` as separator, which falls back from
    ``zh-Hant-HK`` or ``en-GB`` to the language part (RFC 4647 lookup, simplified).
    """
    preferred = [tag for tag, q in accept_language if q > 0 and tag != "*"]
    found = negotiate_locale(preferred, list(LOCALES), sep="-")
    if found:
        return found
    # Babel only strips the last subtag; try each tag's primary language too.
    for tag in preferred:
        primary = tag.split("-")[0].lower()
        if primary in LOCALES:
            return primary
    return None


def preferred_locale() -> str:
    """The reader's locale for requests without one in the URL: cookie, Accept-Language, zh."""
    return (locale_from_cookie(request.cookies.get(COOKIE_NAME))
            or negotiate(request.accept_languages)
            or DEFAULT_LOCALE)


def locale_selector() -> str:
    """Flask-Babel's locale selector: the URL's locale, else the reader's preferred one."""
    lang = g.get("lang_code") or (request.view_args or {}).get("lang_code")
    return lang if lang in LOCALES else preferred_locale()


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
    text = current_app.extensions["article_catalogs"][locale].pgettext(block.msgctxt, block.text)
    if text == block.text:
        return Rendered(Markup(render_inline(block.text)), LOCALES[SOURCE_LOCALE].tag)
    return Rendered(Markup(render_inline(text)), None)


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
    if locale == SOURCE_LOCALE:
        return Markup(" ").join(spans)
    # CLDR patterns are plain text ("{0}, {1}"); the names are already escaped HTML.
    return Markup(format_list([str(s) for s in spans], locale=locale))


def load_article_catalogs(directory: str) -> dict[str, NullTranslations]:
    """Load the compiled ``article`` catalog (``<directory>/<locale>/LC_MESSAGES/article.mo``)
    of every locale, once, at start-up. A locale without a ``.mo`` gets an empty catalog, so
    every block falls back to the source (marked) instead of failing.
    """
    return {loc: Translations.load(directory, [loc], ARTICLE_DOMAIN) for loc in LOCALES}


def init_app(app) -> None:
    """Load the article catalogs and expose the locale table to templates."""
    app.extensions["article_catalogs"] = load_article_catalogs(app.config["TRANSLATIONS_DIR"])
    app.jinja_env.globals.update(LOCALES=LOCALES, SOURCE_LOCALE=SOURCE_LOCALE,
                                 current_locale=current_locale,
                                 author_list=author_list)

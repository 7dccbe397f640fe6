"""Translation at request time: the current locale, the reader's preferred one, and article
blocks shown in a locale through their article's compiled catalog.

Article text never goes through Jinja's ``_()`` (it would %-format it and mark it safe): each
block is looked up in its article's catalog (domain ``articles/<slug>``, one file per article
as Sphinx's gettext builder writes them) by ``msgctxt``/``msgid``, and the inline Markdown of
the translation, or of the Chinese source when there is none, is rendered to HTML.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from babel.lists import format_list
from babel.messages.mofile import read_mo
from flask import g, request
from flask_babel import get_locale
from markupsafe import Markup

from webapp.content import Block, render_inline
from webapp.locales import (COOKIE_NAME, DEFAULT_LOCALE, LOCALES, SOURCE_LOCALE,
                            locale_from_cookie, negotiate)

# A compiled article catalog as a lookup table: (msgctxt, msgid) -> msgstr (text).
ArticleCatalog = Mapping[tuple[str, str], str]


def current_locale() -> str:
    """The locale id of the current request: the URL's locale (``g.locale``, set by the URL
    value preprocessor), else the reader's preferred one. The only way code reads it."""
    return g.get("locale") or preferred_locale()


def preferred_locale() -> str:
    """The reader's locale for a request without one in its URL: the ``locale`` cookie, then
    ``Accept-Language`` (:func:`webapp.locales.negotiate`), then :data:`DEFAULT_LOCALE`."""
    return (locale_from_cookie(request.cookies.get(COOKIE_NAME))
            or negotiate(request.accept_languages)
            or DEFAULT_LOCALE)


def locale_selector() -> str:
    """Flask-Babel's locale selector: :func:`current_locale` (always a key of LOCALES)."""
    return current_locale()


@dataclass(frozen=True, slots=True)
class Localized:
    """A block as shown in one locale: its HTML (Markup), and the BCP 47 tag of the language
    it is actually in when that is not the page's (the Chinese source standing in for a
    missing translation), else None."""

    html: Markup
    fallback_lang: str | None = None

    @property
    def translated(self) -> bool:
        return self.fallback_lang is None

    @property
    def text(self) -> str:
        """Plain text: tags stripped, entities decoded."""
        return self.html.striptags()


def read_article_catalog(data: bytes) -> dict[tuple[str, str], str]:
    """Parse a compiled ``.mo`` (bytes) into a lookup table ``{(msgctxt, msgid): msgstr}``.

    Babel's public ``read_mo``; entries without a msgstr are left out (``pybabel compile``
    already leaves fuzzy ones out, as Sphinx does). :raises OSError, ValueError: on a corrupt
    file (bad magic number, truncated)."""
    import io
    catalog = read_mo(io.BytesIO(data))
    return {(m.context or "", m.id): m.string for m in catalog
            if m.id and isinstance(m.id, str) and m.string}


def localize(block: Block, locale: str, catalog: ArticleCatalog | None) -> Localized:
    """Show ``block`` in ``locale``.

    :param block: a block of an article (Chinese source text, inline Markdown).
    :param locale: a locale id. :param catalog: that article's compiled catalog in ``locale``
        (None when it has none).
    :returns: the translation's HTML, or the source's HTML with ``fallback_lang`` set to the
        source tag when the catalog has no usable entry (missing, empty or fuzzy). A
        translation may equal its source (a name written the same way in both scripts) and is
        still a translation: entries are looked up, never compared with the source.
    """
    if locale == SOURCE_LOCALE:
        return Localized(Markup(render_inline(block.text)))
    text = catalog.get((block.msgctxt, block.text)) if catalog else None
    if not text:
        return Localized(Markup(render_inline(block.text)), LOCALES[SOURCE_LOCALE].tag)
    return Localized(Markup(render_inline(text)))


def localize_all(blocks, locale: str, catalog: ArticleCatalog | None) -> dict[str, Localized]:
    """:func:`localize` every block: ``{block id: Localized}``."""
    return {b.id: localize(b, locale, catalog) for b in blocks}


def join_names(names: list[Markup], locale: str) -> Markup:
    """Join HTML fragments (Markup, e.g. author names) as ``locale`` writes a list: spaces for
    Chinese as the newsroom writes a byline; for English the house style's list without a
    serial comma ("A, B and C", translations/STYLE.md), which CLDR's English pattern (Babel's
    ``format_list``: "A, B, and C") would add; CLDR list patterns for any other locale.
    Output: Markup (the names are already HTML)."""
    if LOCALES[locale].tag.startswith("zh"):
        return Markup(" ").join(names)
    if locale == "en" and len(names) > 2:
        return Markup(", ").join(names[:-1]) + Markup(" and ") + names[-1]
    return Markup(format_list([str(n) for n in names], locale=locale))


def babel_locale():
    """Flask-Babel's ``get_locale()`` (a ``babel.Locale``) for date and number formats."""
    return get_locale()

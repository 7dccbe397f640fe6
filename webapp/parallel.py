"""Parallel text (中英对照): each article block in the source language next to its translation.

Route (on the ``reader`` blueprint, like webapp/pwa.py, so ``url_for`` keeps the locale):

- ``/<lang_code>/<slug>/parallel/`` (``reader.parallel``): the article as rows of pairs, the
  Chinese source (``SOURCE_LOCALE``) then its English translation (``SECOND_LOCALE``). The URL's
  locale only sets the page's own language: ``<html lang>``, header, labels, switcher. Every
  block element carries its own ``lang``, so a screen reader and the CJK font stack switch per
  block. Rows are paired by block id (the gettext ``msgctxt``), never by position, so a missing
  translation never shifts the rows after it (the flaw of index-zipped parallel text).
- A block without a usable English entry (missing, empty or fuzzy, as on the English page)
  shows its source once, in the Chinese column, and the English column says so (class
  ``parallel-missing``): never a gap, never the Chinese twice.
- Canonical and alternates: the parallel page is its own canonical (it is not a copy of either
  single-language page) and its ``hreflang`` alternates are the parallel page in each UI locale,
  a cluster of its own (``base.html`` with ``page=("reader.parallel", ...)``). The
  single-language pages keep their cluster unchanged.
"""

from __future__ import annotations

from babel.lists import format_list
from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup

from webapp import i18n
from webapp.content import Article, Block
from webapp.http import page
from webapp.i18n import LOCALES, SOURCE_LOCALE
from webapp.reading import article_minutes
from webapp.views import bp, translated_article

SECOND_LOCALE = "en"                         # the translation shown beside the source
PAIR_LOCALES = (SOURCE_LOCALE, SECOND_LOCALE)  # column order: source first


def pair_blocks(article: Article) -> dict[str, dict[str, Markup | None]]:
    """Every block of ``article`` in both pair languages, by block id.

    Output: ``{block_id: {SOURCE_LOCALE: html, SECOND_LOCALE: html or None}}`` (HTML as
    Markup). ``None`` means the catalog has no usable translation (missing, empty or fuzzy,
    see :func:`webapp.i18n.translate_block`): the template shows the source once and marks it.
    Needs an app context (the article catalogs).
    """
    pairs = {}
    for block in article.blocks:
        source = i18n.translate_block(block, SOURCE_LOCALE).html
        second = i18n.translate_block(block, SECOND_LOCALE)
        pairs[block.id] = {SOURCE_LOCALE: source,
                           SECOND_LOCALE: second.html if second.translated else None}
    return pairs


def cell_labels() -> dict[str, dict[str, str]]:
    """UI labels that sit inside a column, in that column's language (``{locale: {key: text}}``),
    through the ``messages`` catalogs with Flask-Babel's ``force_locale``."""
    labels = {}
    for code in PAIR_LOCALES:
        with force_locale(code):
            labels[code] = {"note": _("Editor’s note:"), "quotes": _("Quotes")}
    return labels


def join_authors(authors: tuple[Block, ...], pairs: dict, locale: str, missing: str) -> Markup:
    """The byline's names in one column: ``span.author`` elements with ``id`` ``<id>-<locale>``
    and ``lang``, joined as that language writes a list (spaces for Chinese, CLDR list patterns
    otherwise, as :func:`webapp.i18n.author_list` does). A name without a translation shows
    ``missing`` (the UI's "not translated" mark) in the second column."""
    tag = LOCALES[locale].tag
    spans = []
    for a in authors:
        html = pairs[a.id][locale]
        if html is None:
            spans.append(Markup('<span class="author parallel-missing">{}</span>').format(missing))
        else:
            spans.append(Markup('<span class="author" id="{}-{}" lang="{}">{}</span>').format(
                a.id, locale, tag, html))
    if locale == SOURCE_LOCALE:
        return Markup(" ").join(spans)
    return Markup(format_list([str(s) for s in spans], locale=locale))


@bp.route("/<lang_code>/<slug>/parallel/")
@page
def parallel(slug: str):
    """The parallel view of one article; 404 for an unknown slug. Memoised like every page."""
    art, tr = translated_article(slug)
    return render_template("parallel.html", article=art, tr=tr, pairs=pair_blocks(art),
                           labels=cell_labels(), page=("reader.parallel", {"slug": slug}),
                           indexable=True)


def init_app(app) -> None:
    """Expose the pair locales and helpers to templates."""
    app.jinja_env.globals.update(PAIR_LOCALES=PAIR_LOCALES, SECOND_LOCALE=SECOND_LOCALE,
                                 join_authors=join_authors, article_minutes=article_minutes)

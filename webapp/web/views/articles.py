"""Article pages: one article in one locale, and its parallel text (中英对照).

- ``/<locale>/<slug>/`` (``reader.article``): every block in the URL's locale; a block without a
  usable translation shows its Chinese source, marked ``lang="zh-Hans"``.
- ``/<locale>/<slug>/parallel/`` (``reader.parallel``): the reader's Chinese and the English
  translation, paired by block id (the gettext ``msgctxt``), never by position. The Chinese
  column is in the reader's script (:func:`webapp.locales.reader_chinese`): Traditional on
  ``/zh-hant/``, the Simplified source on ``/zh/`` and ``/en/``, so each script has its own URL.
  The URL's locale also sets the page's own language; every cell carries its own ``lang`` (a
  Traditional cell without a conversion shows the source, marked ``zh-Hans``). A block without
  English shows its Chinese once and an empty English cell; the page says once how much is
  translated.

An article whose translation into the page's locale has not started (status ``none``) is still
served, so links and the language switcher never break, but it is ``noindex`` and left out of
that locale's hreflang cluster, sitemap and feed.
"""

from __future__ import annotations

from flask import abort, render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from webapp.web.i18n import current_locale, localize_all
from webapp.locales import LOCALES, SECOND_LOCALE, SOURCE_LOCALE, Status, reader_chinese
from webapp.web.pages import READ, page
from webapp.web.state import site


def article_urls(s):
    """URL values of every article page: each article in each locale."""
    for slug in s.release.slugs():
        for code in LOCALES:
            yield {"lang": code, "slug": slug}


def localized_article(slug: str, locale: str):
    """``(Article, {block id: Localized}, status)`` of ``slug`` in ``locale`` (status from the
    release index: complete, partial or none).

    :raise NotFound: for a slug the release does not have."""
    release = site().release
    art = release.article(slug)
    if art is None:
        abort(404)
    shown = localize_all(art.blocks, locale, release.catalog(slug, locale))
    return art, shown, release.status(slug, locale)


def available_locales(slug: str) -> list[str]:
    """Locales in which ``slug`` has at least one translated block (the source always)."""
    release = site().release
    return [a.locale for a in release.availability([slug])[slug] if a.status != Status.NONE]


def cell_labels(chinese: str = SOURCE_LOCALE) -> dict[str, dict[str, str]]:
    """UI labels inside a parallel column, in that column's language (``force_locale``):
    ``{column: {"note": ..., "quotes": ...}}``, the Chinese column (key ``zh``) in the locale
    ``chinese`` (``zh`` or ``zh_Hant``)."""
    labels = {}
    for column, code in ((SOURCE_LOCALE, chinese), (SECOND_LOCALE, SECOND_LOCALE)):
        with force_locale(code):
            labels[column] = {"note": _("Editor’s note:"), "quotes": _("Quotes")}
    return labels


@page("/<locale:lang>/<slug:slug>/", urls=article_urls, sitemap=True, offline=READ)
def article(slug: str) -> str:
    """One article in the URL's locale."""
    locale = current_locale()
    art, shown, status = localized_article(slug, locale)
    minutes = site().release.localized(slug, locale)[1]
    return render_template("article.html", article=art, shown=shown, status=status,
                           minutes=minutes,
                           page=("reader.article", {"slug": slug}),
                           indexable=status != Status.NONE, alternates=available_locales(slug))


@page("/<locale:lang>/<slug:slug>/parallel/", urls=article_urls, sitemap=True, offline=READ,
      translated=SECOND_LOCALE)
def parallel(slug: str) -> str:
    """The parallel text of one article, the reader's Chinese beside the English; its hreflang
    cluster is the parallel pages."""
    locale = current_locale()
    art, shown, _status = localized_article(slug, locale)
    chinese = reader_chinese(locale)
    source = shown if chinese == locale else localize_all(art.blocks, SOURCE_LOCALE, None)
    _art, second, second_status = localized_article(slug, SECOND_LOCALE)
    pairs = {b.id: {SOURCE_LOCALE: source[b.id],
                    SECOND_LOCALE: second[b.id] if second[b.id].translated else None}
             for b in art.blocks}
    translated = sum(1 for p in pairs.values() if p[SECOND_LOCALE] is not None)
    return render_template("parallel.html", article=art, shown=shown, pairs=pairs,
                           second_status=second_status, translated=translated,
                           labels=cell_labels(chinese), chinese=chinese,
                           page=("reader.parallel", {"slug": slug}),
                           indexable=second_status != Status.NONE,
                           alternates=list(LOCALES))


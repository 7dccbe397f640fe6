"""Metadata for sharing and search: Open Graph values and schema.org ``NewsArticle`` JSON-LD.

Helpers below the views: templates call :func:`news_article` and :func:`json_ld` (registered
by :mod:`webapp.web.templating`). Every URL is absolute, from ``SITE_URL``.
"""

from __future__ import annotations

import json

from flask import current_app
from markupsafe import Markup

from webapp import dates
from webapp.content import Article
from webapp.web.i18n import Localized, current_locale
from webapp.locales import LOCALES, SOURCE_LOCALE
from webapp.photos import Photo
from webapp.web.state import absolute_url, asset_url, photo, photo_url, site

HEADLINE_MAX = 110                  # schema.org/Google: headline of at most 110 characters


def headline(text: str) -> str:
    """``text`` cut to :data:`HEADLINE_MAX` characters, ending with "…" when cut."""
    return text if len(text) <= HEADLINE_MAX else text[:HEADLINE_MAX - 1].rstrip() + "…"


def json_ld(data: dict) -> Markup:
    """Serialise ``data`` for a ``<script type="application/ld+json">`` element.

    ``<``, ``>`` and ``&`` are written as JSON ``\\u`` escapes, so no text in the data can close
    the element (``</script>``) or open a comment; the JSON value is unchanged. A data block is
    not executed (HTML §4.12.1.2), so the page's ``script-src 'self'`` CSP allows it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def lead_photo(article: Article):
    """``(figure, Photo)`` of the article's first figure with a processed photo, or None: the
    photo sharing cards, JSON-LD and feeds show."""
    for fig in article.figures:
        found = photo(fig.image) if fig.image else None
        if found is not None:
            return fig, found
    return None


def share_image(found: Photo) -> dict:
    """The sharing-card rendition of a photo: ``{url (absolute), width, height}`` in pixels
    (1200 px wide, or the photo's own width when smaller; Open Graph ``og:image``)."""
    share = found.share
    return {"url": site().site_url + photo_url(share.path), "width": share.width,
            "height": share.height}


def _work(slug: str, code: str) -> dict:
    url = absolute_url("reader.article", lang=code, slug=slug)
    return {"@type": "NewsArticle", "@id": url, "url": url, "inLanguage": LOCALES[code].tag}


def news_article(article: Article, shown: dict[str, Localized], locales: list[str]) -> dict:
    """schema.org ``NewsArticle`` for ``article`` in the current locale (a JSON-LD object).

    :param shown: its blocks in the page's locale, by id. :param locales: locales in which the
        article is available (translation started).
    Fields: ``headline`` (≤ 110 characters), ``description`` (subtitle), ``author`` (a
    ``Person`` per byline name), ``inLanguage``, ``publisher`` (logo: the app icon),
    ``url``/``mainEntityOfPage``, ``image`` (the lead photo's 1200 px rendition, with
    ``width``/``height``, when there is one), ``datePublished``/``dateModified`` only when known, and the
    links between translations (``workTranslation`` on the source page, ``translationOfWork``
    on the others)."""
    code = current_locale()
    url = absolute_url("reader.article", slug=article.slug)
    data: dict = {
        "@context": "https://schema.org", "@type": "NewsArticle", "@id": url, "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": headline(shown[article.title.id].text),
        "inLanguage": LOCALES[code].tag, "isAccessibleForFree": True,
        "publisher": {"@type": "Organization", "name": current_app.config["SITE_NAME"],
                      "logo": {"@type": "ImageObject",
                               "url": site().site_url + asset_url("icons/icon-512.png")}},
    }
    if article.subtitle:
        data["description"] = shown[article.subtitle.id].text
    lead = lead_photo(article)
    if lead:   # Google: "image" with width and height, at least 1200 px wide when possible
        data["image"] = [{"@type": "ImageObject", **share_image(lead[1])}]
    if article.authors:
        data["author"] = [{"@type": "Person", "name": shown[a.id].text} for a in article.authors]
    if article.published is not None:
        data["datePublished"] = dates.rfc3339(article.published)
    if article.updated is not None:
        data["dateModified"] = dates.rfc3339(article.updated)
    if code == SOURCE_LOCALE:
        others = [c for c in locales if c != SOURCE_LOCALE]
        if others:
            data["workTranslation"] = [_work(article.slug, c) for c in others]
    else:
        data["translationOfWork"] = _work(article.slug, SOURCE_LOCALE)
    return data

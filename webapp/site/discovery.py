"""Sharing and discovery: sitemaps, robots.txt, Atom feeds, Open Graph and NewsArticle JSON-LD.

- ``/sitemap.xml``: a sitemap index (sitemaps.org protocol 0.9) of ``/sitemaps/pages.xml`` (front
  page, archive, months) and one sitemap per month of articles, ``/sitemaps/<yyyy>-<mm>.xml``
  (and ``/sitemaps/undated.xml``). A month holds a few hundred URLs, far under the protocol's
  50,000 URLs / 50 MB per file, and an old month's file does not change when news is published.
  Each ``<url>`` lists its hreflang alternates (``xhtml:link``) and ``x-default``; a page is listed
  in a locale only where its translation has started.
- ``/robots.txt``: everything allowed, and the sitemap index (RFC 9309).
- ``/<locale>/feed.atom``: an Atom feed (RFC 4287) of the newest ``FEED_SIZE`` dated articles
  available in that locale, full text in ``content``.

Every URL is absolute, from ``SITE_URL``. Dates follow :mod:`webapp.dates`: an article's
``atom:updated`` is ``updated``, else ``published``; articles with neither are left out of the
feeds (Atom requires the date) and listed in the sitemap without ``lastmod``.
"""

from __future__ import annotations

import json

from flask import abort, current_app, render_template
from markupsafe import Markup

from webapp import dates
from webapp.content import Article
from webapp.i18n import Localized, current_locale, localize_all
from webapp.locales import LOCALES, SOURCE_LOCALE
from webapp.pages import REGISTRY, page
from webapp.site.state import absolute_url, asset_url, site

HEADLINE_MAX = 110                  # schema.org/Google: headline of at most 110 characters
XML = "application/xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"


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


def _work(slug: str, code: str) -> dict:
    url = absolute_url("reader.article", lang=code, slug=slug)
    return {"@type": "NewsArticle", "@id": url, "url": url, "inLanguage": LOCALES[code].tag}


def news_article(article: Article, shown: dict[str, Localized], locales: list[str]) -> dict:
    """schema.org ``NewsArticle`` for ``article`` in the current locale (a JSON-LD object).

    :param shown: its blocks in the page's locale, by id. :param locales: locales in which the
        article is available (translation started).
    Fields: ``headline`` (≤ 110 characters), ``description`` (subtitle), ``author`` (a
    ``Person`` per byline name), ``inLanguage``, ``publisher`` (logo: the app icon),
    ``url``/``mainEntityOfPage``, ``datePublished``/``dateModified`` only when known, and the
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


# --- sitemaps ----------------------------------------------------------------------------------
def _article_kinds():
    return [pt for pt in REGISTRY.values() if pt.sitemap and "<slug:" in pt.rule]


def _site_kinds():
    return [pt for pt in REGISTRY.values() if pt.sitemap and "<slug:" not in pt.rule]


def _cluster(endpoint: str, values: dict, locales: list[str]) -> list[tuple[str, str]]:
    alts = [(LOCALES[c].tag, absolute_url(endpoint, lang=c, **values)) for c in locales]
    if SOURCE_LOCALE in locales:
        alts.append(("x-default", absolute_url(endpoint, lang=SOURCE_LOCALE, **values)))
    return alts


def _entries(endpoint: str, values: dict, locales: list[str], lastmod: str | None) -> list[dict]:
    alts = _cluster(endpoint, values, locales)
    return [{"loc": absolute_url(endpoint, lang=c, **values), "lastmod": lastmod,
             "alternates": alts} for c in locales]


@page("/sitemap.xml", mimetype=XML, cache="feed")
def sitemap() -> str:
    """The sitemap index: the site pages' sitemap and one sitemap per month of articles."""
    release = site().release
    maps = [absolute_url("reader.sitemap_pages")]
    maps += [absolute_url("reader.sitemap_month", year=y, month=m) for y, m, _n in release.months()]
    if release.undated_count():
        maps.append(absolute_url("reader.sitemap_undated"))
    return render_template("sitemap_index.xml", maps=maps)


@page("/sitemaps/pages.xml", mimetype=XML, cache="feed")
def sitemap_pages() -> str:
    """Front pages, the archive and its months, in every locale."""
    s = site()
    entries = []
    for pt in _site_kinds():
        for values in pt.urls(s):
            if values.get("lang") == SOURCE_LOCALE:
                rest = {k: v for k, v in values.items() if k != "lang"}
                entries += _entries(pt.endpoint, rest, list(LOCALES), None)
    return render_template("sitemap.xml", entries=entries)


def _articles_sitemap(rows) -> str:
    release = site().release
    availability = release.availability([slug for slug, _ in rows])
    entries = []
    for slug, lastmod_value in rows:
        started = {a.locale for a in availability[slug] if a.status != "none"}
        for pt in _article_kinds():
            locales = [c for c in LOCALES
                       if (pt.translated or c) in started | {SOURCE_LOCALE}]
            entries += _entries(pt.endpoint, {"slug": slug}, locales, lastmod_value)
    return render_template("sitemap.xml", entries=entries)


def month_urls(s):
    for year, month, _n in s.release.months():
        yield {"year": year, "month": month}


def undated_urls(s):
    if s.release.undated_count():
        yield {}


@page("/sitemaps/<int(fixed_digits=4):year>-<int(fixed_digits=2):month>.xml", mimetype=XML,
      cache="feed", urls=month_urls)
def sitemap_month(year: int, month: int) -> str:
    """The article pages of the articles listed in one month; 404 for an empty month."""
    rows = site().release.slugs_in_month(year, month)
    if not rows:
        abort(404)
    return _articles_sitemap(rows)


@page("/sitemaps/undated.xml", mimetype=XML, cache="feed", urls=undated_urls)
def sitemap_undated() -> str:
    """The article pages of undated articles; 404 when there are none."""
    rows = site().release.slugs_in_month(0, 0)
    if not rows:
        abort(404)
    return _articles_sitemap(rows)


@page("/robots.txt", mimetype="text/plain; charset=utf-8", cache="feed")
def robots() -> str:
    """robots.txt (RFC 9309): allow all crawlers everything; point them at the sitemap."""
    return f"User-agent: *\nAllow: /\n\nSitemap: {absolute_url('reader.sitemap')}\n"


# --- feeds -------------------------------------------------------------------------------------
def feed_urls(s):
    for code in LOCALES:
        if s.release.latest(code, 1, ("complete", "partial")):
            yield {"lang": code}


@page("/<locale:lang>/feed.atom", mimetype=ATOM, cache="feed", urls=feed_urls)
def feed() -> str:
    """The locale's Atom feed: the newest ``FEED_SIZE`` dated articles available in it.

    Feed: ``id`` (its URL), ``title``, ``subtitle``, ``updated`` (newest entry), ``author``,
    ``link rel=self``/``alternate``. Entry: ``id`` (the article's URL in this locale),
    ``title``, alternates, ``updated``, ``published`` when known, ``author`` per byline name,
    ``summary`` (subtitle, else the first paragraph) and the full text as
    ``content type="html"``. Text shown in the source carries ``xml:lang``. 404 when no article
    is dated and available."""
    code = current_locale()
    release = site().release
    statuses = ("complete", "partial", "none") if code == SOURCE_LOCALE else ("complete", "partial")
    entries = []
    for slug in release.latest(code, current_app.config["FEED_SIZE"], statuses):
        art = release.article(slug)
        shown = localize_all(art.blocks, code, release.catalog(slug, code))
        updated = dates.sort_key(art.updated if art.updated is not None else art.published)
        summary = art.subtitle or next((b for b in art.body if b.kind == "paragraph"), None)
        entries.append({"article": art, "shown": shown,
                        "id": absolute_url("reader.article", slug=slug),
                        "updated": updated, "updated_text": dates.rfc3339(updated),
                        "published": dates.rfc3339(art.published) if art.published else None,
                        "summary": shown[summary.id] if summary else None})
    if not entries:
        abort(404)
    return render_template("feed.xml", entries=entries, info=LOCALES[code],
                           feed_id=absolute_url("reader.feed"),
                           updated=dates.rfc3339(max(e["updated"] for e in entries)))

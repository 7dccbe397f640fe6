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

from flask import abort, current_app, render_template

from webapp import dates
from webapp.web.i18n import current_locale, localize_all
from webapp.locales import LOCALES, SOURCE_LOCALE, Status
from webapp.web.pages import REGISTRY, page
from webapp.web.state import absolute_url, site

XML = "application/xml; charset=utf-8"
ATOM = "application/atom+xml; charset=utf-8"


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
        started = {a.locale for a in availability[slug] if a.status != Status.NONE}
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
        if s.release.latest(code, 1, (Status.COMPLETE, Status.PARTIAL)):
            yield {"lang": code}


@page("/<locale:lang>/feed.atom", mimetype=ATOM, cache="feed", urls=feed_urls)
def feed() -> str:
    """The locale's Atom feed: the newest ``FEED_SIZE`` dated articles available in it.

    Feed: ``id`` (its URL), ``title``, ``subtitle``, ``updated`` (newest entry), ``author``,
    ``link rel=self``, ``rel=alternate`` (the front page, and each other locale's feed with its
    ``hreflang``). Entry: ``id`` (the article's URL in this locale), ``title``, alternates (this
    page, then the article in each other locale where its translation has started),
    ``updated`` (the article's date, or the release that changed what this locale's reader
    sees of it if later: :meth:`webapp.web.release.Release.changed`), ``published`` when known, ``author`` per byline name,
    ``summary`` (subtitle, else the first paragraph) and the full text as
    ``content type="html"``. Text shown in the source carries ``xml:lang``. 404 when no article
    is dated and available."""
    code = current_locale()
    release = site().release
    statuses = tuple(Status) if code == SOURCE_LOCALE else (Status.COMPLETE, Status.PARTIAL)
    entries = []
    for slug in release.latest(code, current_app.config["FEED_SIZE"], statuses):
        art = release.article(slug)
        shown = localize_all(art.blocks, code, release.catalog(slug, code))
        updated = dates.sort_key(art.updated if art.updated is not None else art.published)
        changed = release.changed(slug, code)  # a correction in this locale (issue 23)
        if changed is not None and changed > updated:
            updated = changed
        summary = art.subtitle or next((b for b in art.body if b.kind == "paragraph"), None)
        started = [a.locale for a in release.availability([slug])[slug]
                   if a.status != Status.NONE and a.locale != code]
        entries.append({"article": art, "shown": shown,
                        "id": absolute_url("reader.article", slug=slug),
                        "alternates": [(LOCALES[c].tag, absolute_url("reader.article", lang=c,
                                                                     slug=slug)) for c in started],
                        "updated": updated, "updated_text": dates.rfc3339(updated),
                        "published": dates.rfc3339(art.published) if art.published else None,
                        "summary": shown[summary.id] if summary else None})
    if not entries:
        abort(404)
    other_feeds = [(LOCALES[c].tag, absolute_url("reader.feed", lang=c))
                   for c in LOCALES if c != code and {"lang": c} in list(feed_urls(site()))]
    return render_template("feed.xml", entries=entries, info=LOCALES[code],
                           feed_id=absolute_url("reader.feed"), other_feeds=other_feeds,
                           updated=dates.rfc3339(max(e["updated"] for e in entries)))

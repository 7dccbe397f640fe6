"""Sharing and discovery: sitemap, robots.txt, Atom feeds, Open Graph and NewsArticle JSON-LD.

Routes (on the ``reader`` blueprint, so ``url_for`` keeps the locale and writes its segment):

- ``/sitemap.xml`` (``reader.sitemap``): sitemaps.org protocol 0.9; one ``<url>`` per page and
  locale, each with ``xhtml:link rel="alternate"`` for every locale of that page and
  ``x-default`` (Google's hreflang-in-sitemap form), ``lastmod`` when the article has a date.
- ``/robots.txt`` (``reader.robots``): everything allowed, and the sitemap's absolute URL
  (Robots Exclusion Protocol, RFC 9309).
- ``/<lang_code>/feed.atom`` (``reader.feed``): an Atom feed (RFC 4287) per locale.

All URLs are absolute, built from the request's public URL (as ``canonical`` and ``hreflang``
in the pages are), so they are right behind a proxy once ``PROXY_FIX_HOPS`` is set.
These responses are pure functions of the files read at start-up and the request's base URL;
they carry an ETag and ``Cache-Control: public, max-age=3600``.

Dates are never invented. An article's date is ``updated`` (front matter: when our copy was
last edited) or else ``published`` (the original's date, when known). Atom requires
``atom:updated`` on every entry and on the feed, so articles with neither are left out of the
feeds (they stay in the sitemap, without ``lastmod``); a feed with no dated article answers
404. A date becomes midnight in the newsroom's time zone, ``YYYY-MM-DDT00:00:00+08:00``
(RFC 3339 needs a time and an offset).
"""

from __future__ import annotations

import datetime as dt
import json

from flask import Response, current_app, g, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from webapp import i18n
from webapp.content import Article
from webapp.i18n import LOCALES, SOURCE_LOCALE
from webapp.views import articles, asset_url, bp

NEWSROOM_OFFSET = "+08:00"          # Asia/Shanghai, no daylight saving time
HEADLINE_MAX = 110                  # schema.org/Google: headline of at most 110 characters
DISCOVERY_CACHE_CONTROL = "public, max-age=3600"
# Pages of an article listed in the sitemap, when the app has the route (the parallel view is
# another module's); each is its own hreflang cluster across locales.
ARTICLE_ENDPOINTS = ("reader.article", "reader.parallel")


def article_date(article: Article) -> dt.date | None:
    """The date an article is listed with: ``updated``, else ``published``, else None."""
    return article.updated or article.published


def rfc3339(day: dt.date) -> str:
    """``2026-11-29`` -> ``2026-11-29T00:00:00+08:00`` (midnight in the newsroom's zone);
    a datetime keeps its time (naive ones are taken as newsroom time)."""
    if isinstance(day, dt.datetime):
        return day.replace(microsecond=0).isoformat() if day.tzinfo else \
            day.replace(microsecond=0).isoformat() + NEWSROOM_OFFSET
    return f"{day.isoformat()}T00:00:00{NEWSROOM_OFFSET}"


def absolute(endpoint: str, **values) -> str:
    """Absolute URL of ``endpoint`` from the request's public URL."""
    return url_for(endpoint, _external=True, **values)


def plain(rendered: i18n.Rendered) -> str:
    """A rendered block as plain text (tags stripped, entities decoded)."""
    return rendered.html.striptags()


def headline(text: str) -> str:
    """``text`` cut to :data:`HEADLINE_MAX` characters, ending with "…" when cut."""
    return text if len(text) <= HEADLINE_MAX else text[:HEADLINE_MAX - 1].rstrip() + "…"


def json_ld(data: dict) -> Markup:
    """Serialise ``data`` for a ``<script type="application/ld+json">`` element.

    ``<``, ``>`` and ``&`` are written as JSON ``\\u`` escapes, so no text in the data can
    close the element (``</script>``) or open a comment; the JSON value is unchanged. A data
    block is not executed (HTML §4.12.1.2), so the page's ``script-src 'self'`` CSP allows it.
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def _work(article: Article, code: str) -> dict:
    url = absolute("reader.article", lang_code=code, slug=article.slug)
    return {"@type": "NewsArticle", "@id": url, "url": url, "inLanguage": LOCALES[code].tag}


def news_article(article: Article, tr: dict[str, i18n.Rendered]) -> dict:
    """schema.org ``NewsArticle`` for ``article`` in the current locale (a JSON-LD object).

    :param article: the article. :param tr: its rendered blocks in the page's locale, by id.
    Fields: ``headline`` (at most 110 characters), ``description`` (subtitle), ``author``
    (``Person`` per byline name, as the page shows it), ``inLanguage`` (BCP 47), ``publisher``
    (``Organization``, logo = the app icon), ``url``/``mainEntityOfPage`` (canonical),
    ``datePublished``/``dateModified`` only when the article has them, and the links between
    translations: ``workTranslation`` on the source-language page (every other locale's page),
    ``translationOfWork`` on the others (the source page). Needs a request context.
    """
    code = i18n.current_locale()
    url = absolute("reader.article", lang_code=code, slug=article.slug)
    data: dict = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "@id": url,
        "url": url,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "headline": headline(plain(tr[article.title.id])),
        "inLanguage": LOCALES[code].tag,
        "isAccessibleForFree": True,
        "publisher": {"@type": "Organization", "name": current_app.config["SITE_NAME"],
                      "logo": {"@type": "ImageObject",
                               "url": request.host_url.rstrip("/")
                               + asset_url("icons/icon-512.png")}},
    }
    if article.subtitle:
        data["description"] = plain(tr[article.subtitle.id])
    if article.authors:
        data["author"] = [{"@type": "Person", "name": plain(tr[a.id])} for a in article.authors]
    if article.published:
        data["datePublished"] = rfc3339(article.published)
    if article.updated:
        data["dateModified"] = rfc3339(article.updated)
    if code == SOURCE_LOCALE:
        data["workTranslation"] = [_work(article, c) for c in LOCALES if c != SOURCE_LOCALE]
    else:
        data["translationOfWork"] = _work(article, SOURCE_LOCALE)
    return data


def _xml_response(body: str, mimetype: str) -> Response:
    resp = Response(body, mimetype=mimetype)
    resp.headers["Cache-Control"] = DISCOVERY_CACHE_CONTROL
    resp.add_etag()
    return resp.make_conditional(request)


def sitemap_entries() -> list[dict]:
    """Every indexable page as ``{"loc", "lastmod", "alternates": [(hreflang, url)]}``, one
    per page and locale: each locale's front page, and each article page (and the other
    article views in :data:`ARTICLE_ENDPOINTS` the app has). Needs a request context."""
    pages: list[tuple[str, dict, dt.date | None]] = [("reader.index", {}, None)]
    endpoints = [e for e in ARTICLE_ENDPOINTS if e in current_app.view_functions]
    for art in articles().values():
        pages += [(e, {"slug": art.slug}, article_date(art)) for e in endpoints]
    entries = []
    for endpoint, values, day in pages:
        alternates = [(info.tag, absolute(endpoint, lang_code=code, **values))
                      for code, info in LOCALES.items()]
        alternates.append(("x-default", absolute(endpoint, lang_code=SOURCE_LOCALE, **values)))
        for code in LOCALES:
            entries.append({"loc": absolute(endpoint, lang_code=code, **values),
                            "lastmod": day.isoformat() if day else None,
                            "alternates": alternates})
    return entries


@bp.route("/sitemap.xml")
def sitemap():
    """The sitemap (``application/xml``), sitemaps.org protocol with hreflang alternates."""
    return _xml_response(render_template("sitemap.xml", entries=sitemap_entries()),
                         "application/xml")


@bp.route("/robots.txt")
def robots():
    """robots.txt (RFC 9309): allow all crawlers everything; point them at the sitemap."""
    body = f"User-agent: *\nAllow: /\n\nSitemap: {absolute('reader.sitemap')}\n"
    resp = Response(body, mimetype="text/plain")
    resp.headers["Cache-Control"] = DISCOVERY_CACHE_CONTROL
    return resp


def feed_entries(code: str) -> list[dict]:
    """The feed's entries for locale ``code``: dated articles, newest first (the loader's
    order, re-sorted by date). Each is a dict of rendered blocks and absolute URLs."""
    dated = [a for a in articles().values() if article_date(a)]
    dated.sort(key=lambda a: (article_date(a), a.slug), reverse=True)
    entries = []
    for art in dated:
        tr = {b.id: i18n.translate_block(b, code) for b in art.blocks}
        summary_block = art.subtitle or next((b for b in art.body if b.kind == "paragraph"), None)
        entries.append({
            "article": art, "tr": tr,
            "id": absolute("reader.article", lang_code=code, slug=art.slug),
            "updated": rfc3339(article_date(art)),
            "published": rfc3339(art.published) if art.published else None,
            "summary": tr[summary_block.id] if summary_block else None,
            "content": content_html(art, tr),
            "alternates": [(info.tag, absolute("reader.article", lang_code=c, slug=art.slug))
                           for c, info in LOCALES.items()],
        })
    return entries


def content_html(article: Article, tr: dict[str, i18n.Rendered]) -> Markup:
    """The article's text as one HTML fragment for ``atom:content type="html"``: editor's
    note, headings and paragraphs, then the quotes with their speakers. Blocks that fell back
    to the source carry ``lang``."""
    def el(tag: str, block) -> Markup:
        r = tr[block.id]
        attr = Markup(' lang="{}"').format(r.fallback_lang) if r.fallback_lang else ""
        return Markup("<{0}{1}>{2}</{0}>").format(Markup(tag), attr, r.html)
    parts = [el("p", article.note)] if article.note else []
    parts += [el("h2" if b.kind == "heading" else "p", b) for b in article.body]
    if article.quotes:
        if article.quotes_heading:
            parts.append(el("h2", article.quotes_heading))
        for q in article.quotes:
            parts.append(Markup("<blockquote>{}<p>— {}<br>{}</p></blockquote>").format(
                el("p", q.text), el("span", q.speaker), el("span", q.role)))
    return Markup("\n").join(parts)


@bp.route("/<lang_code>/feed.atom")
def feed():
    """The locale's Atom feed (``application/atom+xml``, RFC 4287).

    Feed: ``id`` (its own URL), ``title``, ``subtitle``, ``updated`` (newest entry),
    ``author``, ``link rel=self`` and ``rel=alternate`` (front page, and each other locale's
    feed). Entry: ``id`` (the article's URL in this locale), ``title``, ``link rel=alternate``
    (this locale's page, then the other locales' with ``hreflang``), ``updated``,
    ``published`` when known, ``author`` per byline name, ``summary`` (subtitle, else the first
    paragraph) and the full text as ``content type="html"``. Text that fell back to the source
    carries ``xml:lang``. 404 when no article has a date.
    """
    from flask import abort
    code = g.lang_code
    entries = feed_entries(code)
    if not entries:
        abort(404)
    body = render_template(
        "feed.xml", entries=entries, info=LOCALES[code],
        feed_id=absolute("reader.feed", lang_code=code),
        updated=max(e["updated"] for e in entries),
        other_feeds=[(info.tag, absolute("reader.feed", lang_code=c))
                     for c, info in LOCALES.items() if c != code])
    return _xml_response(body, "application/atom+xml")


def init_app(app) -> None:
    """Expose the JSON-LD and feed helpers to templates."""
    app.jinja_env.globals.update(news_article=news_article, json_ld=json_ld,
                                 article_date=article_date, rfc3339=rfc3339)

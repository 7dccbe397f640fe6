"""Search: ``/<locale>/search/?q=…&page=n`` and its OpenSearch description. Design:
docs/search.md; the index and query rules: :mod:`webapp.search`.

- ``/<locale>/search/`` (``reader.search``): a form (works without JavaScript), then the
  articles matching ``q`` in any locale's text, best first (headline matches, then newest,
  then by slug), ``SEARCH_PAGE_SIZE`` a page, each with its headline in the page's locale,
  its date and a snippet of the text that matched, the match in ``<mark>`` (built here from the
  article's text, escaped). ``noindex``. Without ``q`` it is the empty form (precached by the
  service worker, which fills it from the pages it keeps when the reader is offline).
  Pages are kept in a bounded results memo keyed by the canonical query, not the path memo.
  Any input gives a page: a query too long is cut (and the page says so), one that runs too
  long says so; a ``page`` that is not a page number is a 404.
- ``/<locale>/opensearch.xml`` (``reader.opensearch``): OpenSearch 1.1 description, linked
  from every page with ``rel="search"`` so browsers can add the site's search.
"""

from __future__ import annotations

from flask import abort, current_app, g, render_template, request, url_for
from flask_babel import gettext as _

from webapp import search as engine
from webapp.web.i18n import current_locale, localize
from webapp.locales import LOCALES
from webapp.web.pages import SHELL, page
from webapp.web.state import absolute_url, asset_url, site

MAX_PAGE = 1000


def locale_urls(s):
    for code in LOCALES:
        yield {"lang": code}


def _request_query() -> tuple[engine.Query, str, int | None]:
    """(parsed query, the text as typed, page number or None when not a page number)."""
    if "search_query" not in g:
        text = request.args.get("q", "")
        raw = request.args.get("page", "") or "1"
        number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 4 else None
        if number is not None and not 1 <= number <= MAX_PAGE:
            number = None
        g.search_query = (engine.parse_query(text), text, number)
    return g.search_query


def query_key() -> str:
    """The results memo key of the request: canonical query and page number."""
    query, _text, number = _request_query()
    return f"{query.key}|{number}"


def _order() -> list[str]:
    """Locales to take a snippet from: the page's, then the others in the table's order."""
    return list(dict.fromkeys([current_locale(), *LOCALES]))


def result_snippet(slug: str, query: engine.Query):
    """``(snippet Markup, BCP 47 tag or None)`` for one result: the first block (in reading
    order) of the article whose text in the page's locale, else in another locale, contains a
    term; the tag is set when that text is not in the page's language."""
    release = site().release
    art = release.article(slug)
    if art is None:
        return None, None
    blocks = [b for b in art.blocks if b.kind not in engine.NOT_SEARCHED]
    for loc in _order():
        catalog = release.catalog(slug, loc)
        for block in blocks:
            raw = (catalog.get((block.msgctxt, block.text)) if catalog else None) or block.text
            if not engine.might_match(raw, query):   # before rendering its Markdown
                continue
            shown = localize(block, loc, catalog)
            text = shown.text
            spans = engine.find_matches(text, query)
            if spans:
                tag = shown.fallback_lang or LOCALES[loc].tag
                page_tag = LOCALES[current_locale()].tag
                return engine.snippet(text, spans), (tag if tag != page_tag else None)
    first = localize(blocks[1] if len(blocks) > 1 else blocks[0], current_locale(),
                     release.catalog(slug, current_locale()))
    return engine.snippet(first.text, []), first.fallback_lang


@page("/<locale:lang>/search/", cache="search", urls=locale_urls, offline=SHELL,
      query_key=query_key)
def search() -> str:
    """The search form and the results of ``?q=`` (page ``?page=``)."""
    query, text, number = _request_query()
    if number is None:
        abort(404)
    size = current_app.config["SEARCH_PAGE_SIZE"]
    slow = False
    try:
        hits = site().release.search.search(query)
    except engine.QueryTooSlow:
        hits, slow = [], True
    pages = max(1, -(-len(hits) // size))
    if number > pages:
        abort(404)
    shown = hits[(number - 1) * size:number * size]
    items = site().release.listings_of(current_locale(), [slug for slug, _h in shown])
    snippets = {slug: result_snippet(slug, query) for slug, _h in shown}

    def page_url(n: int) -> str:
        return url_for("reader.search", q=text, page=n) if n > 1 else url_for(
            "reader.search", q=text)

    return render_template(
        "search.html", q=text[:engine.MAX_QUERY_CHARS], query=query, items=items,
        snippets=snippets, total=len(hits), number=number, first=(number - 1) * size + 1,
        pages=pages, slow=slow,
        prev_url=page_url(number - 1) if number > 1 else None,
        next_url=page_url(number + 1) if number < pages else None,
        max_chars=engine.MAX_QUERY_CHARS, max_terms=engine.MAX_TERMS,
        page=("reader.search", {}), indexable=False)


@page("/<locale:lang>/opensearch.xml", mimetype="application/opensearchdescription+xml",
      cache="feed", urls=locale_urls)
def opensearch() -> str:
    """OpenSearch 1.1 description document of the locale's search page."""
    loc = LOCALES[current_locale()]
    return render_template("opensearch.xml", tag=loc.tag,
                           description=_("Search the articles of Jintan Reader"),
                           template=absolute_url("reader.search") + "?q={searchTerms}",
                           self_url=absolute_url("reader.opensearch"),
                           icon=site().site_url + asset_url("icons/icon-192.png"))

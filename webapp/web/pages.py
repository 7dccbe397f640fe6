"""The page registry: every page type of the site, declared once, next to its view.

A view function decorated with :func:`page` returns its body as text; the registry knows its
URL rule, media type, cache policy, how to enumerate its URLs (for the sitemap, the static
export and the checks of a new release), whether it belongs in sitemaps, and what the service
worker does with it. Everything that lists pages reads :data:`REGISTRY`: the sitemap, the
export, the release check, the worker's URL patterns. Adding a page type is one decorated
function in ``webapp/web/views/``.

Every page is delivered the same way: rendered on first request, memoised per worker
(:class:`webapp.web.delivery.PageMemo`, key = path), compressed on demand, strong ETag.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps

from flask import Flask, Response, abort, current_app, g, request, url_for
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from webapp.web import delivery
from webapp.content import SLUG_PATTERN
from webapp.locales import LOCALES, locale_alias

# What the service worker does with a page type's responses.
SHELL = "shell"      # precached with the app shell (offline and saved-library pages)
READ = "read"        # kept when read online (articles, front pages, parallel views)
# The service worker's source in static/ (served only as /sw.js, after its data), and the
# static files the shell leaves out: install UI, icons browsers fetch by themselves.
WORKER_SOURCE = "js/sw.js"
NOT_PRECACHED = ("screenshots/", "icons/favicon", "icons/apple-touch", WORKER_SOURCE)

CACHE_POLICIES = {   # name -> config key of the Cache-Control value
    "page": "PAGE_CACHE_CONTROL",
    "feed": "FEED_CACHE_CONTROL",
    "search": "SEARCH_CACHE_CONTROL",   # results pages: a shared cache holds them briefly
    "revalidate": None,          # no-cache: always revalidated (service worker, manifests)
}


@dataclass(frozen=True)
class PageType:
    """One kind of page. ``urls(site)`` yields the URL values of every page of the kind in the
    current release (``{"lang": ..., "slug": ...}``)."""

    endpoint: str
    rule: str
    view: Callable[..., str]
    mimetype: str = "text/html; charset=utf-8"
    cache: str = "page"
    urls: Callable[..., Iterable[dict]] | None = None
    sitemap: bool = False
    offline: str | None = None
    # Whose translation the page needs to exist in a locale (sitemaps, hreflang): None for the
    # page's own locale, else a locale id (the parallel view needs English).
    translated: str | None = None
    # For a page that reads its query string (search results): ``() -> str``, the canonical
    # form of what the view reads. Its pages are kept in the bounded results memo
    # (``Site.results``) under path + that key, never in the path-keyed page memo.
    query_key: Callable[[], str] | None = None
    # For URL values that spell another page (front page 1 is the locale's front page):
    # ``(values) -> (endpoint, values) | None``, that page's; its URL is the canonical one.
    same_as: Callable[[dict], tuple[str, dict] | None] | None = None


REGISTRY: dict[str, PageType] = {}


def page(rule: str, *, mimetype: str = "text/html; charset=utf-8", cache: str = "page",
         urls: Callable[..., Iterable[dict]] | None = None, sitemap: bool = False,
         offline: str | None = None, translated: str | None = None,
         query_key: Callable[[], str] | None = None,
         same_as: Callable[[dict], tuple[str, dict] | None] | None = None):
    """Declare the decorated view as a page type at ``rule`` (a Flask rule, on the ``reader``
    blueprint: the endpoint is ``reader.<function name>``)."""
    def decorate(view):
        endpoint = f"reader.{view.__name__}"
        REGISTRY[endpoint] = PageType(endpoint, rule, view, mimetype, cache, urls, sitemap,
                                      offline, translated, query_key, same_as)
        return view
    return decorate


def cache_control(pt: PageType, config) -> str:
    key = CACHE_POLICIES[pt.cache]
    return config[key] if key else delivery.CacheControl.REVALIDATE


def delivered(pt: PageType):
    """The Flask view for ``pt``: memoised representation, negotiated encoding, 304s."""
    @wraps(pt.view)
    def view(**values):
        site = current_app.extensions["reader"]
        key = delivery.memo_key(request.environ)
        if key.startswith("//"):
            # "//zh/<slug>/": the router strips leading slashes, but the path is not ours, and
            # serving it would give one page endless memo keys and shared-cache entries.
            abort(404)
        canonical = canonical_url(request.endpoint, values)
        if delivery.raw_path(request.environ) not in (canonical, None) or key != canonical:
            abort(canonical_redirect(canonical))
        memo, spelling = site.memo, None
        if pt.query_key is not None:
            query = request.environ.get("QUERY_STRING", "")
            spelling = key + "?" + query if query else None
            memo, key = site.results, key + "?" + pt.query_key()
        rep = memo.get(key)
        request.environ["reader.memo"] = "hit" if rep is not None else "miss"
        if rep is None:
            body = delivery.stamp_version(pt.view(**values))
            rep = delivery.Representation(body.encode("utf-8"), pt.mimetype,
                                          cache_control(pt, current_app.config),
                                          route=pt.endpoint,
                                          surrogate=surrogate_key(values))
            memo.put(key, rep)
        if delivery.revision_mismatch(request.environ, rep):
            # the worker asked for another revision (an older or newer release's): not these
            # bytes, and nothing a cache may keep
            g.error_cache_control = "no-store"
            abort(404)
        if spelling is not None:   # the same request again: answered by MemoFront
            memo.link(spelling, key)
        status, headers, body = delivery.respond(rep, request.environ, memo)
        return Response(body, status=status, headers=headers)
    return view


def surrogate_key(values: dict) -> str:
    """The cache tag of a page (``Surrogate-Key``, as Fastly and deploy/varnish read it): an
    article's own pages (every locale, parallel view) are ``article-<slug>``; every other page
    lists articles or shows none, and is ``listing``. A publish that changes one article bans
    ``article-<slug>`` and ``listing``, nothing else."""
    return f"article-{values['slug']}" if "slug" in values else "listing"


def canonical_redirect(location: str) -> Response:
    """A 308 to ``location`` (a relative URL: the ``Host`` is the client's choice), cacheable
    like the app's other redirects (RFC 9110 §15.4.9: 308 keeps the method)."""
    return Response(status=308, headers={"Location": location,
                                         "Cache-Control": delivery.CacheControl.REDIRECT})


def canonical_url(endpoint: str, values: dict) -> str:
    """The canonical URL path (text) of the page ``endpoint`` with URL ``values`` names: its
    own ``url_for``, or that of the page they also spell (``PageType.same_as``), so every
    spelling of a page redirects straight to its one URL (one 308, never a chain: issue 23).
    Needs a request context (``url_for``)."""
    pt = REGISTRY.get(endpoint)
    other = pt.same_as(values) if pt and pt.same_as else None
    return url_for(other[0], **other[1]) if other else url_for(endpoint, **values)


def canonical_path(path: str, adapter=None) -> str | None:
    """The canonical URL path of the page ``path`` (decoded text) spells, or None if it spells
    none: the router's match (a missing trailing slash followed once) written back by
    ``url_for``, so ``/zh/page/0002`` gives ``/zh/page/2/``. A first segment that is not a
    locale's but names one as a language tag (``ZH``, ``zh-TW``, ``zh_Hant``, ``en-US``:
    :func:`webapp.locales.match_tag`) is read as that locale's segment (issue 23).
    Needs a request context (``url_for``)."""
    alias = locale_alias(path)
    if alias:
        path = "/" + LOCALES[alias].segment + "/" + path.lstrip("/").partition("/")[2]
    found = resolve(path, adapter)
    return canonical_url(*found) if found else None


def resolve(path: str, adapter) -> tuple[str, dict] | None:
    """``(endpoint, values)`` of the page type ``path`` matches (a missing trailing slash
    followed once), or None (no page type, or a route that is not a page). ``adapter``: a
    werkzeug ``MapAdapter`` (None: the current app's)."""
    adapter = adapter or current_app.url_map.bind("localhost")
    for _ in range(2):
        try:
            endpoint, values = adapter.match(path, method="GET")
        except RequestRedirect as exc:
            path = "/" + exc.new_url.split("://", 1)[-1].partition("/")[2].split("?", 1)[0]
            continue
        except HTTPException:
            return None
        return (endpoint, values) if endpoint in REGISTRY else None
    return None


def surely_absent(values: dict, release) -> bool:
    """Whether a page's URL values name an article (``slug``) the release lacks: such a URL
    is a 404 whatever else it spells (no redirect to a 404 first)."""
    return "slug" in values and not release.has(values["slug"])


def register(bp) -> None:
    """Add a route to blueprint ``bp`` for every registered page type."""
    for pt in REGISTRY.values():
        bp.add_url_rule(pt.rule, pt.endpoint.split(".", 1)[1], delivered(pt))


def all_urls(app: Flask, kinds: Iterable[PageType] | None = None) -> list[str]:
    """Every URL path of the given page types (default: all) in the app's release."""
    from flask import url_for
    site = app.extensions["reader"]
    out = []
    with app.test_request_context(base_url=app.config["SITE_URL"]):
        for pt in kinds or REGISTRY.values():
            for values in (pt.urls(site) if pt.urls else [{}]):
                out.append(url_for(pt.endpoint, **values))
    return out


def article_pages(app: Flask, slugs: Iterable[str]) -> list[str]:
    """Every URL path of every page type that shows one article (its URL values have a
    ``slug``: the article, its parallel view, in every locale) for the articles ``slugs``."""
    from flask import url_for
    wanted = set(slugs)
    if not wanted:
        return []
    site = app.extensions["reader"]
    out = []
    with app.test_request_context(base_url=app.config["SITE_URL"]):
        for pt in REGISTRY.values():
            for values in (pt.urls(site) if pt.urls else ()):
                if values.get("slug") in wanted:
                    out.append(url_for(pt.endpoint, **values))
    return out


def smoke_urls(app: Flask) -> list[str]:
    """One URL of every page type in every locale (the first the type enumerates), for the
    release check."""
    from flask import url_for
    site = app.extensions["reader"]
    out = []
    with app.test_request_context(base_url=app.config["SITE_URL"]):
        for pt in REGISTRY.values():
            seen = set()
            for values in (pt.urls(site) if pt.urls else [{}]):
                lang = values.get("lang")
                if lang in seen:
                    continue
                seen.add(lang)
                out.append(url_for(pt.endpoint, **values))
                if lang is None or len(seen) == len(LOCALES):
                    break
    return out


def render_path(app: Flask, path: str) -> tuple[int, bytes, str]:
    """Render ``path`` through the app exactly as a request would (URL matching, locale,
    views, memo, error pages), without a client: ``(status, identity body, content type)``.
    Used by the release check, the service worker's revisions and the static export."""
    # a fresh app context, so nothing on ``g`` (the URL's locale, Flask-Babel's cached locale)
    # leaks from one render to the next when the caller already holds an app context
    with app.app_context(), app.test_request_context(path, base_url=app.config["SITE_URL"]):
        resp = app.full_dispatch_request()
        body = resp.get_data()
        if resp.headers.get("Content-Encoding"):
            raise RuntimeError(f"{path}: encoded response without Accept-Encoding")
        return resp.status_code, body, resp.headers.get("Content-Type", "")


_CONVERTERS = {
    "locale": lambda: "(?:" + "|".join(re.escape(i.segment) for i in LOCALES.values()) + ")",
    "slug": lambda: SLUG_PATTERN,
    "int": lambda: "[0-9]+",
    "default": lambda: "[^/]+",
}


def rule_regex(rule: str) -> str:
    """A Flask rule as an anchored regular expression usable in Python and JavaScript
    (``/<locale:lang>/<slug:slug>/`` -> ``^/(?:zh|en|zh-hant)/[a-z0-9]+(?:-[a-z0-9]+)*/$``)."""
    out, pos = "^", 0
    for m in re.finditer(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>", rule):
        out += re.escape(rule[pos:m.start()]).replace("\\/", "/")
        out += _CONVERTERS.get(m.group(1) or "default", _CONVERTERS["default"])()
        pos = m.end()
    return out + re.escape(rule[pos:]).replace("\\/", "/") + "$"


def offline_patterns(kind: str) -> list[str]:
    """Regular expressions of the paths of every page type the worker treats as ``kind``."""
    return [rule_regex(pt.rule) for pt in REGISTRY.values() if pt.offline == kind]

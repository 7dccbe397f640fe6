"""The page registry: every page type of the site, declared once, next to its view.

A view function decorated with :func:`page` returns its body as text; the registry knows its
URL rule, media type, cache policy, how to enumerate its URLs (for the sitemap, the static
export and the checks of a new release), whether it belongs in sitemaps, and what the service
worker does with it. Everything that lists pages reads :data:`REGISTRY`: the sitemap, the
export, the release check, the worker's URL patterns. Adding a page type is one decorated
function in ``webapp/site/``.

Every page is delivered the same way: rendered on first request, memoised per worker
(:class:`webapp.delivery.PageMemo`, key = path), compressed on demand, strong ETag.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import wraps

from flask import Flask, Response, abort, current_app, request

from webapp import delivery
from webapp.locales import LOCALES

# What the service worker does with a page type's responses.
SHELL = "shell"      # precached with the app shell (offline and saved-library pages)
READ = "read"        # kept when read online (articles, front pages, parallel views)

CACHE_POLICIES = {   # name -> config key of the Cache-Control value
    "page": "PAGE_CACHE_CONTROL",
    "feed": "FEED_CACHE_CONTROL",
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


REGISTRY: dict[str, PageType] = {}


def page(rule: str, *, mimetype: str = "text/html; charset=utf-8", cache: str = "page",
         urls: Callable[..., Iterable[dict]] | None = None, sitemap: bool = False,
         offline: str | None = None, translated: str | None = None):
    """Declare the decorated view as a page type at ``rule`` (a Flask rule, on the ``reader``
    blueprint: the endpoint is ``reader.<function name>``)."""
    def decorate(view):
        endpoint = f"reader.{view.__name__}"
        REGISTRY[endpoint] = PageType(endpoint, rule, view, mimetype, cache, urls, sitemap,
                                      offline, translated)
        return view
    return decorate


def reserved_slugs() -> set[str]:
    """First path segments after the locale that pages of the site use (``archive``,
    ``page``, ``saved``...): an article cannot be named after one."""
    import webapp.site  # noqa: F401 - the view modules fill the registry
    out = set()
    for pt in REGISTRY.values():
        parts = pt.rule.split("/")
        if len(parts) > 2 and parts[1].startswith("<locale:") and parts[2] \
                and not parts[2].startswith("<"):
            out.add(parts[2].split(".")[0])
    return out


def cache_control(pt: PageType, config) -> str:
    key = CACHE_POLICIES[pt.cache]
    return config[key] if key else "no-cache"


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
        rep = site.memo.get(key)
        request.environ["reader.memo"] = "hit" if rep is not None else "miss"
        if rep is None:
            body = delivery.stamp_version(pt.view(**values))
            rep = delivery.Representation(body.encode("utf-8"), pt.mimetype,
                                          cache_control(pt, current_app.config),
                                          route=pt.endpoint)
            site.memo.put(key, rep)
        status, headers, body = delivery.respond(rep, request.environ, site.memo)
        return Response(body, status=status, headers=headers)
    return view


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
    "slug": lambda: "[a-z0-9]+(?:-[a-z0-9]+)*",
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

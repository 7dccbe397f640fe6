"""Routes that are not pages: ``/`` (language negotiation), health and readiness, the icons
browsers ask for at the root, and the error pages.

- ``/``: 302 to the reader's front page (saved choice, then ``Accept-Language``, then Chinese),
  ``Vary: Accept-Language, Cookie``, ``private, no-cache``; the ``Location`` is relative.
- ``/healthz``: liveness (``200 ok``), touches nothing. ``/readyz``: readiness as JSON (release
  id, article count, locales with their UI catalog), 503 if a catalog is missing.
- ``/favicon.ico``, ``/apple-touch-icon.png``, ``/apple-touch-icon-precomposed.png``: the app's
  icons, cached for a week (their names carry no hash).
- Errors: every 4xx/5xx is a page in the reader's language (the URL's locale, else the
  preferred one), ``no-store``; never a redirect chain.
"""

from __future__ import annotations

import json

from flask import Response, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import RequestRedirect

from webapp import contract
from webapp.locales import LOCALES, UI_SOURCE_LOCALE, locale_from_segment
from webapp.web.delivery import CacheControl, Representation, choose_encoding, memo_key, spelled_as_key
from webapp.web.i18n import preferred_locale
from webapp.web.pages import resolve, surely_absent, surrogate_key
from webapp.web.state import site

ROOT_ICONS = {   # root path -> static source path
    "/favicon.ico": ("icons/favicon.ico", "image/x-icon"),
    "/apple-touch-icon.png": ("icons/apple-touch-icon.png", "image/png"),
    "/apple-touch-icon-precomposed.png": ("icons/apple-touch-icon.png", "image/png"),
}


def root():
    """Send the reader to their language's front page."""
    resp = redirect(url_for("reader.index", lang=preferred_locale()), 302)
    resp.headers["Vary"] = "Accept-Language, Cookie"
    resp.headers["Cache-Control"] = CacheControl.NEGOTIATED
    return resp


def healthz():
    """Liveness for load balancers: no rendering, no catalogs."""
    return Response("ok\n", mimetype="text/plain", headers={"Cache-Control": CacheControl.NO_STORE})


def readyz():
    """Readiness: the release this worker serves, its article count, and each locale's UI
    catalog; 503 when a UI catalog is missing (the locale would be served in English)."""
    release = site().release
    catalogs = {code: contract.ui_mo(release.root, code).exists()
                for code in LOCALES if code != UI_SOURCE_LOCALE}
    ready = all(catalogs.values())
    body = {"ready": ready, "release": release.id, "articles": release.count,
            "locales": list(LOCALES), "ui_catalogs": catalogs}
    return Response(json.dumps(body) + "\n", status=200 if ready else 503,
                    mimetype="application/json", headers={"Cache-Control": CacheControl.NO_STORE})


def icon():
    """One of the root-level icons, from the app's icon set."""
    src, mimetype = ROOT_ICONS[request.path]
    path = contract.static_pool(current_app.config["BUILD_DIR"]) / site().release.assets[src]
    return Response(path.read_bytes(), mimetype=mimetype,
                    headers={"Cache-Control": CacheControl.ICON})


def error_page(code: int, name: str, locale: str) -> Representation:
    """The error page for status ``code`` in ``locale``, rendered once per (code, locale) and
    kept for the worker's life (rendering is pure; never keyed by path, which the client
    chooses): a 404 for an invented path then costs about what a memo hit does."""
    kept = site().derived.setdefault("error_pages", {})
    rep = kept.get((code, locale))
    if rep is None:
        titles = {404: _("Page not found"), 405: _("That action is not available on this page"),
                  400: _("This address is not valid")}
        try:
            html = render_template("error.html", code=code, title=titles.get(code, name),
                                   page=("reader.index", {}), indexable=False)
        except Exception:  # noqa: BLE001 - an error page must never become a 500 of its own
            current_app.logger.exception("error page for %s failed", code)
            return Representation(f"{code} {name}\n".encode(), "text/html; charset=utf-8",
                                  CacheControl.NO_STORE)
        rep = Representation(html.encode("utf-8"), "text/html; charset=utf-8", CacheControl.NO_STORE)
        kept[(code, locale)] = rep
    return rep


def handle_http_error(exc: HTTPException):
    """Every 4xx/5xx as a page in the reader's language, with a way home.

    A 404 inside a locale's URL space (``/en/...``) is ``NOT_FOUND_CACHE_CONTROL`` (shared
    caches may hold it a few seconds); any other error, and a 404 whose language was
    negotiated (``Vary: Accept-Language, Cookie``), is ``no-store``."""
    first = request.path.lstrip("/").split("/", 1)[0]
    url_locale = g.get("locale") or locale_from_segment(first)
    g.locale = url_locale or preferred_locale()
    # A respelled target ("//en/x/", "/en/%78/", "/en/./x/") is not our URL at all: never
    # stored, so spellings cannot pile up in the caches even for 10 s
    key = memo_key(request.environ)
    if key.startswith("//") or "/." in key or not spelled_as_key(request.environ, key):
        url_locale = None
    rep = error_page(exc.code, exc.name, g.locale)
    coding = choose_encoding(request.headers.get("Accept-Encoding"))
    body = rep.encoding(coding)
    resp = Response(body, status=exc.code, mimetype="text/html")
    if exc.code == 404 and url_locale and not g.get("error_cache_control"):
        resp.headers["Cache-Control"] = current_app.config["NOT_FOUND_CACHE_CONTROL"]
        resp.headers["Vary"] = "Accept-Encoding"
        if "slug" in (request.view_args or {}):   # the article, once published, bans it
            resp.headers["Surrogate-Key"] = surrogate_key(request.view_args)
    else:
        resp.headers["Cache-Control"] = CacheControl.NO_STORE
        resp.headers["Vary"] = "Accept-Encoding, Accept-Language, Cookie"
    if coding != "identity":
        resp.headers["Content-Encoding"] = coding
    if exc.code == 405 and getattr(exc, "valid_methods", None):
        resp.headers["Allow"] = ", ".join(exc.valid_methods)
    return resp


def kept_not_found(app):
    """For :class:`webapp.web.delivery.MemoFront`: ``(environ, key)`` -> ``(kept 404 page,
    Cache-Control, route)`` when the path (spelled as its key) is in a locale's URL space and
    surely absent: no route matches it, or it is an article or parallel page of a slug the
    release does not have; else None (Flask answers, and renders the page on first use).
    Only what :func:`handle_http_error` would answer the same way; never per path."""
    adapter = app.url_map.bind("localhost")
    reader = app.extensions["reader"]
    cache_control = app.config["NOT_FOUND_CACHE_CONTROL"]

    def answer(environ, key: str):
        locale = locale_from_segment(key[1:].split("/", 1)[0])
        kept = reader.derived.get("error_pages", {}).get((404, locale))
        if kept is None or "/." in key or "//" in key or "__rev=" in environ.get(
                "QUERY_STRING", ""):
            return None
        try:
            adapter.match(key, method="GET")
        except NotFound:
            return kept, cache_control, "unmatched", ""
        except RequestRedirect:    # a missing trailing slash: a 404 only for a missing article
            pass
        except HTTPException:      # 405: Flask's answer
            return None
        found = resolve(key, adapter)
        if found and surely_absent(found[1], reader.release):
            return kept, cache_control, found[0], surrogate_key(found[1])
        return None

    return answer


def register(bp) -> None:
    """Add the non-page routes and the error handler."""
    bp.add_url_rule("/", "root", root)
    bp.add_url_rule("/healthz", "healthz", healthz)
    bp.add_url_rule("/readyz", "readyz", readyz)
    for path in ROOT_ICONS:
        bp.add_url_rule(path, "icon" + path.replace("/", "_").replace(".", "_").replace("-", "_"),
                        icon)
    bp.app_errorhandler(HTTPException)(handle_http_error)


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
from werkzeug.exceptions import HTTPException

from webapp.web.i18n import preferred_locale
from webapp.locales import LOCALES, UI_SOURCE_LOCALE, locale_from_segment
from webapp.web.delivery import CacheControl
from webapp.web.state import site
from webapp import contract

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


def handle_http_error(exc: HTTPException):
    """Every 4xx/5xx as a page in the reader's language, with a way home."""
    first = request.path.lstrip("/").split("/", 1)[0]
    g.locale = g.get("locale") or locale_from_segment(first) or preferred_locale()
    titles = {404: _("Page not found"), 405: _("That action is not available on this page"), 400: _("This address is not valid")}
    try:
        html = render_template("error.html", code=exc.code, title=titles.get(exc.code, exc.name),
                               page=("reader.index", {}), indexable=False)
    except Exception:  # noqa: BLE001 - an error page must never become a 500 of its own
        current_app.logger.exception("error page for %s failed", exc.code)
        html = f"{exc.code} {exc.name}\n"
    resp = Response(html, status=exc.code, mimetype="text/html")
    resp.headers["Cache-Control"] = CacheControl.NO_STORE
    if exc.code == 405 and getattr(exc, "valid_methods", None):
        resp.headers["Allow"] = ", ".join(exc.valid_methods)
    return resp


def register(bp) -> None:
    """Add the non-page routes and the error handler."""
    bp.add_url_rule("/", "root", root)
    bp.add_url_rule("/healthz", "healthz", healthz)
    bp.add_url_rule("/readyz", "readyz", readyz)
    for path in ROOT_ICONS:
        bp.add_url_rule(path, "icon" + path.replace("/", "_").replace(".", "_").replace("-", "_"),
                        icon)
    bp.app_errorhandler(HTTPException)(handle_http_error)


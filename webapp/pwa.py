"""Install and offline: a web app manifest per locale, the offline page, the service worker.

Routes (on the ``reader`` blueprint, so ``url_for`` keeps the locale):

- ``/sw.js`` (``reader.service_worker``): ``templates/sw.js`` with the precache manifest and
  the cache version injected as JSON. Scope ``/`` without a ``Service-Worker-Allowed`` header.
- ``/<lang_code>/manifest.webmanifest`` (``reader.webmanifest``): W3C Web App Manifest in the
  locale's language. One manifest per locale because Chromium ignores the spec's
  ``*_localized`` members; both share ``id`` ``/`` so they are one installed app.
- ``/<lang_code>/offline/`` (``reader.offline``): what the worker shows for a page it never saved.

The precache manifest follows Workbox's format, ``[{"url": ..., "revision": ...}]``: each page
(front page, every article, its parallel text and the offline page, in every locale) carries
the 12-hex SHA-256 of its rendered bytes; content-hashed ``/static/`` URLs carry ``revision: null`` because the
URL already changes with the bytes. Pages are rendered for hashing with the fixed base URL
``SITE_URL``, so their absolute canonical/hreflang links, and so the revisions, do not depend on
the Host a request came in with (two servers, or a proxy, agree). The cache version is the hash
of that JSON: the worker's bytes change exactly when a precached byte does, which is what makes
the browser install a new worker (Service Workers spec, "Update" algorithm: byte comparison).
"""

from __future__ import annotations

import contextvars
import json
import struct
from pathlib import Path

from flask import Flask, Response, current_app, g, render_template, request, url_for
from flask_babel import gettext as _

from webapp import i18n
from webapp.assets import file_hash
from webapp.http import page
from webapp.i18n import DEFAULT_LOCALE, LOCALES
from webapp.views import articles, asset_url, bp

THEME_COLOR = "#b3261e"        # the brand red (--accent in site.css); <meta name=theme-color> too
BACKGROUND_COLOR = "#fbfaf7"   # --bg, so the splash screen matches the first paint
NOT_PRECACHED = ("screenshots/",)  # static files only the install UI needs
ICONS = [("icons/icon-192.png", "any"), ("icons/icon-512.png", "any"),
         ("icons/icon-maskable-512.png", "maskable")]


def png_size(path: Path | str) -> tuple[int, int]:
    """Width and height of a PNG file, from its IHDR chunk (PNG spec §11.2.2).

    :raises ValueError: if the file is not a PNG. :raises OSError: if it cannot be read.
    """
    with open(path, "rb") as fh:
        head = fh.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise ValueError(f"{path}: not a PNG file")
    return struct.unpack(">II", head[16:24])


def _static_png(src: str) -> tuple[str, str]:
    """(hashed URL, "WxH") of a PNG under ``static/``, its size read from the built file."""
    path = Path(current_app.config["BUILD_DIR"]) / current_app.extensions["assets"][src]
    return asset_url(src), "{}x{}".format(*png_size(path))


def page_urls(app: Flask) -> list[str]:
    """Every page the worker precaches, as absolute paths: for each locale its front page,
    every article, every article's parallel text (webapp/parallel.py) and its offline page.
    Never ``/``, which redirects (workbox#173)."""
    with app.test_request_context(base_url=app.config["SITE_URL"]):
        urls = []
        for code in LOCALES:
            urls.append(url_for("reader.index", lang_code=code))
            urls += [url_for("reader.article", lang_code=code, slug=slug)
                     for slug in app.extensions["articles"]]
            urls += [url_for("reader.parallel", lang_code=code, slug=slug)
                     for slug in app.extensions["articles"]]
            urls.append(url_for("reader.offline", lang_code=code))
    return urls


def build_precache(app: Flask) -> list[dict]:
    """Compute the precache manifest: ``[{"url": str, "revision": str | None}]``.

    Pages are rendered once through the app itself (test client, base URL ``SITE_URL``) and
    hashed; static files are every built asset except ``NOT_PRECACHED``, with revision None.
    Deterministic: same content, catalogs, templates and static files give the same list.
    :raises RuntimeError: if a page does not answer 200 (a precached redirect or error page
        would break offline navigation).
    """
    client = app.test_client()
    entries = []
    for url in page_urls(app):
        resp = client.get(url, base_url=app.config["SITE_URL"])
        if resp.status_code != 200:
            raise RuntimeError(f"precache: {url} answered {resp.status_code}, not 200")
        entries.append({"url": url, "revision": file_hash(resp.get_data())})
    for src, hashed in sorted(app.extensions["assets"].items()):
        if not src.startswith(NOT_PRECACHED):
            entries.append({"url": "/static/" + hashed, "revision": None})
    return entries


def precache_manifest(app: Flask) -> list[dict]:
    """The app's precache manifest, built on first use and then memoised per process (pages
    are pure functions of files read at start-up, so it cannot go stale while running).

    Built in an empty ``contextvars.Context``: called from a request, the test client would
    otherwise reuse that request's app context and ``g`` (Flask pushes a new app context only
    when none is active), and with it Flask-Babel's cached locale.
    """
    if "precache" not in app.extensions:
        app.extensions["precache"] = contextvars.Context().run(build_precache, app)
    return app.extensions["precache"]


def cache_version(entries: list[dict]) -> str:
    """12 hex digits of the SHA-256 of the manifest's canonical JSON (UTF-8 bytes)."""
    return file_hash(json.dumps(entries, sort_keys=True, separators=(",", ":")).encode())


def no_cache(resp: Response) -> Response:
    """Always revalidate (cheap with the ETag): the worker and manifests must never go stale."""
    resp.headers["Cache-Control"] = "no-cache"
    resp.add_etag()
    return resp.make_conditional(request)


@bp.route("/sw.js")
def service_worker():
    """The service worker script, ``text/javascript`` (Service Workers spec requires a
    JavaScript MIME type), revalidated on every fetch."""
    entries = precache_manifest(current_app._get_current_object())
    js = render_template("sw.js", precache=entries, version=cache_version(entries),
                         locales=[info.segment for info in LOCALES.values()],
                         default_locale=LOCALES[DEFAULT_LOCALE].segment)
    return no_cache(Response(js, mimetype="text/javascript"))


@bp.route("/<lang_code>/manifest.webmanifest")
def webmanifest():
    """The Web App Manifest in the URL's locale (``application/manifest+json``)."""
    loc = LOCALES[g.lang_code]
    icons = []
    for src, purpose in ICONS:
        url, size = _static_png(src)
        icons.append({"src": url, "sizes": size, "type": "image/png", "purpose": purpose})
    shot_url, shot_size = _static_png(f"screenshots/phone-{loc.id}.png")
    manifest = {
        "id": "/",
        "name": _("Jintan Reader"),
        # TRANSLATORS: the app's name under its home-screen icon; 12 characters at most.
        "short_name": _("Jintan"),
        "description": _("Features from Jintan, Changzhou, in Chinese and English, "
                         "readable offline once installed."),
        "lang": loc.tag,
        "dir": "ltr",
        "start_url": url_for("reader.index"),
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "categories": ["news"],
        "icons": icons,
        "screenshots": [{"src": shot_url, "sizes": shot_size, "type": "image/png",
                         "form_factor": "narrow", "label": _("An article on a phone")}],
    }
    body = json.dumps(manifest, ensure_ascii=False, indent=1)
    return no_cache(Response(body, mimetype="application/manifest+json"))


@bp.route("/<lang_code>/offline/")
@page
def offline():
    """The offline page: what the worker shows for a page it has not saved. A normal page
    (memoised, page Cache-Control, ETag) with ``<meta name="robots" content="noindex">``."""
    items = [(a, i18n.translate_block(a.title, g.lang_code)) for a in articles().values()]
    return render_template("offline.html", items=items, page=("reader.offline", {}),
                           indexable=False)


def init_app(app: Flask) -> None:
    """Expose the theme colour to templates (``<meta name="theme-color">``)."""
    app.jinja_env.globals.update(THEME_COLOR=THEME_COLOR)

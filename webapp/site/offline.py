"""Install and offline: the service worker, a web app manifest per locale, the offline page
and the saved-articles library. The worker's design is in docs/offline.md.

- ``/sw.js`` (``reader.service_worker``): ``templates/sw.js`` with its data as JSON: the shell
  precache manifest (Workbox's ``[{url, revision}]``: hashed static files carry ``revision:
  null``, the offline and library pages the SHA-256 of their bytes), the newest articles per
  locale, the URL patterns of pages it may keep (from the page registry), the locale table,
  and the release id. The release id is in it, so every release changes the worker's bytes and
  readers' workers update, refresh what they keep, and drop the old shell.
- ``/<locale>/manifest.webmanifest``: W3C Web App Manifest in the locale's language (Chromium
  ignores the spec's localised members); all share ``id`` ``/``, so they are one app. In the
  worker's shell, so an installed app opened offline finds it.
- ``/<locale>/offline/``: what the worker shows for a page it has not kept.
- ``/<locale>/saved/``: the reader's saved articles, listed by ``js/saved.js`` from the
  worker's caches; works offline.
"""

from __future__ import annotations

import hashlib
import json
import struct
from pathlib import Path

from flask import Flask, current_app, render_template, url_for
from flask_babel import gettext as _

from webapp import delivery
from webapp.i18n import current_locale
from webapp.locales import LOCALES, client_table
from webapp.pages import READ, REGISTRY, SHELL, offline_patterns, page, render_path
from webapp.site.state import BACKGROUND_COLOR, THEME_COLOR, asset_url, site

NOT_PRECACHED = ("screenshots/", "icons/favicon", "icons/apple-touch")  # install UI, browsers
ICONS = [("icons/icon-192.png", "any"), ("icons/icon-512.png", "any"),
         ("icons/icon-maskable-512.png", "maskable")]
WORKER_DATA = "worker.json"
JS = "text/javascript; charset=utf-8"


def png_size(path: Path | str) -> tuple[int, int]:
    """Width and height of a PNG file, from its IHDR chunk (PNG spec §11.2.2).

    :raises ValueError: if the file is not a PNG. :raises OSError: if it cannot be read."""
    with open(path, "rb") as fh:
        head = fh.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise ValueError(f"{path}: not a PNG file")
    return struct.unpack(">II", head[16:24])


def _static_png(src: str) -> tuple[str, str]:
    path = Path(current_app.config["BUILD_DIR"]) / "static" / site().release.assets[src]
    return asset_url(src), "{}x{}".format(*png_size(path))


def locale_urls(s):
    for code in LOCALES:
        yield {"lang": code}


def write_worker_data(app: Flask, release_dir: Path) -> dict:
    """Compute the worker's data for the app's release and write it to
    ``<release_dir>/worker.json`` (called by the release build, never at request time).

    Shell pages are rendered through the app (:func:`webapp.pages.render_path`) and hashed;
    the newest ``OFFLINE_LATEST`` articles available in each locale come from the index.
    :raises RuntimeError: if a shell page does not answer 200."""
    s = app.extensions["reader"]
    shell = []
    with app.test_request_context(base_url=app.config["SITE_URL"]):
        shell_urls = [url_for(pt.endpoint, **values) for pt in REGISTRY.values()
                      if pt.offline == SHELL for values in pt.urls(s)]
        latest = {}
        for code, info in LOCALES.items():
            slugs = s.release.latest(code, app.config["OFFLINE_LATEST"])
            latest[info.segment] = [url_for("reader.index", lang=code)] + [
                url_for("reader.article", lang=code, slug=slug) for slug in slugs]
    for url in shell_urls:
        status, body, _type = render_path(app, url)
        if status != 200:
            raise RuntimeError(f"precache: {url} answered {status}, not 200")
        shell.append({"url": url, "revision": delivery.revision(body)})
    for src, hashed in sorted(s.release.assets.items()):
        if not src.startswith(NOT_PRECACHED):
            shell.append({"url": "/static/" + hashed, "revision": None})
    shell_json = json.dumps(shell, sort_keys=True, separators=(",", ":"))
    data = {"shell": shell, "shellVersion": hashlib.sha256(shell_json.encode()).hexdigest()[:12],
            "latest": latest, "release": s.release.id}
    (release_dir / WORKER_DATA).write_text(json.dumps(data, indent=1), "utf-8")
    return data


def worker_data() -> dict:
    """The worker's data of the current release (read once per worker)."""
    s = site()
    if "worker" not in s.derived:
        path = s.release.root / WORKER_DATA
        s.derived["worker"] = json.loads(path.read_text("utf-8"))
    return s.derived["worker"]


@page("/sw.js", mimetype=JS, cache="revalidate")
def service_worker() -> str:
    """The service worker script (a JavaScript MIME type, as the Service Workers spec
    requires), revalidated on every fetch, scope ``/``."""
    data = worker_data()
    config = current_app.config
    return render_template(
        "sw.js", shell=data["shell"], shell_version=data["shellVersion"],
        latest=data["latest"], release=data["release"], locales=client_table(),
        read_patterns=offline_patterns(READ), max_pages=config["OFFLINE_MAX_PAGES"],
        offline_pages={info.segment: url_for("reader.offline", lang=code)
                       for code, info in LOCALES.items()})


@page("/<locale:lang>/manifest.webmanifest", mimetype="application/manifest+json",
      cache="revalidate", urls=locale_urls, offline=SHELL)
def webmanifest() -> str:
    """The Web App Manifest in the URL's locale."""
    loc = LOCALES[current_locale()]
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
    # <, > and & as JSON escapes: the value is unchanged, and no translated name can be
    # mistaken for markup by anything that shows the file
    return json.dumps(manifest, ensure_ascii=False, indent=1).replace(
        "<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@page("/<locale:lang>/offline/", urls=locale_urls, offline=SHELL)
def offline() -> str:
    """What the worker shows for a page it has not kept (``noindex``)."""
    return render_template("offline.html", page=("reader.offline", {}), indexable=False)


@page("/<locale:lang>/saved/", urls=locale_urls, offline=SHELL)
def saved() -> str:
    """The saved-articles library (filled in by ``js/saved.js``; ``noindex``)."""
    return render_template("saved.html", page=("reader.saved", {}), indexable=False)

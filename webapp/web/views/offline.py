"""Install and offline: the service worker, a web app manifest per locale, the offline page
and the saved-articles library. The worker's design is in docs/offline.md.

- ``/sw.js`` (``reader.service_worker``): ``static/js/sw.js`` (the release's copy) after one
  line, ``const DATA = {...};``, its data as one JSON object: the shell
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

import json
import struct
from pathlib import Path

from flask import current_app, render_template, url_for
from flask_babel import gettext as _

from webapp import contract
from webapp.web.i18n import current_locale
from webapp.locales import LOCALES, client_table
from webapp.web.pages import READ, REGISTRY, SHELL, WORKER_SOURCE, offline_patterns, page, rule_regex
from webapp.web.state import BACKGROUND_COLOR, THEME_COLOR, asset_url, site

ICONS = [("icons/icon-192.png", "any"), ("icons/icon-512.png", "any"),
         ("icons/icon-maskable-512.png", "maskable")]
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
    path = contract.static_pool(current_app.config["BUILD_DIR"]) / site().release.assets[src]
    return asset_url(src), "{}x{}".format(*png_size(path))


def locale_urls(s):
    for code in LOCALES:
        yield {"lang": code}


def worker_data() -> dict:
    """The worker's data of the current release, as the build wrote it
    (:mod:`webapp.publish.worker`; read once per worker)."""
    s = site()
    if "worker" not in s.derived:
        path = s.release.root / contract.WORKER_DATA
        s.derived["worker"] = json.loads(path.read_text("utf-8"))
    return s.derived["worker"]


@page("/sw.js", mimetype=JS, cache="revalidate")
def service_worker() -> str:
    """The service worker script (a JavaScript MIME type, as the Service Workers spec
    requires), revalidated on every fetch, scope ``/``: ``const DATA = <JSON>;`` then the
    release's ``static/js/sw.js``, so the data is one JSON object and the code a plain,
    linted JavaScript file."""
    s = site()
    if "worker_script" not in s.derived:
        data = dict(worker_data())
        data.update(locales=client_table(), readPatterns=offline_patterns(READ),
                    maxPages=current_app.config["OFFLINE_MAX_PAGES"],
                    photoBudget=current_app.config["OFFLINE_PHOTO_BYTES"],
                    photoPrefix="/static/photos/",
                    offlinePages={info.segment: url_for("reader.offline", lang=code)
                                  for code, info in LOCALES.items()},
                    searchPages={info.segment: url_for("reader.search", lang=code)
                                 for code, info in LOCALES.items()},
                    articlePattern=rule_regex(REGISTRY["reader.article"].rule))
        source = contract.static_pool(current_app.config["BUILD_DIR"]) / s.release.assets[WORKER_SOURCE]
        head = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        s.derived["worker_script"] = f"const DATA = {head};\n" + source.read_text("utf-8")
    return s.derived["worker_script"]


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

"""Static export for a CDN: the whole site as files, servable by any static server.

``python -m webapp.export DEST`` (``make export``) freezes, with Frozen-Flask, every route of
every locale (pages, manifests, feeds, offline pages: see :func:`locale_urls`) and the
site-wide files (``/sw.js`` and any other argument-free route such as ``/sitemap.xml``),
then adds:

- ``static/``: the hashed, pre-compressed assets (``.br``/``.gz`` beside each file);
- ``<locale>/404.html`` and ``404.html``: the not-found page in each language (point the
  static server's error page at them, see README);
- ``index.html``: the root page, which sends the reader to their language (saved choice,
  then the browser's languages) with ``js/root.js``, and links every language for readers
  without JavaScript.

Freezing fails loudly: a page that answers anything but 200, or a redirect, aborts it
(Frozen-Flask ``FREEZER_REDIRECT_POLICY="error"``, 404s not ignored); the tests also check
that every same-origin link in the exported pages resolves to an exported file.
"""

from __future__ import annotations

import mimetypes
import shutil
import sys
import warnings
from pathlib import Path

from flask import Flask, render_template, url_for
from flask_frozen import Freezer

from webapp import create_app
from webapp.i18n import LOCALES
from webapp.pwa import page_urls

# Python's table lacks these; Frozen-Flask checks each response's type against the file name.
mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("application/atom+xml", ".atom")
mimetypes.add_type("text/javascript", ".js")

SKIP = {"/", "/healthz"}  # "/" redirects (the root page replaces it); health is for the live app


def site_wide_urls(app: Flask) -> list[str]:
    """Argument-free GET routes worth exporting (``/sw.js``, ``/sitemap.xml``, ...)."""
    return sorted(rule.rule for rule in app.url_map.iter_rules()
                  if not rule.arguments and "GET" in rule.methods and rule.rule not in SKIP
                  and rule.endpoint != "static")


def locale_urls(app: Flask) -> list[str]:
    """Every GET route of every locale: routes taking ``lang_code`` (front page, manifest,
    feed, offline page, ...) and, for routes also taking ``slug``, every article.

    Enumerated from the URL map rather than crawled: Frozen-Flask's ``log_url_for`` replays
    ``url_for`` calls outside the request, where the locale (a URL-processor default, the
    Flask urlprocessors pattern) is not known.
    """
    urls = []
    with app.test_request_context(base_url=app.config["SITE_URL"]):
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or "lang_code" not in rule.arguments:
                continue
            extra = rule.arguments - {"lang_code"}
            if extra - {"slug"}:
                raise ValueError(f"export: cannot enumerate {rule.rule} ({sorted(extra)})")
            slugs = list(app.extensions["articles"]) if extra else [None]
            for code in LOCALES:
                for slug in slugs:
                    values = {"slug": slug} if slug else {}
                    urls.append(url_for(rule.endpoint, lang_code=code, **values))
    return sorted(set(urls))


def export(dest: Path | str, app: Flask | None = None) -> list[str]:
    """Write the static site into ``dest`` (replaced); return the frozen URLs.

    :param dest: output folder. :param app: the app to freeze (default ``create_app()``).
    :raises ValueError: from Frozen-Flask when a URL answers a redirect or an error.
    """
    dest = Path(dest).resolve()
    app = app or create_app()
    app.config.update(FREEZER_DESTINATION=str(dest), FREEZER_BASE_URL=app.config["SITE_URL"],
                      FREEZER_REDIRECT_POLICY="error", FREEZER_IGNORE_404_NOT_FOUND=False,
                      FREEZER_REMOVE_EXTRA_FILES=True, FREEZER_DEFAULT_MIMETYPE="text/html",
                      FREEZER_STATIC_IGNORE=["*"])
    freezer = Freezer(app, with_static_files=False, with_no_argument_rules=False,
                      log_url_for=False)

    @freezer.register_generator
    def urls():
        yield from locale_urls(app)
        yield from site_wide_urls(app)

    with warnings.catch_warnings():
        # Links to /static/ are served by whitenoise, not a Flask route: copied below instead.
        warnings.filterwarnings("ignore", message=".*Nothing frozen for endpoints.*")
        frozen = list(freezer.freeze_yield())
    urls_done = [f.url for f in frozen]

    shutil.copytree(app.config["BUILD_DIR"], dest / "static", dirs_exist_ok=True)
    client = app.test_client()
    for segment in {url.split("/")[1] for url in page_urls(app)}:  # each locale's URL prefix
        resp = client.get(f"/{segment}/__not-found__/")
        (dest / segment / "404.html").write_bytes(resp.get_data())
    root_404 = client.get("/__not-found__/")
    (dest / "404.html").write_bytes(root_404.get_data())
    with app.test_request_context(base_url=app.config["SITE_URL"]):
        html = render_template("root.html")
    (dest / "index.html").write_text(html, "utf-8")
    return urls_done


def main(argv: list[str]) -> int:
    dest = Path(argv[1]) if len(argv) > 1 else Path("build/site")
    urls = export(dest)
    print(f"exported {len(urls)} URLs and the static files to {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

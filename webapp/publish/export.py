"""Static export for a CDN: the whole site as files, servable by any static server.

``python -m webapp.publish.export DEST`` (``make export``) renders every URL of every page type in the
page registry (:func:`webapp.web.pages.all_urls`) through the same renderer the live app uses
(:func:`webapp.web.pages.render_path`), so the export and the live site cannot drift. It writes:

- each page at its path (``/zh/x/`` -> ``zh/x/index.html``, ``/sw.js`` -> ``sw.js``);
- ``static/``: the hashed, pre-compressed files of the release (``.br``/``.gz`` beside each);
- ``<locale>/404.html`` and ``404.html``: the not-found page in each language;
- ``index.html``: the root page, which sends the reader to their language (saved choice, then
  the browser's languages, with the locale table of :mod:`webapp.locales`), and links every
  language for readers without JavaScript.

A URL that does not answer 200 aborts the export. Cost grows with the archive (every page of
every locale); the live app does not need it.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from flask import Flask, render_template

from webapp.web.factory import create_app
from webapp.locales import LOCALES, client_table
from webapp.web.pages import all_urls, render_path
from webapp import contract


class ExportError(RuntimeError):
    """A URL of the site did not render."""


def target(dest: Path, url: str) -> Path:
    """The file a URL path is written to: a path ending in ``/`` gets ``index.html``."""
    rel = url.lstrip("/")
    return dest / (rel + "index.html" if url.endswith("/") else rel)


def export(dest: Path | str, app: Flask | None = None) -> list[str]:
    """Write the static site into ``dest`` (replaced); return the exported URL paths.

    :param dest: output folder. :param app: the app to export (default ``create_app()``).
    :raises ExportError: naming a URL that does not answer 200."""
    dest = Path(dest).resolve()
    app = app or create_app()
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    urls = all_urls(app)
    for url in urls:
        status, body, _type = render_path(app, url)
        if status != 200:
            raise ExportError(f"export: {url} answered {status}")
        path = target(dest, url)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(body)
    release = app.extensions["reader"].release
    static = dest / "static"
    pool = contract.static_pool(app.config["BUILD_DIR"])
    for hashed in [*release.assets.values(), *release.photo_files()]:
        for suffix in ("", ".br", ".gz"):
            src = pool / (hashed + suffix)
            if src.exists():
                (static / hashed).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, static / (hashed + suffix))
    for info in LOCALES.values():
        _status, body, _type = render_path(app, f"/{info.segment}/__not-found__/")
        (dest / info.segment / "404.html").write_bytes(body)
    _status, body, _type = render_path(app, "/__not-found__/")
    (dest / "404.html").write_bytes(body)
    with app.test_request_context(base_url=app.config["SITE_URL"]):
        html = render_template("root.html", locale_table=client_table())
    (dest / "index.html").write_text(html, "utf-8")
    return urls


def main(argv: list[str]) -> int:
    dest = Path(argv[1]) if len(argv) > 1 else Path("build/site")
    try:
        urls = export(dest)
    except ExportError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"exported {len(urls)} URLs and the static files to {dest}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

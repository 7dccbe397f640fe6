"""The service worker's data, written into each release by the build (never at request time):
the shell precache manifest (Workbox's ``[{url, revision}]``: hashed static files carry
``revision: null``, the offline and saved-library pages the SHA-256 of their bytes), the newest
articles per locale, the release id and the offline search's
Traditional-to-Simplified table (:func:`webapp.search.script_table`). ``/sw.js`` (:mod:`webapp.web.views.offline`) reads it
back through :data:`webapp.contract.WORKER_DATA`."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from flask import Flask, url_for

from webapp import contract, search
from webapp.locales import LOCALES
from webapp.web.pages import NOT_PRECACHED, REGISTRY, SHELL, render_path


def write_worker_data(app: Flask, release_dir: Path) -> dict:
    """Compute the worker's data for the app's release and write it to
    ``<release_dir>/worker.json`` (called by the release build, never at request time).

    Shell pages are rendered through the app (:func:`webapp.web.pages.render_path`) and hashed;
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
        shell.append({"url": url, "revision": contract.revision(body)})
    for src, hashed in sorted(s.release.assets.items()):
        if not src.startswith(NOT_PRECACHED):
            shell.append({"url": "/static/" + hashed, "revision": None})
    shell_json = json.dumps(shell, sort_keys=True, separators=(",", ":"))
    data = {"shell": shell, "shellVersion": hashlib.sha256(shell_json.encode()).hexdigest()[:12],
            "latest": latest, "release": s.release.id,
            # offline search: Traditional -> Simplified for the archive's characters
            "scriptFold": search.script_table(s.release.search.characters())}
    (release_dir / contract.WORKER_DATA).write_text(json.dumps(data, indent=1), "utf-8")
    return data

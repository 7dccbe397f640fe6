"""`make export`: the whole site as static files that work on any static server."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request

import pytest

from tests.conftest import SEED_SLUG
from tests.static_server import StaticServer
from webapp.export import export
from webapp.pwa import precache_manifest


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    from webapp import create_app
    tmp = tmp_path_factory.mktemp("export")
    app = create_app({"BUILD_DIR": str(tmp / "build" / "static")})
    urls = export(tmp / "site", app)
    return tmp / "site", urls, app


@pytest.fixture(scope="module")
def served(site):
    server = StaticServer(site[0])
    yield server
    server.stop()


def get(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return resp.status, resp.read(), resp.headers
    except urllib.error.HTTPError as err:
        return err.code, err.read(), err.headers


def test_every_precached_url_is_exported_and_identical_to_the_live_page(site, served):
    root, _, app = site
    client = app.test_client()
    for entry in precache_manifest(app):
        status, body, _ = get(served.url + entry["url"])
        assert status == 200, entry["url"]
        if not entry["url"].startswith("/static/"):
            live = client.get(entry["url"], base_url=app.config["SITE_URL"]).get_data()
            assert body == live, entry["url"]


def test_service_worker_and_manifests_are_exported(site, served):
    status, body, headers = get(served.url + "/sw.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    for locale in ("zh", "en"):
        status, body, _ = get(f"{served.url}/{locale}/manifest.webmanifest")
        manifest = json.loads(body)
        assert status == 200 and manifest["start_url"] == f"/{locale}/"


def test_root_page_links_every_language_without_javascript(site, served):
    status, body, _ = get(served.url + "/")
    page = body.decode()
    assert status == 200
    for locale in ("zh", "en"):
        assert f'href="/{locale}/"' in page
    assert re.search(r'<script src="/static/js/root\.[0-9a-f]{12}\.js"></script>', page)


@pytest.mark.parametrize("path, marker", [
    (f"/en/no-such-story/", "Page not found"), ("/zh/no-such-story/", "页面未找到"),
])
def test_missing_pages_get_the_locale_404(served, path, marker):
    status, body, _ = get(served.url + path)
    assert status == 404 and marker in body.decode()


def test_static_files_keep_their_compressed_siblings(site):
    root = site[0]
    css = next((root / "static" / "css").glob("site.*.css"))
    assert css.with_name(css.name + ".br").exists() and css.with_name(css.name + ".gz").exists()


@pytest.mark.parametrize("url", ["/", "/zh/no-such-story/"])
def test_a_redirect_or_a_missing_page_aborts_the_export(tmp_path, make_app, monkeypatch, url):
    """A site that would publish a redirect or a dead link must not export half-done."""
    from webapp import export as export_module
    monkeypatch.setattr(export_module, "site_wide_urls", lambda app: [url])
    with pytest.raises(Exception, match="(?i)redirect|302|404|not found"):
        export(tmp_path / "site", make_app())


def test_every_same_origin_link_in_the_export_resolves_to_a_file(site):
    """What Frozen-Flask's link following would catch: no exported page links to nothing."""
    root = site[0]
    missing = set()
    for html in root.rglob("*.html"):
        if html.name == "404.html":
            continue
        for link in re.findall(r'(?:href|src)="(/[^"#?]*)', html.read_text("utf-8")):
            target = root / link.lstrip("/")
            if link.endswith("/"):
                target = target / "index.html"
            if not target.is_file():
                missing.add((str(html.relative_to(root)), link))
    assert not missing, sorted(missing)[:10]


def test_exported_pages_keep_their_own_language(site):
    """Each page is rendered in its own locale even though one process renders them all."""
    root = site[0]
    en = (root / "en" / SEED_SLUG / "index.html").read_text("utf-8")
    zh = (root / "zh" / SEED_SLUG / "index.html").read_text("utf-8")
    assert '<html lang="en">' in en and "Skip to content" in en and "跳到正文" not in en
    assert '<html lang="zh-Hans">' in zh and "跳到正文" in zh and "Skip to content" not in zh

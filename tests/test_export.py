"""`make export`: the whole site as static files that work on any static server, rendered by
the live app's own renderer for every URL of the page registry."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from tests.helpers import FULL, SEGMENTS, UNTRANSLATED, start_app
from tests.static_server import StaticServer
from webapp.config import ROOT
from webapp.publish.export import ExportError, export
from webapp.web.pages import all_urls


@pytest.fixture(scope="module")
def site(fixture_site, tmp_path_factory):
    app = start_app(fixture_site)
    dest = tmp_path_factory.mktemp("export") / "site"
    urls = export(dest, app)
    return dest, urls, app


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


def test_every_page_of_the_registry_is_exported_identical_to_the_live_page(site, served):
    _root, urls, app = site
    assert sorted(urls) == sorted(all_urls(app))
    client = app.test_client()
    for url in urls:
        status, body, _ = get(served.url + url)
        assert status == 200, url
        assert body == client.get(url).data, url


def test_the_export_holds_every_kind_of_page(site):
    urls = set(site[1])
    for seg in SEGMENTS.values():
        for path in ("", f"{FULL}/", f"{FULL}/parallel/", "archive/", "archive/2026/02/",
                     "archive/undated/", "offline/", "saved/", "manifest.webmanifest",
                     "feed.atom", f"{UNTRANSLATED}/"):
            assert f"/{seg}/{path}" in urls, (seg, path)
    assert {"/sw.js", "/sitemap.xml", "/sitemaps/pages.xml", "/sitemaps/2026-03.xml",
            "/sitemaps/undated.xml", "/robots.txt"} <= urls


def test_service_worker_and_manifests_are_exported(served):
    status, body, headers = get(served.url + "/sw.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    data = json.loads(body.partition(b"\n")[0].removeprefix(b"const DATA = ").removesuffix(b";"))
    assert any(entry["url"] == "/zh/offline/" for entry in data["shell"])
    for seg in SEGMENTS.values():
        status, body, _ = get(f"{served.url}/{seg}/manifest.webmanifest")
        assert status == 200 and json.loads(body)["start_url"] == f"/{seg}/"


def test_root_page_links_every_language_and_negotiates_with_the_locale_table(served):
    status, body, _ = get(served.url + "/")
    page = body.decode()
    assert status == 200
    for seg in SEGMENTS.values():
        assert f'href="/{seg}/"' in page
    assert re.search(r'<script src="/static/js/root\.[0-9a-f]{12}\.js" defer></script>', page)
    table = re.search(r'<script type="application/json" id="locale-table">(.*?)</script>',
                      page, re.S)[1]
    assert json.loads(table)["segments"] == SEGMENTS
    assert '<meta name="robots" content="noindex">' in page


@pytest.mark.parametrize("path, marker", [
    ("/en/no-such-story/", "Page not found"), ("/zh/no-such-story/", "页面未找到"),
    ("/zh-hant/no-such-story/", "找不到此頁面"), ("/no-such-page", "页面未找到"),
])
def test_missing_pages_get_the_locale_404(served, path, marker):
    status, body, _ = get(served.url + path)
    assert status == 404 and marker in body.decode()


def test_static_files_keep_their_compressed_siblings(site):
    css = next((site[0] / "static" / "css").glob("site.*.css"))
    assert css.with_name(css.name + ".br").exists() and css.with_name(css.name + ".gz").exists()


@pytest.mark.parametrize("url", ["/zh", "/zh/no-such-story/", "/en/page/1/"])
def test_a_redirect_or_a_missing_page_aborts_the_export(fixture_site, tmp_path, monkeypatch, url):
    """A site that would publish a redirect or a dead link must not export half-done."""
    from webapp.publish import export as export_module
    monkeypatch.setattr(export_module, "all_urls", lambda app: [url])
    with pytest.raises(ExportError, match=re.escape(url)):
        export(tmp_path / "site", start_app(fixture_site))


def test_every_same_origin_link_in_the_export_resolves_to_a_file(site):
    """No exported page links to nothing."""
    root = site[0]
    missing = set()
    for html in root.rglob("*.html"):
        for link in re.findall(r'(?:href|src|data-offline-module)="(/[^"#?]*)', html.read_text(
                "utf-8")):
            target = root / link.lstrip("/")
            if link.endswith("/"):
                target = target / "index.html"
            if not target.is_file():
                missing.add((str(html.relative_to(root)), link))
    assert not missing, sorted(missing)[:10]


def test_exported_pages_keep_their_own_language(site):
    """Each page is rendered in its own locale even though one process renders them all."""
    root = site[0]
    en = (root / "en" / FULL / "index.html").read_text("utf-8")
    zh = (root / "zh" / FULL / "index.html").read_text("utf-8")
    assert '<html lang="en" ' in en and "Skip to content" in en and "跳到正文" not in en
    assert '<html lang="zh-Hans" ' in zh and "跳到正文" in zh and "Skip to content" not in zh


def test_the_export_command(fixture_site, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT),
           **{f"JINTAN_{k}": v for k, v in fixture_site.items()}}
    proc = subprocess.run([sys.executable, "-m", "webapp.publish.export", str(tmp_path / "out")],
                          cwd=ROOT, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert re.match(r"exported \d+ URLs and the static files to ", proc.stdout)
    assert (tmp_path / "out" / "en" / FULL / "index.html").is_file()

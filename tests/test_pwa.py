"""Install and offline, on the Flask test client: the worker script and the data it carries
(shell precache in Workbox's ``[{url, revision}]``, the newest articles per language, the page
patterns it may keep), the web app manifests, the offline page and the saved library."""

from __future__ import annotations

import hashlib
import json
import re
import shutil

import pytest

from tests.helpers import (FULL, PARTIAL, SEGMENTS, UNDATED, UNTRANSLATED, UPDATED, read_catalog,
                           write_catalog)
from webapp.config import ROOT
from webapp.locales import LOCALES
from webapp.web.views.offline import THEME_COLOR, png_size


def status(client, url: str) -> int:
    """Status of a GET, closing the response (whitenoise streams files)."""
    resp = client.get(url)
    resp.close()
    return resp.status_code


def worker(client) -> dict:
    """The worker's data (the JSON object /sw.js starts with), under the names the script
    gives it, plus the whole script as ``js``."""
    js = client.get("/sw.js").get_data(as_text=True)
    head, _newline, _source = js.partition("\n")
    data = json.loads(re.fullmatch(r"const DATA = (.*);", head)[1])
    names = {"release": "RELEASE", "shell": "SHELL", "shellVersion": "SHELL_VERSION",
             "latest": "LATEST", "offlinePages": "OFFLINE_PAGES", "maxPages": "MAX_PAGES",
             "locales": "LOCALE_TABLE", "readPatterns": "READ_PATTERNS",
             "photoBudget": "PHOTO_BUDGET", "photoPrefix": "PHOTO_PREFIX",
             "searchPages": "SEARCH_PAGES", "articlePattern": "ARTICLE_PATTERN",
             "scriptFold": "SCRIPT_FOLD"}
    found = {names[key]: value for key, value in data.items()}
    found["js"] = js
    return found


def test_worker_script_is_javascript_revalidated_every_time(client):
    resp = client.get("/sw.js")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert resp.headers["Cache-Control"] == "no-cache"
    assert "Service-Worker-Allowed" not in resp.headers  # at the root, scope "/" needs none
    etag = resp.headers["ETag"]
    assert client.get("/sw.js", headers={"If-None-Match": etag}).status_code == 304


def test_a_new_worker_takes_over_by_itself(client):
    js = worker(client)["js"]
    install = js.split('addEventListener("install"', 1)[1].split("addEventListener(", 1)[0]
    assert "self.skipWaiting()" in install  # no "click to update" step for offline pages
    activate = js.split('addEventListener("activate"', 1)[1].split("\n});", 1)[0]
    assert "clients.claim()" in activate
    assert "SKIP_WAITING" not in js


def test_the_shell_is_the_offline_and_saved_pages_manifests_and_hashed_static_files(app, client):
    shell = worker(client)["SHELL"]
    urls = [e["url"] for e in shell]
    assert len(urls) == len(set(urls))
    pages = {f"/{seg}/{kind}/" for seg in SEGMENTS.values()
             for kind in ("offline", "saved", "search")}   # search: filled offline by the worker
    pages |= {f"/{seg}/manifest.webmanifest" for seg in SEGMENTS.values()}
    assets = app.extensions["reader"].release.assets
    statics = {"/static/" + hashed for src, hashed in assets.items()
               if not src.startswith(("screenshots/", "icons/favicon", "icons/apple-touch", "js/sw.js"))}
    assert "js/sw.js" in assets  # the worker source is in the release, served only as /sw.js
    assert set(urls) == pages | statics  # no article: the first install is bounded
    for entry in shell:
        if entry["url"] in pages:
            body = client.get(entry["url"]).data
            assert entry["revision"] == hashlib.sha256(body).hexdigest()[:12], entry
        else:
            assert entry["revision"] is None  # the URL carries the content hash
            assert re.search(r"\.[0-9a-f]{12}\.\w+$", entry["url"])
        assert status(client, entry["url"]) == 200, entry  # a precached redirect breaks pages
    for src in ("css/site.css", "js/app.js", "js/pwa.js", "js/offline.js", "icons/icon-192.png"):
        assert "/static/" + assets[src] in urls


def test_the_worker_keeps_the_newest_articles_in_each_language(client):
    latest = worker(client)["LATEST"]
    assert latest["en"] == ["/en/", f"/en/{FULL}/", f"/en/{UPDATED}/", f"/en/{PARTIAL}/"]
    for seg in ("zh", "zh-hant"):  # every dated article exists in Chinese; undated ones wait
        assert latest[seg] == [f"/{seg}/"] + [f"/{seg}/{s}/"
                                             for s in (FULL, UPDATED, PARTIAL, UNTRANSLATED)]
    assert not any(UNDATED in url for urls in latest.values() for url in urls)


def test_how_many_newest_articles_is_a_setting(site_copy):
    client = site_copy.app(OFFLINE_LATEST=1).test_client()
    assert worker(client)["LATEST"]["zh"] == ["/zh/", f"/zh/{FULL}/"]


def test_the_worker_keeps_only_pages_read_pages_nothing_else(client):
    patterns = [re.compile(p) for p in worker(client)["READ_PATTERNS"]]
    kept = [f"/en/{FULL}/", f"/zh-hant/{FULL}/parallel/", "/zh/", "/en/page/2/", "/zh/archive/",
            "/en/archive/2026/03/", "/zh/archive/undated/"]
    never = ["/sw.js", "/healthz", "/readyz", "/en/feed.atom", "/sitemap.xml", "/",
             "/static/css/site.css", "/en/manifest.webmanifest", "/fr/x/", "/en/x/y/",
             f"/en/{FULL}", "/zh_Hant/", "/robots.txt"]
    for path in kept:
        assert any(p.search(path) for p in patterns), path
    for path in never:
        assert not any(p.search(path) for p in patterns), path


def test_the_worker_knows_the_offline_page_and_the_locale_table_of_every_language(client, make_app):
    data = worker(client)
    assert data["OFFLINE_PAGES"] == {seg: f"/{seg}/offline/" for seg in SEGMENTS.values()}
    assert data["LOCALE_TABLE"]["segments"] == SEGMENTS
    assert data["MAX_PAGES"] == 60
    assert worker(make_app(OFFLINE_MAX_PAGES=7).test_client())["MAX_PAGES"] == 7


def test_the_worker_is_the_same_whatever_the_host(client):
    assert client.get("/sw.js", base_url="http://localhost:5000").data == client.get("/sw.js").data


def test_an_unchanged_release_keeps_the_same_worker(site_copy, tmp_path):
    first = site_copy.app().test_client().get("/sw.js").data
    second = site_copy.app().test_client().get("/sw.js").data
    elsewhere = site_copy.app(BUILD_DIR=str(tmp_path / "other")).test_client().get("/sw.js").data
    assert first == second == elsewhere  # same bytes: browsers install no new worker


def test_a_new_translation_is_a_new_worker_with_the_same_shell(site_copy):
    before = worker(site_copy.app().test_client())
    po = site_copy.po("en", FULL)
    catalog = read_catalog(po, "en")
    block = site_copy.article(FULL).body[0]
    catalog.get(block.text, context=block.msgctxt).string += " (Updated.)"
    write_catalog(po, catalog)
    after = worker(site_copy.app().test_client())
    assert after["RELEASE"] != before["RELEASE"]  # readers' workers update and refresh kept pages
    assert after["SHELL"] == before["SHELL"] and after["SHELL_VERSION"] == before["SHELL_VERSION"]
    assert after["LATEST"] == before["LATEST"]


def test_an_edited_stylesheet_changes_its_url_and_the_shell(site_copy, tmp_path):
    before = worker(site_copy.app().test_client())
    static = tmp_path / "static"
    shutil.copytree(ROOT / "static", static)
    with (static / "css/site.css").open("a") as fh:
        fh.write("\n.one-more-rule { color: red }\n")
    after = worker(site_copy.app(STATIC_DIR=str(static)).test_client())
    changed = {b["url"] for b in before["SHELL"]} ^ {a["url"] for a in after["SHELL"]}
    assert {url.split("/")[2] for url in changed} == {"css"}  # only its hashed URL moved
    assert after["SHELL_VERSION"] != before["SHELL_VERSION"]
    # the offline and library pages carry the new stylesheet inline: their revisions change
    # too (the manifests do not, and keep theirs)
    old, new = ({e["url"]: e["revision"] for e in data["SHELL"] if e["revision"]}
                for data in (before, after))
    pages = [url for url in old if url.endswith("/")]
    assert pages and all(new[url] != old[url] for url in pages)
    assert all(new[url] == old[url] for url in old if url.endswith(".webmanifest"))


@pytest.mark.parametrize("locale", list(LOCALES))
def test_manifest_per_locale(app, client, locale):
    code = LOCALES[locale].segment  # the URL segment: zh, en, zh-hant
    resp = client.get(f"/{code}/manifest.webmanifest")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "application/manifest+json"
    assert resp.headers["Cache-Control"] == "no-cache"
    m = json.loads(resp.get_data(as_text=True))
    for key in ("id", "name", "short_name", "description", "lang", "start_url", "scope",
                "display", "theme_color", "background_color", "icons", "screenshots"):
        assert m.get(key), key
    assert m["id"] == "/" and m["scope"] == "/" and m["start_url"] == f"/{code}/"
    assert m["lang"] == LOCALES[locale].tag and m["display"] == "standalone"
    assert m["theme_color"] == THEME_COLOR
    assert len(m["short_name"]) <= 12
    names = {"zh": "金坛阅读", "en": "Jintan Reader", "zh_Hant": "金壇閱讀"}
    assert m["name"] == names[locale]
    assert status(client, m["start_url"]) == 200  # no redirect, in scope
    by_purpose = {}
    pool = app.config["BUILD_DIR"] + "/static/"
    for icon in m["icons"] + m["screenshots"]:
        assert icon["src"].startswith("/static/") and icon["type"] == "image/png"
        assert status(client, icon["src"]) == 200
        path = pool + icon["src"].removeprefix("/static/")
        assert "{}x{}".format(*png_size(path)) == icon["sizes"], icon
        by_purpose.setdefault(icon.get("purpose"), set()).add(icon["sizes"])
    assert {"192x192", "512x512"} <= by_purpose["any"]
    assert by_purpose["maskable"] == {"512x512"}
    shot = m["screenshots"][0]
    assert shot["form_factor"] == "narrow" and shot["label"]
    w, h = map(int, shot["sizes"].split("x"))
    assert 320 <= min(w, h) and max(w, h) <= 3840 and max(w, h) <= 2.3 * min(w, h)


def test_manifests_differ_only_in_language(client):
    zh = json.loads(client.get("/zh/manifest.webmanifest").get_data())
    en = json.loads(client.get("/en/manifest.webmanifest").get_data())
    assert zh["id"] == en["id"] and zh["icons"] == en["icons"]
    assert zh["description"] != en["description"]
    hant = json.loads(client.get("/zh-hant/manifest.webmanifest").get_data())
    assert hant["id"] == zh["id"] and hant["icons"] == zh["icons"]
    assert hant["lang"] == "zh-Hant" and hant["start_url"] == "/zh-hant/"
    assert hant["description"] == "常州金壇的專題報導，中英雙語，安裝後可離線閱讀。"
    assert client.get("/fr/manifest.webmanifest").status_code == 404
    other = client.get("/zh_Hant/manifest.webmanifest")   # one URL per page: a redirect to it
    assert other.status_code == 308
    assert other.headers["Location"] == "/zh-hant/manifest.webmanifest"
    assert client.get("/manifest.webmanifest").status_code == 404


@pytest.mark.parametrize("path", ["/zh/", f"/en/{FULL}/", "/en/offline/", "/zh/missing/",
                                  f"/zh-hant/{FULL}/", "/zh-hant/saved/", "/en/archive/"])
def test_every_page_links_its_manifest_icons_and_the_module(app, client, path):
    page = client.get(path).get_data(as_text=True)
    code = path.split("/")[1]
    assert f'<link rel="manifest" href="/{code}/manifest.webmanifest">' in page
    assert f'<meta name="theme-color" content="{THEME_COLOR}">' in page
    assets = app.extensions["reader"].release.assets
    assert f'<link rel="apple-touch-icon" href="/static/{assets["icons/apple-touch-icon.png"]}">' \
        in page
    assert '<meta name="apple-mobile-web-app-capable" content="yes">' in page
    assert f'<script type="module" src="/static/{assets["js/pwa.js"]}"></script>' in page
    assert '<p class="saved-copy" role="status" hidden data-saved=' in page
    assert '<div class="update-prompt" role="status" hidden>' in page
    assert '<div class="install" hidden>' in page
    # strict CSP: no style attribute; one inline script, the reading preferences (allowed by
    # its hash: tests/test_http.py)
    assert "style=" not in page and page.count("<script>") == 1


def test_apple_touch_icon_is_opaque_180(app):
    from PIL import Image
    hashed = app.extensions["reader"].release.assets["icons/apple-touch-icon.png"]
    with Image.open(app.config["BUILD_DIR"] + "/static/" + hashed) as img:
        assert img.size == (180, 180) and img.mode == "RGB"


@pytest.mark.parametrize("code, heading, saved", [
    ("zh", "当前处于离线状态", "已保存的文章"), ("en", "You are offline", "Saved articles"),
    ("zh-hant", "目前處於離線狀態", "已儲存的文章")])
def test_offline_page_in_each_locale(client, code, heading, saved):
    resp = client.get(f"/{code}/offline/")
    assert resp.status_code == 200 and resp.headers["Cache-Control"].startswith("public")
    page = resp.get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in page
    assert '<meta name="robots" content="noindex">' in page and 'rel="canonical"' not in page
    assert f'<a href="/{code}/saved/">{saved}</a>' in page  # leads to what is kept
    assert f'<a href="/{code}/">' in page


@pytest.mark.parametrize("code, heading", [("zh", "已保存的文章"), ("en", "Saved articles"),
                                           ("zh-hant", "已儲存的文章")])
def test_saved_library_page_in_each_locale(app, client, code, heading):
    page = client.get(f"/{code}/saved/").get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in page
    assert '<meta name="robots" content="noindex">' in page
    offline_js = app.extensions["reader"].release.assets["js/offline.js"]
    assert f'data-offline-module="/static/{offline_js}"' in page
    assert "data-saved-nojs>" in page  # says what it needs without JavaScript
    assert f'href="/{code}/saved/"' in client.get(f"/{code}/").get_data(as_text=True)


def test_an_article_offers_to_save_every_language_and_its_parallel_text(client):
    page = client.get(f"/en/{FULL}/").get_data(as_text=True)
    box = re.search(r'<div class="save" data-save="([^"]+)"\s+data-urls="([^"]+)"\s+'
                    r'data-title="([^"]+)">', page)
    assert box[1] == FULL
    assert box[2].split() == [f"/{seg}/{FULL}/" for seg in SEGMENTS.values()] + \
        [f"/{seg}/{FULL}/parallel/" for seg in SEGMENTS.values()]
    assert box[3] == "Jintan dragon boat festival draws ten thousand visitors"
    assert re.search(r'<button type="button" class="save-button" aria-pressed="false"[^>]* hidden>', page)


def test_a_precache_url_gets_exactly_its_revision_or_a_404(client):
    """``/<locale>/offline/?__rev=<revision>`` (what the worker precaches) answers the page
    only when it is that revision; another one is a 404 nobody may store, from the memo too."""
    import hashlib
    body = client.get("/zh/offline/").data
    rev = hashlib.sha256(body).hexdigest()[:12]
    assert client.get(f"/zh/offline/?__rev={rev}").data == body
    for _ in range(2):   # the second is answered by the memo front when it would match
        other = client.get("/zh/offline/?__rev=000000000000")
        assert other.status_code == 404 and other.headers["Cache-Control"] == "no-store"
    assert client.get("/zh/offline/?utm=1").data == body


def test_the_caches_key_on_the_revision_of_every_cached_shell_page():
    """deploy/varnish/default.vcl and deploy/nginx/jintan.conf name the shell pages whose
    ``__rev`` is part of the cache key: exactly the registry's shell page types that shared
    caches store (cache policy "page"; manifests are no-cache, never stored)."""
    import re as _re

    from webapp.config import ROOT
    from webapp.web.pages import REGISTRY, SHELL
    import webapp.web.views  # noqa: F401 - fills the registry
    stored = {pt.rule.split("/")[2] for pt in REGISTRY.values()
              if pt.offline == SHELL and pt.cache == "page"}
    for conf in ("varnish/default.vcl", "nginx/jintan.conf"):
        text = (ROOT / "deploy" / conf).read_text("utf-8")
        named = _re.search(r"\^/\[a-z-\]\+/\(([a-z|]+)\)/", text)   # ^/[a-z-]+/(offline|saved)/
        assert named, conf
        assert set(named.group(1).split("|")) == stored, (conf, named.group(1), stored)


def test_every_page_carries_a_version_of_its_own_bytes(client):
    """The update notice compares the page on screen with the current one by this version: a
    hash of the page's bytes as rendered (with the placeholder), so equal text, equal version."""
    import hashlib
    for path in ("/en/river-festival/", "/zh/", "/zh-hant/offline/"):
        page = client.get(path).get_data(as_text=True)
        found = re.findall(r'<meta name="page-version" content="([0-9a-f]{16})">', page)
        assert len(found) == 1, path
        unstamped = page.replace(found[0], "page-version-unstamped", 1)
        assert hashlib.sha256(unstamped.encode("utf-8")).hexdigest()[:16] == found[0]
    assert client.get("/en/river-festival/").data == client.get("/en/river-festival/").data

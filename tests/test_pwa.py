"""Install and offline, on the Flask test client: the worker script, its precache manifest
(Workbox's ``[{url, revision}]``), the web app manifests and the offline pages."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest
from babel.messages.pofile import read_po, write_po

from tests.conftest import SEED_SLUG
from tests.helpers import seed_article
from webapp.config import ROOT
from webapp.i18n import LOCALES
from webapp.pwa import THEME_COLOR, png_size


def status(client, url: str) -> int:
    """Status of a GET, closing the response (whitenoise streams files)."""
    resp = client.get(url)
    resp.close()
    return resp.status_code


def precache_of(client) -> list[dict]:
    js = client.get("/sw.js").get_data(as_text=True)
    return json.loads(re.search(r"^const PRECACHE = (.*);$", js, re.M).group(1))


def version_of(client) -> str:
    js = client.get("/sw.js").get_data(as_text=True)
    return json.loads(re.search(r"^const VERSION = (.*);$", js, re.M).group(1))


def test_worker_script_is_javascript_revalidated_every_time(client):
    resp = client.get("/sw.js")
    assert resp.status_code == 200
    assert resp.headers["Content-Type"] == "text/javascript; charset=utf-8"
    assert resp.headers["Cache-Control"] == "no-cache"
    assert "Service-Worker-Allowed" not in resp.headers  # at the root, scope "/" needs none
    body = resp.get_data(as_text=True)
    assert "skipWaiting()" in body and "SKIP_WAITING" in body
    # skipWaiting only on the reader's request, never on install
    install = body.split('addEventListener("install"', 1)[1].split("addEventListener(", 1)[0]
    assert "skipWaiting" not in install
    etag = resp.headers["ETag"]
    assert client.get("/sw.js", headers={"If-None-Match": etag}).status_code == 304


def test_precache_lists_every_page_in_every_locale_and_the_static_files(app, client):
    entries = precache_of(client)
    urls = [e["url"] for e in entries]
    assert len(urls) == len(set(urls))
    pages = set()
    for code in (info.segment for info in LOCALES.values()):  # zh, en, zh-hant
        pages |= {f"/{code}/", f"/{code}/offline/"}
        pages |= {f"/{code}/{slug}/" for slug in app.extensions["articles"]}
        pages |= {f"/{code}/{slug}/parallel/" for slug in app.extensions["articles"]}
    statics = {"/static/" + hashed for src, hashed in app.extensions["assets"].items()
               if not src.startswith("screenshots/")}
    assert set(urls) == pages | statics
    assert "/" not in urls and "/sw.js" not in urls  # "/" redirects (workbox#173)
    for entry in entries:
        if entry["url"] in pages:
            assert re.fullmatch(r"[0-9a-f]{12}", entry["revision"]), entry
        else:
            assert entry["revision"] is None  # the URL carries the content hash
            assert re.search(r"\.[0-9a-f]{12}\.\w+$", entry["url"])
    for url in urls:  # each answers 200 itself: a precached redirect breaks navigations
        assert status(client, url) == 200, url
    for src in ("css/site.css", "js/app.js", "js/pwa.js", "icons/icon-192.png"):
        assert "/static/" + app.extensions["assets"][src] in urls


def test_revisions_do_not_depend_on_the_host(client):
    before = precache_of(client)
    page = client.get(f"/en/{SEED_SLUG}/", base_url="https://reader.example.com")
    assert "https://reader.example.com/en/" in page.get_data(as_text=True)
    assert precache_of(client) == before
    other = client.get("/sw.js", base_url="https://reader.example.com").get_data()
    assert other == client.get("/sw.js").get_data()


def test_an_unchanged_deploy_changes_nothing(make_app):
    first = make_app().test_client().get("/sw.js").get_data()
    second = make_app().test_client().get("/sw.js").get_data()
    assert first == second  # same bytes: the browser installs no new worker


def compile_article_catalog(directory):
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "compile", "-D", "article",
                    "-d", str(directory)], check=True, capture_output=True)


def test_one_changed_translation_changes_only_its_page(make_app, translations_copy):
    before_client = make_app(TRANSLATIONS_DIR=str(translations_copy)).test_client()
    before, before_version = precache_of(before_client), version_of(before_client)

    po = translations_copy / "en/LC_MESSAGES/article.po"
    with po.open("rb") as fh:
        cat = read_po(fh)
    block = seed_article().body[2]
    cat.get(block.text, context=block.msgctxt).string += " (Updated.)"
    with po.open("wb") as fh:
        write_po(fh, cat, width=0)
    compile_article_catalog(translations_copy)

    after_client = make_app(TRANSLATIONS_DIR=str(translations_copy)).test_client()
    after, after_version = precache_of(after_client), version_of(after_client)
    assert [e["url"] for e in after] == [e["url"] for e in before]
    changed = [b["url"] for b, a in zip(before, after) if b != a]
    # the English page, and the parallel text (which shows the English) in every UI locale
    parallel = [f"/{info.segment}/{SEED_SLUG}/parallel/" for info in LOCALES.values()]
    assert sorted(changed) == sorted([f"/en/{SEED_SLUG}/", *parallel])
    assert after_version != before_version


def test_an_edited_stylesheet_changes_its_url_and_every_page(make_app, tmp_path):
    static = tmp_path / "static"
    shutil.copytree(ROOT / "static", static)
    before = precache_of(make_app(STATIC_DIR=str(static)).test_client())
    with (static / "css/site.css").open("a") as fh:
        fh.write("\n/* one more byte */\n")
    after = precache_of(make_app(STATIC_DIR=str(static)).test_client())
    changed = {b["url"] for b, a in zip(before, after) if b != a}
    css = [e["url"] for e in before if "/css/site." in e["url"]]
    assert css[0] in changed  # its hashed URL moved
    assert {f"/{info.segment}/" for info in LOCALES.values()} <= changed  # the pages link the new URL


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
    for icon in m["icons"] + m["screenshots"]:
        assert icon["src"].startswith("/static/") and icon["type"] == "image/png"
        hashed = icon["src"].removeprefix("/static/")
        path = app.config["BUILD_DIR"] + "/" + hashed
        assert status(client, icon["src"]) == 200
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
    assert hant["description"] == "常州金壇的專題報道，中英雙語，安裝後可離線閱讀。"
    assert client.get("/fr/manifest.webmanifest").status_code == 404
    assert client.get("/zh_Hant/manifest.webmanifest").status_code == 404  # one URL per page


@pytest.mark.parametrize("path", ["/zh/", f"/en/{SEED_SLUG}/", "/en/offline/", "/zh/missing/",
                                  f"/zh-hant/{SEED_SLUG}/", "/zh-hant/offline/"])
def test_every_page_links_its_manifest_icons_and_the_module(app, client, path):
    page = client.get(path).get_data(as_text=True)
    code = path.split("/")[1]
    assert f'<link rel="manifest" href="/{code}/manifest.webmanifest">' in page
    assert f'<meta name="theme-color" content="{THEME_COLOR}">' in page
    assets = app.extensions["assets"]
    assert f'<link rel="apple-touch-icon" href="/static/{assets["icons/apple-touch-icon.png"]}">' in page
    assert '<meta name="apple-mobile-web-app-capable" content="yes">' in page
    assert f'<script type="module" src="/static/{assets["js/pwa.js"]}"></script>' in page
    assert '<p class="saved-copy" role="status" hidden>' in page
    assert '<div class="update-prompt" role="status" hidden>' in page
    assert '<div class="install" hidden>' in page
    assert "style=" not in page and "<script>" not in page  # strict CSP: nothing inline


def test_apple_touch_icon_is_opaque_180(app):
    from PIL import Image
    path = app.config["BUILD_DIR"] + "/" + app.extensions["assets"]["icons/apple-touch-icon.png"]
    with Image.open(path) as img:
        assert img.size == (180, 180) and img.mode == "RGB"


@pytest.mark.parametrize("code, heading", [("zh", "当前处于离线状态"), ("en", "You are offline"),
                                           ("zh-hant", "目前處於離線狀態")])
def test_offline_page_in_each_locale(client, code, heading):
    resp = client.get(f"/{code}/offline/")
    assert resp.status_code == 200 and resp.headers["Cache-Control"].startswith("public")
    page = resp.get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in page
    assert '<meta name="robots" content="noindex">' in page
    assert f'href="/{code}/{SEED_SLUG}/"' in page  # leads to what is saved
    assert 'rel="canonical"' not in page

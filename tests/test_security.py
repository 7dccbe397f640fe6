"""Issue 14: semi-trusted translators, hostile request headers, configuration errors.

Each test builds the kind of input an attacker or a compromised account controls and asserts
what a reader (or the operator) gets.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po, write_po

from webapp.web.factory import create_app
from webapp.publish.build import build
from webapp.config import ROOT, ConfigError, load
from webapp.web.pages import all_urls, render_path

MARK = '<img src=x onerror=alert(1)><a href="//evil.example">x</a>'


def make_site(tmp: Path, translations: Path | None = None, **config):
    """A release of the repository's content (and ``translations``) built into ``tmp``."""
    cfg = load({"BUILD_DIR": str(tmp / "build"), "TESTING": True,
                "TRANSLATIONS_DIR": str(translations or ROOT / "translations"), **config})
    build(cfg, log=lambda *_: None)
    return create_app({k: cfg[k] for k in cfg})


def poison_ui_catalogs(dest: Path) -> Path:
    """A copy of translations/ where every UI msgstr of every locale ends with markup."""
    shutil.copytree(ROOT / "translations", dest)
    for po in dest.glob("*/LC_MESSAGES/messages.po"):
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=po.parent.parent.name)
        for msg in catalog:
            if msg.id and isinstance(msg.string, str) and msg.string:
                msg.string += MARK
        with po.open("wb") as fh:
            write_po(fh, catalog, width=0)
    return dest


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    return make_site(tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="module")
def poisoned(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("poisoned")
    return make_site(tmp, poison_ui_catalogs(tmp / "translations"))


# --- translator-controlled text --------------------------------------------------------------
def test_markup_in_a_ui_msgstr_reaches_no_page_as_markup(poisoned):
    """Every page, feed, sitemap, manifest and the worker, in every locale: the poisoned
    msgstrs appear only as text (escaped in HTML/XML, a JSON string in JSON)."""
    seen_text = 0
    for url in all_urls(poisoned):
        status, body, ctype = render_path(poisoned, url)
        assert status == 200, url
        text = body.decode()
        assert "<img src=x" not in text, url
        assert '<a href="//evil.example"' not in text, url
        seen_text += text.count("&lt;img src=x onerror=alert(1)&gt;")
    assert seen_text > 100   # the poisoned strings are shown, as text


def test_share_button_label_with_markup_is_text(poisoned):
    client = poisoned.test_client()
    html = client.get("/zh/jintan-new-energy/").get_data(as_text=True)
    button = re.search(r'<button type="button" class="share-button"[^>]*>(.*?)</button>', html, re.S)
    assert button and button.group(1).startswith("分享&lt;img src=x")


def test_a_percent_sign_or_wrong_placeholder_in_a_msgstr_is_not_a_500(tmp_path):
    translations = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", translations)
    po = translations / "zh" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fh:
        catalog = read_po(fh, locale="zh")
    catalog.get("Skip to content").string = "跳到正文 100%"
    with po.open("wb") as fh:
        write_po(fh, catalog, width=0)
    client = make_site(tmp_path, translations).test_client()
    resp = client.get("/zh/jintan-new-energy/")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert "跳到正文 100%" in html
    # a wrong placeholder never reaches a page: the release refuses it (issue 22)
    catalog.get("%(num)s min read").string = "%(wrong)s 分钟"
    with po.open("wb") as fh:
        write_po(fh, catalog, width=0)
    from webapp.publish.build import BuildError
    with pytest.raises(BuildError, match="placeholders differ|format spec"):
        make_site(tmp_path, translations)


# --- headers a client can forge --------------------------------------------------------------
@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1:8601@evil.example", "localhost/x",
                                  "evil.example:80", "[::1]:80@x", "localhost:80x"])
def test_unknown_hosts_get_400_before_anything(app, host):
    client = app.test_client()
    for path in ["/", "/zh", "/zh/", "/static/" + app.extensions["reader"].release.assets["css/site.css"],
                 "/favicon.ico", "/healthz"]:
        with client.get(path, headers={"Host": host}) as resp:
            assert resp.status_code == 400, (path, host)
            assert resp.headers["Cache-Control"] == "no-store"
            assert "evil" not in resp.get_data(as_text=True)


def test_trailing_slash_redirect_is_relative_and_cacheable(app):
    resp = app.test_client().get("/zh", headers={"Host": "localhost"})
    assert resp.status_code == 308
    assert resp.headers["Location"] == "/zh/"
    assert "max-age" in resp.headers["Cache-Control"]


@pytest.mark.parametrize("hops", [0, 1])
def test_forwarded_host_and_prefix_never_reach_urls(tmp_path, hops):
    app = make_site(tmp_path, PROXY_FIX_HOPS=hops, SITE_URL="https://news.example")
    client = app.test_client()
    forged = {"X-Forwarded-Prefix": "//evil.example", "X-Forwarded-Host": "evil.example",
              "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    root = client.get("/", headers=forged)
    assert root.headers["Location"] == "/zh/"
    html = client.get("/en/jintan-new-energy/", headers=forged).get_data(as_text=True)
    assert "evil.example" not in html
    assert '<link rel="canonical" href="https://news.example/en/jintan-new-energy/">' in html
    feed = client.get("/en/feed.atom", headers=forged).get_data(as_text=True)
    assert "evil.example" not in feed and "https://news.example/en/" in feed


def test_hsts_only_over_https_as_the_trusted_proxy_says(tmp_path):
    direct = make_site(tmp_path / "a").test_client()
    assert "Strict-Transport-Security" not in direct.get(
        "/zh/", headers={"X-Forwarded-Proto": "https"}).headers
    proxied = make_site(tmp_path / "b", PROXY_FIX_HOPS=1).test_client()
    assert "Strict-Transport-Security" in proxied.get(
        "/zh/", headers={"X-Forwarded-Proto": "https"}).headers


def test_static_files_choose_one_cross_origin_policy(app):
    path = "/static/" + app.extensions["reader"].release.assets["css/site.css"]
    with app.test_client().get(path) as resp:
        assert resp.status_code == 200
        assert "Access-Control-Allow-Origin" not in resp.headers
        assert resp.headers["Cross-Origin-Resource-Policy"] == "same-origin"


# --- configuration errors: one clear line naming the variable ---------------------------------
@pytest.mark.parametrize("name, value", [
    ("SITE_URL", "news.example"), ("SITE_URL", "https://news.example/prefix"),
    ("TRUSTED_HOSTS", "news.example"), ("TRUSTED_HOSTS", []), ("PROXY_FIX_HOPS", -1),
    ("PAGE_MEMO_MB", "lots"), ("HSTS", "max-age=1\r\nX-Evil: 1"),
])
def test_bad_settings_are_refused_naming_the_variable(name, value):
    with pytest.raises(ConfigError, match=rf"^JINTAN_{name}="):
        load({name: value})


def test_trusted_hosts_without_site_url_starts(tmp_path):
    app = make_site(tmp_path, TRUSTED_HOSTS=["news.example"])
    assert app.test_client().get("/zh/", headers={"Host": "news.example"}).status_code == 200


@pytest.mark.parametrize("module", ["webapp.publish.build", "wsgi"])
def test_a_worker_or_build_with_a_bad_setting_says_one_line(tmp_path, module):
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "JINTAN_SITE_URL": "not a url",
           "JINTAN_BUILD_DIR": str(tmp_path)}
    code = f"import runpy; runpy.run_module({module!r}, run_name='__main__')"
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True)
    assert proc.returncode in (1, 4)   # 4: gunicorn's "App failed to load" (wsgi.py)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "JINTAN_SITE_URL=" in lines[0]
    assert "Traceback" not in proc.stderr

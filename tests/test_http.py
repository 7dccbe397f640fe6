"""HTTP behaviour a CDN, a proxy and a browser rely on: encodings, validators, caching
policies, methods, security headers, trusted hosts, proxies, and hostile input that must never
produce a 5xx or a cache entry."""

from __future__ import annotations

import base64
import gzip
import hashlib
import re
import shutil
from urllib.parse import quote, unquote_to_bytes

import brotli
import pytest
from werkzeug.test import EnvironBuilder
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import BASE, FULL, ROOT

ARTICLE = f"/en/{FULL}/"


@pytest.mark.parametrize("accept, coding", [
    ("br, gzip", "br"), ("gzip", "gzip"), ("gzip;q=1, br;q=0.5", "gzip"), ("identity", None),
    ("", None), ("*", "br"), ("br;q=0, *;q=0.5", "gzip"), ("bogus;;q=x", None),
])
def test_pages_are_compressed_as_negotiated(client, accept, coding):
    plain = client.get(ARTICLE, headers={"Accept-Encoding": "identity"}).data
    resp = client.get(ARTICLE, headers={"Accept-Encoding": accept})
    assert resp.headers.get("Content-Encoding") == coding
    assert resp.headers["Vary"] == "Accept-Encoding"
    body = {"br": brotli.decompress, "gzip": gzip.decompress, None: bytes}[coding](resp.data)
    assert body == plain


@pytest.mark.parametrize("path", ["/sw.js", "/sitemap.xml", "/sitemaps/pages.xml",
                                  "/en/feed.atom", "/robots.txt", "/en/manifest.webmanifest",
                                  "/zh/", "/en/archive/"])
def test_every_text_response_is_compressed_when_asked(client, path):
    plain = client.get(path).data
    resp = client.get(path, headers={"Accept-Encoding": "gzip, br"})
    assert resp.status_code == 200 and resp.headers["Content-Encoding"] == "br"
    assert brotli.decompress(resp.data) == plain


def test_article_html_fits_in_one_round_trip(client):
    size = len(client.get(ARTICLE, headers={"Accept-Encoding": "br"}).data)
    assert size < 14 * 1024


def test_each_encoding_has_its_own_strong_etag_and_304(client):
    etags = set()
    for coding in ("br", "gzip", "identity"):
        resp = client.get(ARTICLE, headers={"Accept-Encoding": coding})
        etag = resp.headers["ETag"]
        assert etag.startswith('"') and not etag.startswith("W/")
        etags.add(etag)
        again = client.get(ARTICLE, headers={"Accept-Encoding": coding, "If-None-Match": etag})
        assert again.status_code == 304 and again.data == b""
        assert again.headers["ETag"] == etag and "Cache-Control" in again.headers
    assert len(etags) == 3
    # If-None-Match: * matches any current representation; a list matches any member
    assert client.get(ARTICLE, headers={"If-None-Match": "*"}).status_code == 304
    stale = client.get(ARTICLE, headers={"If-None-Match": '"old", "older"'})
    assert stale.status_code == 200


@pytest.mark.parametrize("path, cache_control", [
    (ARTICLE, "public, max-age=0, s-maxage=60"),       # browsers revalidate, shared caches hold
    (f"/zh/{FULL}/parallel/", "public, max-age=0, s-maxage=60"),
    ("/zh/", "public, max-age=0, s-maxage=60"),
    ("/zh/archive/", "public, max-age=0, s-maxage=60"),
    ("/zh/offline/", "public, max-age=0, s-maxage=60"),
    ("/en/feed.atom", "public, max-age=600"),
    ("/sitemap.xml", "public, max-age=600"),
    ("/sitemaps/2026-03.xml", "public, max-age=600"),
    ("/robots.txt", "public, max-age=600"),
    ("/sw.js", "no-cache"),
    ("/zh/manifest.webmanifest", "no-cache"),
    ("/", "private, no-cache"),
    ("/en/no-such-story/", "public, max-age=0, s-maxage=10"),   # tests/test_not_found.py
    ("/no-such-story/", "no-store"),
    ("/healthz", "no-store"),
])
def test_every_response_has_a_deliberate_cache_control(client, path, cache_control):
    assert client.get(path).headers["Cache-Control"] == cache_control


def test_head_has_the_headers_of_get_without_a_body(client):
    get = client.get(ARTICLE, headers={"Accept-Encoding": "br"})
    head = client.head(ARTICLE, headers={"Accept-Encoding": "br"})
    assert head.status_code == 200 and head.data == b""
    assert head.headers["Content-Length"] == get.headers["Content-Length"]
    assert head.headers["ETag"] == get.headers["ETag"]


@pytest.mark.parametrize("method", ["OPTIONS", "POST", "PUT", "DELETE", "PATCH"])
def test_other_methods_get_405_with_allow(client, method):
    resp = client.open(ARTICLE, method=method)
    assert resp.status_code == 405
    assert set(resp.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD"}


def test_static_files_support_byte_ranges(client, app):
    url = "/static/" + app.extensions["reader"].release.assets["css/site.css"]
    resp = client.get(url, headers={"Range": "bytes=0-9"})
    assert resp.status_code == 206 and len(resp.data) == 10
    assert resp.headers["Content-Range"].startswith("bytes 0-9/")
    resp.close()


SECURITY_PATHS = ["/", ARTICLE, "/en/", "/en/missing/", "/healthz", "/sw.js", "/favicon.ico"]


@pytest.mark.parametrize("path", SECURITY_PATHS)
def test_security_headers_on_every_response(client, path):
    resp = client.get(path)
    csp = resp.headers["Content-Security-Policy"]
    for directive in ("default-src 'none'", "frame-ancestors 'none'", "base-uri 'none'",
                      "object-src 'none'", "script-src 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] and resp.headers["Permissions-Policy"]
    assert resp.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert resp.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in resp.headers  # plain HTTP
    resp.close()


def test_static_files_carry_one_cross_origin_policy(client, app):
    resp = client.get("/static/" + app.extensions["reader"].release.assets["css/site.css"])
    assert resp.status_code == 200
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "Access-Control-Allow-Origin" not in resp.headers  # not meant for other origins
    resp.close()


def csp_directive(csp: str, name: str) -> list[str]:
    """The sources of directive ``name`` in a CSP header value (CSP Level 3 §2.2)."""
    for directive in csp.split(";"):
        parts = directive.split()
        if parts and parts[0] == name:
            return parts[1:]
    return []


def sha256_source(text: str) -> str:
    """The CSP hash source of an inline element's text (CSP Level 3 §8.4: UTF-8 bytes)."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


INLINE_RE = re.compile(r"<(script|style)([^>]*)>(.*?)</\1>", re.S)


@pytest.mark.parametrize("path", [ARTICLE, "/zh/", "/en/missing/", "/zh/offline/"])
def test_every_inline_script_and_style_is_allowed_by_a_hash_in_the_pages_csp(client, path):
    resp = client.get(path)
    page, csp = resp.get_data(as_text=True), resp.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-hashes" not in csp and " style=" not in page
    elements = INLINE_RE.findall(page)
    inline = [(tag, body) for tag, attrs, body in elements
              if "src=" not in attrs and attrs != ' type="application/ld+json"']
    # the reading preferences and the stylesheet travel in the page: nothing blocks its first paint
    assert sorted(tag for tag, _ in inline) == ["script", "style"]
    for tag, body in inline:
        assert sha256_source(body) in csp_directive(csp, f"{tag}-src"), tag
    # every other script is our own file or a JSON-LD data block (not executed: CSP script-src
    # does not apply to it)
    for tag, attrs, body in elements:
        if tag == "script" and "src=" in attrs:
            assert 'src="/static/' in attrs and body == ""


def test_first_paint_waits_for_no_stylesheet_or_classic_script(client):
    head = client.get(ARTICLE).get_data(as_text=True).split("</head>", 1)[0]
    assert 'rel="stylesheet"' not in head
    for attrs in re.findall(r"<script([^>]*)>", head):
        assert "src=" not in attrs or 'type="module"' in attrs, attrs  # modules are deferred


def test_an_edited_stylesheet_is_in_the_next_releases_pages_and_allowed_by_their_csp(site_copy,
                                                                                   tmp_path):
    static = tmp_path / "static"
    shutil.copytree(ROOT / "static", static)
    with (static / "css/site.css").open("a") as fh:
        fh.write("\n.newsroom-edit { color: red }\n")
    resp = site_copy.app(STATIC_DIR=str(static)).test_client().get(ARTICLE)
    page, csp = resp.get_data(as_text=True), resp.headers["Content-Security-Policy"]
    style = re.search(r"<style>(.*?)</style>", page, re.S)[1]
    assert ".newsroom-edit{color:red}" in style  # minified, as published
    assert sha256_source(style) in csp_directive(csp, "style-src")


def test_hsts_only_over_https(client):
    resp = client.get(ARTICLE, base_url="https://localhost")
    assert resp.headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"


def test_forwarded_headers_set_only_the_scheme_and_only_behind_a_configured_proxy(make_app):
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example",
               "X-Forwarded-Prefix": "//evil.example"}
    untrusted = make_app().test_client().get(ARTICLE, headers=headers)
    assert "Strict-Transport-Security" not in untrusted.headers
    trusted = make_app(PROXY_FIX_HOPS=1).test_client()
    resp = trusted.get(ARTICLE, headers=headers)
    assert "Strict-Transport-Security" in resp.headers  # the proxy said https
    for page in (untrusted.get_data(as_text=True), resp.get_data(as_text=True)):
        assert "evil.example" not in page  # URLs come from SITE_URL, never forwarded headers
        assert f'rel="canonical" href="{BASE}{ARTICLE}"' in page
    redirect = trusted.get("/", headers=headers)
    assert redirect.headers["Location"] == "/zh/"
    assert trusted.get("/zh", headers=headers).headers["Location"] == "/zh/"


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1:8601@evil.example",
                                  "localhost.evil.example", "evil.example:80",
                                  "localhost/zh", "[::1]@evil.example", "a b"])
@pytest.mark.parametrize("path", ["/", ARTICLE, "/sw.js", "/healthz", "/zh"])
def test_an_untrusted_host_is_refused_before_anything(client, host, path):
    resp = client.get(path, headers={"Host": host})
    assert resp.status_code == 400
    assert "Location" not in resp.headers and resp.headers["Cache-Control"] == "no-store"
    assert b"evil" not in resp.data
    assert resp.headers["X-Content-Type-Options"] == "nosniff"


def test_static_files_are_refused_for_an_untrusted_host_too(client, app):
    url = "/static/" + app.extensions["reader"].release.assets["css/site.css"]
    assert client.get(url, headers={"Host": "evil.example"}).status_code == 400


@pytest.mark.parametrize("host", ["localhost", "localhost:5000", "127.0.0.1", "127.0.0.1:8000",
                                  "[::1]:8000", "[::1]", "LOCALHOST", "localhost."])
def test_the_default_trusted_hosts_are_the_site_and_loopback(client, host):
    resp = client.get(ARTICLE, headers={"Host": host})
    assert resp.status_code == 200
    assert client.get("/en/no-such-story/", headers={"Host": host}).status_code == 404


def test_an_empty_host_is_answered_as_the_server_itself(client):
    """HTTP/1.0 clients send no Host (and RFC 9112 allows an empty one): the server's own name
    stands in, as WSGI says; never a 5xx."""
    assert client.get(ARTICLE, headers={"Host": ""}).status_code == 200


def test_configured_trusted_hosts(make_app):
    client = make_app(SITE_URL="https://news.example",
                      TRUSTED_HOSTS=["www.news.example"]).test_client()
    assert client.get(ARTICLE, headers={"Host": "news.example"}).status_code == 200
    assert client.get(ARTICLE, headers={"Host": "www.news.example"}).status_code == 200
    assert client.get(ARTICLE, headers={"Host": "localhost"}).status_code == 400
    assert client.get(ARTICLE, headers={"Host": "evil.example"}).status_code == 400


def test_query_strings_and_hosts_never_create_cache_entries(app):
    client = app.test_client()
    memo = app.extensions["reader"].memo
    page = client.get(ARTICLE).data
    entries = len(memo)
    for i in range(40):
        assert client.get(f"{ARTICLE}?v={i}").data == page
        assert client.get(ARTICLE, headers={"Host": f"localhost:{8000 + i}"}).data == page
    assert len(memo) == entries


@pytest.mark.parametrize("slashes", [2, 3, 50])
def test_extra_leading_slashes_are_not_pages_nor_cache_entries(app, slashes):
    """``//zh/<slug>/`` is not our URL (Werkzeug's router would strip the slashes): a 404 in
    the reader's language, never a page under another key, which would let anyone fill the
    memo and get past shared caches with endless spellings of one page."""
    client = app.test_client()
    memo = app.extensions["reader"].memo
    client.get(ARTICLE)
    entries = len(memo)
    for path in ("/" * slashes + ARTICLE.lstrip("/"), "/" * slashes + "en/"):
        resp = client.get("/", environ_overrides={"PATH_INFO": path})
        assert resp.status_code == 404 and "no-store" in resp.headers["Cache-Control"], path
        assert "Location" not in resp.headers
    assert len(memo) == entries


def test_an_http11_request_without_host_is_refused(app):
    """RFC 9112 §3.2: a server MUST answer 400 to an HTTP/1.1 request without a Host header;
    an empty Host (a target without authority) or HTTP/1.0 without one stands for the
    server's own name."""
    def status(protocol: str, host: str | None) -> str:
        environ = EnvironBuilder(path=ARTICLE).get_environ()
        environ.update(SERVER_PROTOCOL=protocol, SERVER_NAME="localhost", SERVER_PORT="80")
        environ.pop("HTTP_HOST")
        if host is not None:
            environ["HTTP_HOST"] = host
        seen = []
        b"".join(app.wsgi_app(environ, lambda s, h, e=None: seen.append(s)))
        return seen[0]
    assert status("HTTP/1.1", None).startswith("400")
    assert status("HTTP/1.1", "").startswith("200")
    assert status("HTTP/1.0", None).startswith("200")
    assert status("HTTP/1.1", "localhost").startswith("200")


def test_the_page_memo_stays_within_its_byte_bound(make_app):
    app = make_app(PAGE_MEMO_MB=1)
    client = app.test_client()
    memo = app.extensions["reader"].memo
    for seg in ("zh", "en", "zh-hant"):
        for path in (f"/{seg}/", f"/{seg}/archive/", f"/{seg}/{FULL}/", f"/{seg}/{FULL}/parallel/"):
            assert client.get(path, headers={"Accept-Encoding": "br"}).status_code == 200
            assert memo.bytes <= memo.max_bytes == 1024 * 1024


# --- hostile input: thousands of generated requests, never a 5xx ----------------------------

HOSTILE = settings(max_examples=1500, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture,
                                          HealthCheck.too_slow])
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=300) | \
    st.text(max_size=80).map(lambda s: s.encode("utf-8", "ignore").decode("latin-1")).map(
        lambda s: "".join(c for c in s if c >= " " or c == "\t"))  # HTTP forbids CR/LF/NUL
path_text = st.lists(st.sampled_from(["zh", "en", "zh-hant", "fr", FULL, "parallel", "page",
                                      "archive", "2026", "03", "undated", "..", ".", "%2e%2e",
                                      "static", "css", "%00", "%ff", "sw.js", "feed.atom", "",
                                      "a" * 300, "中文", ";", "%2F", "healthz", "sitemaps",
                                      "2026-03.xml", "manifest.webmanifest"])
                     | st.text(max_size=20), max_size=6)


def assert_not_5xx(resp):
    assert resp.status_code < 500, resp.get_data(as_text=True)[:500]
    resp.close()


# What can reach the app after gunicorn: printable request-line bytes, so control characters
# arrive percent-encoded (gunicorn answers 400 to a raw CR or \x01 in the request line).
query_text = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), max_size=100) | \
    st.text(max_size=60).map(lambda s: quote(s, safe="=&;/?:,+"))


@HOSTILE
@given(parts=path_text, trailing=st.booleans(), query=query_text)
def test_hostile_paths_and_queries(client, parts, trailing, query):
    path = "/" + "/".join(parts) + ("/" if trailing else "")
    # Set PATH_INFO as a WSGI server would (percent-decoded bytes as latin-1), so "//x" stays
    # a path instead of being read by the test client as a host name.
    wsgi_path = unquote_to_bytes(path).decode("latin-1")
    assert_not_5xx(client.get("/", query_string=query, environ_overrides={"PATH_INFO": wsgi_path}))


@HOSTILE
@given(accept_language=header_text, accept_encoding=header_text, if_none_match=header_text)
def test_hostile_negotiation_headers(client, accept_language, accept_encoding, if_none_match):
    headers = {"Accept-Language": accept_language, "Accept-Encoding": accept_encoding,
               "If-None-Match": if_none_match}
    for path in ("/", ARTICLE):
        assert_not_5xx(client.get(path, headers=headers))


@HOSTILE
@given(cookie=header_text)
def test_hostile_cookies(client, cookie):
    assert_not_5xx(client.get("/", headers={"Cookie": cookie}))
    assert_not_5xx(client.get("/", headers={"Cookie": f"locale={cookie}"}))


@HOSTILE
@given(host=header_text)
def test_hostile_hosts_are_refused_or_served_never_a_5xx(client, host):
    resp = client.get(ARTICLE, headers={"Host": host})
    assert resp.status_code in (200, 400), host
    resp.close()


@pytest.mark.parametrize("path", [
    "/static/../webapp/__init__.py", "/static/%2e%2e/%2e%2e/etc/passwd",
    "/static/..%2f..%2fwsgi.py", "/static//etc/passwd", "/static/css/../../../../etc/passwd",
    "/static/manifest.json.gz/..", "/static/../releases/current/release.json",
    "/static/../cache.sqlite",
])
def test_path_traversal_against_static_files_is_404(client, path):
    resp = client.get(path)
    assert resp.status_code == 404
    resp.close()

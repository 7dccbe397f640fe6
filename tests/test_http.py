"""HTTP behaviour a CDN, a proxy and a browser rely on: encodings, validators, methods,
security headers, proxies, and hostile input that must never produce a 5xx."""

from __future__ import annotations

import gzip
from urllib.parse import quote, unquote_to_bytes

import brotli
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import SEED_SLUG

ARTICLE = f"/en/{SEED_SLUG}/"


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


def test_page_cache_control_lets_a_cdn_serve_stale_while_revalidating(client):
    cc = client.get(ARTICLE).headers["Cache-Control"]
    assert "public" in cc and "max-age=" in cc and "stale-while-revalidate=" in cc


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
    url = "/static/" + app.extensions["assets"]["css/site.css"]
    resp = client.get(url, headers={"Range": "bytes=0-9"})
    assert resp.status_code == 206 and len(resp.data) == 10
    assert resp.headers["Content-Range"].startswith("bytes 0-9/")
    resp.close()


@pytest.mark.parametrize("path", ["/", ARTICLE, "/en/", "/en/missing/", "/healthz"])
def test_security_headers_on_every_response(client, path):
    resp = client.get(path)
    csp = resp.headers["Content-Security-Policy"]
    for directive in ("default-src 'none'", "frame-ancestors 'none'", "base-uri 'none'",
                      "object-src 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Referrer-Policy"] and resp.headers["Permissions-Policy"]
    assert resp.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in resp.headers  # plain HTTP


def test_static_files_carry_security_headers_too(client, app):
    resp = client.get("/static/" + app.extensions["assets"]["css/site.css"])
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    resp.close()


def test_pages_have_no_inline_script_or_style(client):
    page = client.get(ARTICLE).get_data(as_text=True)
    assert "<script>" not in page and " style=" not in page and "<style" not in page
    tags = [tag.split(">", 1)[0] for tag in page.split("<script")[1:]]
    # our own files, or a JSON-LD data block (not executed: CSP script-src does not apply)
    assert all('src="/static/' in tag or tag == ' type="application/ld+json"' for tag in tags)
    assert sum(tag == ' type="application/ld+json"' for tag in tags) <= 1


def test_hsts_only_over_https(client):
    resp = client.get(ARTICLE, base_url="https://news.example")
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=")


def test_forwarded_headers_are_ignored_unless_a_proxy_is_configured(make_app):
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "news.example"}
    untrusted = make_app().test_client().get(ARTICLE, headers=headers).get_data(as_text=True)
    assert 'rel="canonical" href="http://localhost/en/' in untrusted
    trusted = make_app(PROXY_FIX_HOPS=1).test_client().get(ARTICLE, headers=headers)
    page = trusted.get_data(as_text=True)
    assert f'rel="canonical" href="https://news.example/en/{SEED_SLUG}/"' in page
    assert 'hreflang="zh-Hans" href="https://news.example/zh/' in page
    assert "Strict-Transport-Security" in trusted.headers


def test_trusted_hosts_refuse_a_spoofed_host(make_app):
    client = make_app(TRUSTED_HOSTS=["news.example"]).test_client()
    assert client.get(ARTICLE, base_url="http://news.example").status_code == 200
    resp = client.get(ARTICLE, base_url="http://evil.example")
    assert resp.status_code == 400 and "evil.example" not in resp.get_data(as_text=True)


# --- hostile input: thousands of generated requests, never a 5xx ----------------------------

HOSTILE = settings(max_examples=1500, deadline=None,
                   suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
header_text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=300) | \
    st.text(max_size=80).map(lambda s: s.encode("utf-8", "ignore").decode("latin-1")).map(
        lambda s: "".join(c for c in s if c >= " " or c == "\t"))  # HTTP forbids CR/LF/NUL
path_text = st.lists(st.sampled_from(["zh", "en", "fr", SEED_SLUG, "..", ".", "%2e%2e", "static",
                                      "css", "%00", "%ff", "sw.js", "", "a" * 300, "中文", ";",
                                      "%2F", "healthz"]) | st.text(max_size=20), max_size=6)


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


@pytest.mark.parametrize("path", [
    "/static/../webapp/__init__.py", "/static/%2e%2e/%2e%2e/etc/passwd", "/static/..%2f..%2fwsgi.py",
    "/static//etc/passwd", "/static/css/../../../../etc/passwd", "/static/manifest.json.gz/..",
])
def test_path_traversal_against_static_files_is_404(client, path):
    resp = client.get(path)
    assert resp.status_code == 404
    resp.close()

"""Cheap 404s: an invented path costs about what a memo hit costs. The not-found page is
rendered once per locale and kept (never per path: paths are the client's choice), and a 404
in a locale's URL space may be held by shared caches for a few seconds (negative caching), so
a flood of the same invented paths is absorbed by Varnish, nginx or a CDN."""

from __future__ import annotations

import gzip

from flask import template_rendered

NOT_FOUND_CACHE_CONTROL = "public, max-age=0, s-maxage=10"


def test_a_404_in_a_locale_is_rendered_once_and_may_be_cached_briefly(app):
    client = app.test_client()
    rendered = []

    def note(sender, template, context, **extra):
        rendered.append(template.name)

    template_rendered.connect(note, app)
    try:
        bodies = set()
        for i in range(30):
            for lang in ("en", "zh", "zh-hant"):
                resp = client.get(f"/{lang}/invented-{i}/")
                assert resp.status_code == 404
                assert resp.headers["Cache-Control"] == NOT_FOUND_CACHE_CONTROL
                assert resp.headers["Vary"] == "Accept-Encoding"
                bodies.add((lang, resp.data))
    finally:
        template_rendered.disconnect(note, app)
    assert len(bodies) == 3                         # one page per locale, whatever the path
    assert rendered.count("error.html") <= 3, rendered
    memo = app.extensions["reader"].memo
    assert not any("invented" in key for key in memo._items)


def test_a_kept_404_is_compressed_as_negotiated(client):
    plain = client.get("/en/invented/", headers={"Accept-Encoding": "identity"})
    packed = client.get("/en/other-invented/", headers={"Accept-Encoding": "gzip"})
    assert packed.status_code == 404 and packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(packed.data) == plain.data
    assert "Page not found" in plain.get_data(as_text=True)


def test_a_404_whose_language_is_negotiated_is_never_stored(client):
    """Outside the locales' URL space the page's language comes from the reader (cookie,
    Accept-Language): a shared cache must not hand one reader's language to another."""
    en = client.get("/wp-login.php", headers={"Accept-Language": "en"})
    zh = client.get("/wp-login.php", headers={"Accept-Language": "zh-CN"})
    assert en.status_code == zh.status_code == 404
    assert 'lang="en"' in en.get_data(as_text=True)
    assert 'lang="zh-Hans"' in zh.get_data(as_text=True)
    for resp in (en, zh):
        assert resp.headers["Cache-Control"] == "no-store"
        assert "Accept-Language" in resp.headers["Vary"]


def test_a_kept_404_answered_before_flask_is_the_same_response(app):
    """Once a locale's not-found page is kept, an invented article path is answered before
    Flask (like a memo hit): the same status, headers and bytes as the rendered answer, and no
    request handler runs for it."""
    client = app.test_client()
    entered = []
    app.before_request(lambda: entered.append(1))
    first = client.get("/en/invented-a/", headers={"Accept-Encoding": "br"})
    assert entered == [1]
    for path in ("/en/invented-b/", "/en/invented-c/parallel/", "/en/invented-d/"):
        again = client.get(path, headers={"Accept-Encoding": "br"})
        assert again.status_code == 404 and again.data == first.data
        slug = path.split("/")[2]
        assert again.headers["Surrogate-Key"] == f"article-{slug}"   # its publish bans it
        first.headers["Surrogate-Key"] = f"article-{slug}"
        for name in ("Content-Type", "Cache-Control", "Vary", "Content-Encoding",
                     "Content-Length", "Content-Security-Policy", "X-Request-ID",
                     "Surrogate-Key"):
            assert (name in again.headers) == (name in first.headers), name
            if name != "X-Request-ID":
                assert again.headers.get(name) == first.headers.get(name), name
    assert entered == [1]
    # Paths the router redirects, or pages that exist, are never answered as not found.
    assert client.get("/en/page/02/").status_code == 308
    assert client.get("/en/archive/").status_code == 200

"""HTTP delivery: memoised, pre-compressed pages with strong ETags, and security headers.

Rendering is pure (same article, locale, catalogs and public URL give the same bytes), so a
page is rendered once per process and kept with its gzip and brotli encodings.
"""

from __future__ import annotations

import gzip
import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from functools import wraps
from threading import Lock

import brotli
from flask import Response, current_app, request

# Encodings we pre-compute, best first when the client rates them equally.
ENCODINGS = ("br", "gzip")


@dataclass(frozen=True)
class Rendition:
    """A page's bytes in each encoding with its strong entity tag (without quotes)."""

    bodies: dict[str, bytes]   # "identity", "br", "gzip" -> body
    etag: str                  # sha256 prefix of the identity bytes


def make_rendition(html: str) -> Rendition:
    """Encode ``html`` (text) as UTF-8 bytes and compress it once (brotli quality 11, gzip 9)."""
    raw = html.encode("utf-8")
    return Rendition(
        bodies={"identity": raw, "br": brotli.compress(raw, quality=11, mode=brotli.MODE_TEXT),
                "gzip": gzip.compress(raw, compresslevel=9, mtime=0)},
        etag=hashlib.sha256(raw).hexdigest()[:20],
    )


class PageMemo:
    """A bounded LRU of renditions keyed by (public base URL, path). Bounded because the Host
    header is the client's to choose; thread-safe for gthread workers."""

    def __init__(self, size: int = 256):
        self.size, self._items, self._lock = size, OrderedDict(), Lock()

    def get_or_render(self, key, render) -> Rendition:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        rendition = make_rendition(render())
        with self._lock:
            self._items[key] = rendition
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return rendition


def choose_encoding(accept_encoding) -> str:
    """Pick ``br``, ``gzip`` or ``identity`` from a parsed ``Accept-Encoding`` (werkzeug
    ``MIMEAccept``-like object with quality values), per RFC 9110 §12.5.3: the highest q wins,
    ``q=0`` refuses, ``*`` covers unlisted codings, ties go to brotli (smaller)."""
    best, best_q = "identity", 0.0
    for coding in ENCODINGS:
        q = accept_encoding.quality(coding)
        if q > best_q:
            best, best_q = coding, q
    return best


def page(view):
    """Decorate a view returning HTML text: memoise, compress, tag and answer conditionals.

    The response has ``Cache-Control`` from ``PAGE_CACHE_CONTROL``, ``Vary: Accept-Encoding``,
    a strong ETag distinct per encoding (RFC 9110 §8.8.3), and is a 304 when ``If-None-Match``
    matches (werkzeug's ``make_conditional``; HEAD gets the headers without the body).
    """
    @wraps(view)
    def wrapper(*args, **kwargs):
        memo: PageMemo = current_app.extensions["page_memo"]
        key = (request.host_url, request.path)
        rendition = memo.get_or_render(key, lambda: view(*args, **kwargs))
        coding = choose_encoding(request.accept_encodings)
        resp = Response(rendition.bodies[coding], mimetype="text/html")
        if coding != "identity":
            resp.headers["Content-Encoding"] = coding
        resp.headers["Vary"] = "Accept-Encoding"
        resp.headers["Cache-Control"] = current_app.config["PAGE_CACHE_CONTROL"]
        suffix = "" if coding == "identity" else f"-{coding}"
        resp.set_etag(rendition.etag + suffix)
        return resp.make_conditional(request)
    return wrapper


def content_security_policy() -> str:
    """The site's CSP: same-origin everything, nothing inline, no plugins, no framing
    (CSP Level 3; scored by MDN HTTP Observatory)."""
    return ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
                          "interest-cohort=(), browsing-topics=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def security_headers(headers, secure: bool, hsts: str) -> None:
    """Add the security headers to a header collection (``werkzeug.Headers`` or a whitenoise
    header list wrapper); HSTS (RFC 6797) only on HTTPS responses and when ``hsts`` is set."""
    headers.setdefault("Content-Security-Policy", content_security_policy())
    for name, value in SECURITY_HEADERS.items():
        headers.setdefault(name, value)
    if secure and hsts:
        headers.setdefault("Strict-Transport-Security", hsts)


def init_app(app) -> None:
    """Memo, security headers on every Flask response, and automatic-OPTIONS off (405s)."""
    app.extensions["page_memo"] = PageMemo(app.config.get("PAGE_MEMO_SIZE", 256))

    @app.after_request
    def _headers(resp):
        security_headers(resp.headers, request.is_secure, app.config["HSTS"])
        return resp

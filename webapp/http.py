"""HTTP delivery: memoised, pre-compressed pages with strong ETags, and security headers.

Rendering is pure (same article, locale, catalogs and public URL give the same bytes), so a
page is rendered once per process and kept with its gzip and brotli encodings.
"""

from __future__ import annotations

import gzip
import hashlib
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache, wraps
from threading import Lock

import brotli
from flask import Response, current_app, request
from werkzeug.http import parse_accept_header, parse_etags
from werkzeug.sansio.utils import get_host

# Encodings we pre-compute, best first when the client rates them equally.
ENCODINGS = ("br", "gzip")


@dataclass(frozen=True)
class Rendition:
    """A page's bytes in each encoding with the strong entity tag of each (without quotes)."""

    bodies: dict[str, bytes]   # "identity", "br", "gzip" -> body
    etags: dict[str, str]      # coding -> sha256 prefix of the identity bytes (+ "-coding")


def make_rendition(html: str) -> Rendition:
    """Encode ``html`` (text) as UTF-8 bytes and compress it once (brotli quality 11, gzip 9).
    Each encoding gets its own strong ETag, as RFC 9110 §8.8.3 requires of representations."""
    raw = html.encode("utf-8")
    tag = hashlib.sha256(raw).hexdigest()[:20]
    return Rendition(
        bodies={"identity": raw, "br": brotli.compress(raw, quality=11, mode=brotli.MODE_TEXT),
                "gzip": gzip.compress(raw, compresslevel=9, mtime=0)},
        etags={"identity": tag, "br": f"{tag}-br", "gzip": f"{tag}-gzip"},
    )


def page_key(environ) -> tuple:
    """The memo key of a request: public scheme, host, script root and path (the page holds
    absolute canonical/hreflang URLs, so these are all it depends on besides its files)."""
    scheme = environ.get("wsgi.url_scheme", "http")
    host = get_host(scheme, environ.get("HTTP_HOST"),
                    (environ.get("SERVER_NAME", ""), int(environ.get("SERVER_PORT") or 0)))
    return scheme, host, environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", "")


class PageMemo:
    """A bounded LRU of renditions keyed by :func:`page_key`. Bounded because the Host header
    is the client's to choose; thread-safe for threaded workers."""

    def __init__(self, size: int = 256):
        self.size, self._items, self._lock = size, OrderedDict(), Lock()

    def get(self, key) -> Rendition | None:
        with self._lock:
            rendition = self._items.get(key)
            if rendition is not None:
                self._items.move_to_end(key)
            return rendition

    def get_or_render(self, key, render) -> Rendition:
        rendition = self.get(key)
        if rendition is None:
            rendition = make_rendition(render())
            with self._lock:
                self._items[key] = rendition
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        return rendition


@lru_cache(maxsize=64)
def choose_encoding(accept_encoding: str | None) -> str:
    """Pick ``br``, ``gzip`` or ``identity`` for a raw ``Accept-Encoding`` value (text or
    None), per RFC 9110 §12.5.3: the highest q wins, ``q=0`` refuses, ``*`` covers unlisted
    codings, ties go to brotli (smaller). Malformed items are ignored (werkzeug's parser)."""
    accept = parse_accept_header(accept_encoding)
    best, best_q = "identity", 0.0
    for coding in ENCODINGS:
        q = accept.quality(coding)
        if q > best_q:
            best, best_q = coding, q
    return best


def respond(rendition: Rendition, environ, cache_control: str) -> tuple[int, list, bytes]:
    """(status, headers, body) for a memoised page and a request's WSGI ``environ``:
    negotiated encoding, ``Vary: Accept-Encoding``, the encoding's strong ETag, and 304 when
    ``If-None-Match`` matches it (weak comparison, ``*`` included: RFC 9110 §13.1.2)."""
    coding = choose_encoding(environ.get("HTTP_ACCEPT_ENCODING"))
    etag = rendition.etags[coding]
    headers = [("Vary", "Accept-Encoding"), ("ETag", f'"{etag}"'), ("Cache-Control", cache_control)]
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match and parse_etags(if_none_match).contains_weak(etag):
        return 304, headers, b""
    body = rendition.bodies[coding]
    if coding != "identity":
        headers.append(("Content-Encoding", coding))
    headers += [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))]
    return 200, headers, body


def page(view):
    """Decorate a view returning HTML text: memoise it, then answer as :func:`respond` does,
    with ``Cache-Control`` from ``PAGE_CACHE_CONTROL``. HEAD gets the headers of GET."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        memo: PageMemo = current_app.extensions["page_memo"]
        rendition = memo.get_or_render(page_key(request.environ), lambda: view(*args, **kwargs))
        status, headers, body = respond(rendition, request.environ,
                                        current_app.config["PAGE_CACHE_CONTROL"])
        return Response(body, status=status, headers=headers)
    return wrapper


class PageCache:
    """WSGI middleware answering GET/HEAD for pages already in the memo without entering
    Flask (a per-process reverse-proxy cache: valid because rendering is pure). Misses, other
    methods and every other URL go to the wrapped app, which fills the memo via :func:`page`.
    """

    def __init__(self, app, memo: PageMemo, cache_control: str):
        self.app, self.memo, self.cache_control = app, memo, cache_control

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        if method in ("GET", "HEAD"):
            rendition = self.memo.get(page_key(environ))
            if rendition is not None:
                status, headers, body = respond(rendition, environ, self.cache_control)
                start_response("200 OK" if status == 200 else "304 Not Modified", headers)
                return [b""] if method == "HEAD" else [body]
        return self.app(environ, start_response)


def content_security_policy() -> str:
    """The site's CSP: nothing by default, then same-origin scripts, styles, images, fonts,
    fetches, manifest and worker; nothing inline, no plugins, no framing (CSP Level 3; MDN
    HTTP Observatory scores ``default-src 'none'`` highest)."""
    return ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
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


class SecurityHeaders:
    """WSGI middleware adding the security headers to every response, the app's and
    whitenoise's alike, in one place (cheaper than per-response ``Headers`` edits).

    :param app: the WSGI app to wrap. :param hsts: the ``Strict-Transport-Security`` value
        (RFC 6797), sent only when the request's scheme is https (after ProxyFix, if
        configured); empty to never send it.
    """

    def __init__(self, app, hsts: str = ""):
        self.app, self.hsts = app, hsts
        self.headers = [("Content-Security-Policy", content_security_policy()),
                        *SECURITY_HEADERS.items()]

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            headers.extend(self.headers)
            if self.hsts and environ.get("wsgi.url_scheme") == "https":
                headers.append(("Strict-Transport-Security", self.hsts))
            return start_response(status, headers, exc_info)
        return self.app(environ, start)


def init_app(app) -> None:
    """Create the per-process page memo."""
    app.extensions["page_memo"] = PageMemo(app.config.get("PAGE_MEMO_SIZE", 256))

"""HTTP delivery: memoised, compressed representations with strong ETags; trusted hosts,
forwarded headers and security headers for every response.

Rendering is pure (same release, path and ``SITE_URL`` give the same bytes), so a page is
rendered once per worker and kept, with the encodings readers asked for, in :class:`PageMemo`:
an LRU bounded in bytes, keyed by path alone (a query string or a ``Host`` cannot make
entries). :class:`MemoFront` answers repeat GET/HEAD requests from it before Flask.
"""

from __future__ import annotations

import gzip
import hashlib
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from threading import Lock

import brotli
from werkzeug.http import parse_accept_header, parse_etags
from werkzeug.sansio.utils import get_host
from werkzeug.wsgi import get_path_info

ENCODINGS = ("br", "gzip")     # pre-computed codings, best first when rated equally
BROTLI_QUALITY = 5             # ~0.5 ms for a 30 KB page; quality 11 took ~30 ms for 4% less
GZIP_LEVEL = 6


@dataclass
class Representation:
    """A resource's bytes (RFC 9110 "selected representation") and what to say about them:
    the identity body, encodings computed on first use, the strong ETag of each, the media
    type and the ``Cache-Control`` value."""

    body: bytes
    content_type: str
    cache_control: str
    etag: str = ""
    encoded: dict[str, bytes] = field(default_factory=dict)
    route: str = ""      # endpoint that rendered it (metrics label of memo hits)

    def __post_init__(self) -> None:
        self.etag = hashlib.sha256(self.body).hexdigest()[:20]

    @property
    def size(self) -> int:
        """Bytes held: identity plus every computed encoding."""
        return len(self.body) + sum(len(b) for b in self.encoded.values())

    def encoding(self, coding: str) -> bytes:
        """The body in ``coding`` (``br``, ``gzip`` or ``identity``), compressed on first use."""
        if coding == "identity":
            return self.body
        data = self.encoded.get(coding)
        if data is None:
            data = (brotli.compress(self.body, quality=BROTLI_QUALITY, mode=brotli.MODE_TEXT)
                    if coding == "br" else gzip.compress(self.body, GZIP_LEVEL, mtime=0))
            self.encoded[coding] = data
        return data


class PageMemo:
    """LRU of :class:`Representation` keyed by path, bounded by the bytes it holds.

    :param max_bytes: bound on identity + encoded bytes. A representation larger than a
        quarter of the bound is served but not kept."""

    def __init__(self, max_bytes: int):
        self.max_bytes, self.bytes = max_bytes, 0
        self._items: OrderedDict[str, Representation] = OrderedDict()
        self._lock = Lock()
        self.hits = self.misses = 0

    def get(self, key: str) -> Representation | None:
        with self._lock:
            rep = self._items.get(key)
            if rep is not None:
                self._items.move_to_end(key)
                self.hits += 1
            return rep

    def put(self, key: str, rep: Representation) -> None:
        with self._lock:
            self.misses += 1
            if rep.size * 4 > self.max_bytes:
                return
            old = self._items.pop(key, None)
            if old is not None:
                self.bytes -= old.size
            self._items[key] = rep
            self.bytes += rep.size
            self._trim()

    def grew(self, rep: Representation, before: int) -> None:
        """Account for an encoding added to a kept representation (``before``: its old size)."""
        with self._lock:
            if any(r is rep for r in self._items.values()):
                self.bytes += rep.size - before
                self._trim()

    def _trim(self) -> None:
        while self.bytes > self.max_bytes and self._items:
            _key, old = self._items.popitem(last=False)
            self.bytes -= old.size

    def __len__(self) -> int:
        return len(self._items)


# <meta name="page-version" content="..."> in templates/base.html: replaced by the page's own
# fingerprint
PAGE_VERSION_PLACEHOLDER = "page-version-unstamped"


def stamp_version(body: str) -> str:
    """``body`` (an HTML page, text) with ``PAGE_VERSION_PLACEHOLDER`` replaced by the first 16
    hex digits of the SHA-256 of ``body`` as rendered (UTF-8): pages that read the same carry
    the same version in every release, a page whose bytes change carries a new one. The update
    notice (static/js/pwa.js) compares the version on screen with the current page's, so it
    appears only on a page older than the release. Pure: same body, same result."""
    if PAGE_VERSION_PLACEHOLDER not in body:
        return body
    digest = hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]
    return body.replace(PAGE_VERSION_PLACEHOLDER, digest, 1)


@lru_cache(maxsize=64)
def choose_encoding(accept_encoding: str | None) -> str:
    """``br``, ``gzip`` or ``identity`` for a raw ``Accept-Encoding`` value (text or None),
    per RFC 9110 §12.5.3: the highest q wins, ``q=0`` refuses, ``*`` covers unlisted codings,
    ties go to brotli (smaller). Malformed items are ignored (werkzeug's parser)."""
    accept = parse_accept_header(accept_encoding)
    best, best_q = "identity", 0.0
    for coding in ENCODINGS:
        q = accept.quality(coding)
        if q > best_q:
            best, best_q = coding, q
    return best


def respond(rep: Representation, environ, memo: PageMemo | None = None) -> tuple[int, list, bytes]:
    """``(status, headers, body)`` for ``rep`` and a WSGI ``environ``: negotiated encoding,
    ``Vary: Accept-Encoding``, that encoding's strong ETag, and 304 when ``If-None-Match``
    matches it (weak comparison, ``*`` included: RFC 9110 §13.1.2)."""
    coding = choose_encoding(environ.get("HTTP_ACCEPT_ENCODING"))
    etag = rep.etag if coding == "identity" else f"{rep.etag}-{coding}"
    headers = [("Content-Type", rep.content_type), ("Vary", "Accept-Encoding"),
               ("ETag", f'"{etag}"'), ("Cache-Control", rep.cache_control)]
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match and parse_etags(if_none_match).contains_weak(etag):
        return 304, headers, b""
    before = rep.size
    body = rep.encoding(coding)
    if memo is not None and rep.size != before:
        memo.grew(rep, before)
    if coding != "identity":
        headers.append(("Content-Encoding", coding))
    headers.append(("Content-Length", str(len(body))))
    return 200, headers, body


def memo_key(environ) -> str:
    """The memo key of a request: its path (decoded), nothing else."""
    return get_path_info(environ)


class MemoFront:
    """WSGI middleware answering GET/HEAD for representations already in the memo without
    entering Flask (valid because rendering is pure). Misses and everything else go on."""

    def __init__(self, app, memo: PageMemo):
        self.app, self.memo = app, memo

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        if method in ("GET", "HEAD"):
            rep = self.memo.get(memo_key(environ))
            if rep is not None:
                environ["reader.memo"] = "hit"
                environ["reader.route"] = rep.route
                status, headers, body = respond(rep, environ, self.memo)
                start_response("200 OK" if status == 200 else "304 Not Modified", headers)
                return [b""] if method == "HEAD" else [body]
        return self.app(environ, start_response)


def content_security_policy() -> str:
    """The site's CSP: nothing by default, then same-origin scripts, styles, images, fetches,
    manifest and worker; nothing inline, no plugins, no framing (CSP Level 3)."""
    return ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "font-src 'self'; connect-src 'self'; manifest-src 'self'; worker-src 'self'; "
            "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
                          "interest-cohort=(), browsing-topics=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    # one policy on purpose: nothing of ours is meant to be embedded by another origin
    "Cross-Origin-Resource-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


_HOST_RE = re.compile(r"^(?:\[(?P<v6>[0-9A-Fa-f:.]+)\]|(?P<name>[A-Za-z0-9.-]+))(?::[0-9]{1,5})?$")


def host_is_trusted(host: str | None, trusted: list[str]) -> bool:
    """Whether a raw ``Host`` header value names one of ``trusted`` (lowercase names).

    The value must be ``host[:port]`` as RFC 9110 §7.2 defines it (a name, IPv4 or a bracketed
    IPv6 literal): userinfo (``a@b``), paths and anything else are never trusted."""
    m = _HOST_RE.match(host or "")
    if not m:
        return False
    return (m["v6"] or m["name"]).lower().rstrip(".") in trusted


class Gate:
    """The outermost WSGI middleware: refuses an untrusted ``Host`` with 400 before anything
    else runs (static files included), and adds the security headers (and HSTS over HTTPS) to
    every response, the app's and whitenoise's alike.

    :param trusted: host names (lowercase) the site answers to.
    :param hsts: the ``Strict-Transport-Security`` value (RFC 6797), sent only when the
        request's scheme is https (after ProxyFix, if configured); empty to never send it.
    """

    def __init__(self, app, trusted: list[str], hsts: str = ""):
        self.app, self.hsts = app, hsts
        self.trusted = [h.lower().strip("[]") for h in trusted]
        self.headers = [("Content-Security-Policy", content_security_policy()),
                        *SECURITY_HEADERS.items()]

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            headers.extend(self.headers)
            if self.hsts and environ.get("wsgi.url_scheme") == "https":
                headers.append(("Strict-Transport-Security", self.hsts))
            return start_response(status, headers, exc_info)

        host = environ.get("HTTP_HOST")
        if host is None and environ.get("SERVER_PROTOCOL") == "HTTP/1.1":
            # RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to any
            # HTTP/1.1 request message that lacks a Host header field"
            return self.refuse(start, b"Bad request: an HTTP/1.1 request needs a Host header\n")
        if not host:  # HTTP/1.0 without Host, or an empty one (RFC 9112 §3.2): the server's own
            # name stands in, as WSGI (PEP 3333) reconstructs the URL
            host = get_host(environ.get("wsgi.url_scheme", "http"), None,
                            (environ.get("SERVER_NAME", ""), int(environ.get("SERVER_PORT") or 0)))
        if not host_is_trusted(host, self.trusted):
            environ["reader.bad_host"] = True
            return self.refuse(start, b"Bad request: unknown host\n")
        return self.app(environ, start)

    @staticmethod
    def refuse(start, body: bytes) -> list[bytes]:
        """A plain-text 400 with ``body``, never stored by any cache."""
        start("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8"),
                                  ("Content-Length", str(len(body))),
                                  ("Cache-Control", "no-store")])
        return [body]

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
import os
import re
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from threading import Lock
from urllib.parse import parse_qs

import brotli
from werkzeug.http import parse_accept_header, parse_etags
from werkzeug.sansio.utils import get_host
from werkzeug.wsgi import get_path_info

from webapp import contract
from whitenoise import WhiteNoise
from whitenoise.string_utils import decode_path_info, ensure_leading_trailing_slash

ENCODINGS = ("br", "gzip")     # pre-computed codings, best first when rated equally
BROTLI_QUALITY = 5             # ~0.5 ms for a 30 KB page; quality 11 took ~30 ms for 4% less
GZIP_LEVEL = 6



class CacheControl:
    """The ``Cache-Control`` values the app sends that are not configuration (pages and feeds
    take ``PAGE_CACHE_CONTROL`` and ``FEED_CACHE_CONTROL``): one owner for each policy
    (RFC 9111 §5.2.2)."""

    REVALIDATE = "no-cache"                 # the service worker, manifests: always revalidated
    NEGOTIATED = "private, no-cache"        # "/": varies on the reader's cookie and languages
    NO_STORE = "no-store"                   # health, readiness, metrics, errors before routing
    REDIRECT = "public, max-age=3600"       # our own redirects to a canonical URL
    ICON = "public, max-age=604800"         # root icons browsers ask for by a fixed name

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
    surrogate: str = ""  # Surrogate-Key value (space-separated cache tags), "" for none

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
        quarter of the bound is served but not kept.
    :param max_entries: bound on the number of entries (None: bytes only)."""

    MAX_SPELLING = 512   # characters of a request spelling :meth:`link` keeps (longer: none)

    def __init__(self, max_bytes: int, max_entries: int | None = None):
        self.max_bytes, self.bytes, self.max_entries = max_bytes, 0, max_entries
        self._items: OrderedDict[str, Representation] = OrderedDict()
        # request spelling (raw path + "?" + query string) -> key of an entry; LRU, bounded
        # by max_entries (and MAX_SPELLING characters a spelling): :meth:`link`
        self._spellings: OrderedDict[str, str] = OrderedDict()
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

    def link(self, spelling: str, key: str) -> None:
        """Remember that the request spelled ``spelling`` (text: the path as the client sent it,
        ``?``, the raw query string) is answered by the entry ``key``, so :meth:`find` can
        answer it without computing ``key`` (for results pages: parsing and folding the query
        in Flask). Kept at most ``max_entries`` spellings (least recently used out first), each
        at most :data:`MAX_SPELLING` characters; nothing when the memo has no entry bound."""
        if self.max_entries is None or len(spelling) > self.MAX_SPELLING:
            return
        with self._lock:
            self._spellings[spelling] = key
            self._spellings.move_to_end(spelling)
            while len(self._spellings) > self.max_entries:
                self._spellings.popitem(last=False)

    def find(self, spelling: str) -> Representation | None:
        """The entry a :meth:`link`-ed spelling answers with, or None (never linked, or the
        entry has since left the memo)."""
        key = self._spellings.get(spelling)
        return self.get(key) if key is not None else None

    def spellings(self) -> int:
        """How many request spellings are kept (:meth:`link`)."""
        return len(self._spellings)

    def grew(self, rep: Representation, before: int) -> None:
        """Account for an encoding added to a kept representation (``before``: its old size)."""
        with self._lock:
            if any(r is rep for r in self._items.values()):
                self.bytes += rep.size - before
                self._trim()

    def _trim(self) -> None:
        while self._items and (self.bytes > self.max_bytes or (
                self.max_entries is not None and len(self._items) > self.max_entries)):
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
    if rep.surrogate:
        headers.append(("Surrogate-Key", rep.surrogate))
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


REVISION_PARAM = "__rev"     # the service worker's precache query (templates/sw.js shellKey)


revision = contract.revision   # the precache revision of a body: the contract's rule


def revision_mismatch(environ, rep: Representation) -> bool:
    """Whether the request names a precache revision (``?__rev=``) that ``rep`` is not: such a
    request must not get ``rep``'s bytes (they would be kept under the wrong revision)."""
    query = environ.get("QUERY_STRING", "")
    if REVISION_PARAM + "=" not in query:
        return False
    asked = parse_qs(query).get(REVISION_PARAM, [""])[-1]
    return asked != rep.etag[:12]


def raw_path(environ) -> str | None:
    """The path of the request target as the client sent it (text, percent-encodings kept,
    no query), from the server's ``RAW_URI`` (gunicorn, werkzeug) or ``REQUEST_URI``; None when
    the server gives neither. An absolute-form target (RFC 9112 §3.2.2) gives its path."""
    uri = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if uri is None:
        return None
    path = uri.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/") and "://" in path:
        path = "/" + path.split("://", 1)[1].partition("/")[2]
    return path


def spelled_as_key(environ, key: str) -> bool:
    """Whether the client spelled the path exactly as the memo key (no percent-encoding,
    nothing the server decoded): only such requests may be answered from the memo, so every
    other spelling reaches the router, which redirects it to the canonical URL."""
    raw = raw_path(environ)
    return raw is None or raw == key


class MemoFront:
    """WSGI middleware answering GET/HEAD for representations already in the memo without
    entering Flask (valid because rendering is pure). Misses and everything else go on."""

    def __init__(self, app, memo: PageMemo, not_found=None, results: PageMemo | None = None):
        """:param not_found: optional ``(environ, key) -> (Representation, cache_control,
            route, surrogate key) | None``: a kept not-found page for a path known to be absent, answered
            as a 404 here too (an invented path then costs about a memo hit).
        :param results: optional memo of pages that read their query string (search
            results): a request spelled exactly as one the view answered with 200 and
            :meth:`PageMemo.link`-ed (path and raw query string) gets that entry here."""
        self.app, self.memo, self.not_found, self.results = app, memo, not_found, results

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD")
        if method in ("GET", "HEAD"):
            key = memo_key(environ)
            rep = self.memo.get(key) if spelled_as_key(environ, key) else None
            query = environ.get("QUERY_STRING")
            if rep is None and query and self.results is not None and spelled_as_key(
                    environ, key):
                rep = self.results.find(key + "?" + query)
            if rep is not None and not revision_mismatch(environ, rep):
                environ["reader.memo"] = "hit"
                environ["reader.route"] = rep.route
                status, headers, body = respond(rep, environ, self.memo)
                start_response("200 OK" if status == 200 else "304 Not Modified", headers)
                return [b""] if method == "HEAD" else [body]
            if self.not_found is not None and rep is None:
                found = self.not_found(environ, key)
                if found is not None:
                    return self._not_found(environ, start_response, *found)
        return self.app(environ, start_response)

    @staticmethod
    def _not_found(environ, start_response, rep: Representation, cache_control: str,
                   route: str, surrogate: str):
        coding = choose_encoding(environ.get("HTTP_ACCEPT_ENCODING"))
        body = rep.encoding(coding)
        headers = [("Content-Type", rep.content_type), ("Content-Length", str(len(body))),
                   ("Cache-Control", cache_control), ("Vary", "Accept-Encoding")]
        if coding != "identity":
            headers.append(("Content-Encoding", coding))
        if surrogate:
            headers.append(("Surrogate-Key", surrogate))
        environ["reader.route"] = route
        start_response("404 NOT FOUND", headers)
        return [b""] if environ.get("REQUEST_METHOD") == "HEAD" else [body]


def content_security_policy(scripts: tuple[str, ...] | list[str] = (),
                            styles: tuple[str, ...] | list[str] = ()) -> str:
    """The site's CSP: nothing by default, then same-origin scripts, styles, images, fetches,
    manifest and worker; no plugins, no framing (CSP Level 3). Inline code runs only when its
    hash is listed: ``scripts`` and ``styles`` are hash sources (``sha256-<base64>``, CSP
    Level 3 §2.3.1) of the inline ``<script>`` and ``<style>`` elements pages carry; never
    ``'unsafe-inline'``, and style attributes stay refused."""
    script = " ".join(["'self'", *(f"'{h}'" for h in scripts)])
    style = " ".join(["'self'", *(f"'{h}'" for h in styles)])
    return (f"default-src 'none'; script-src {script}; style-src {style}; img-src 'self' data:; "
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
    :param csp: the ``Content-Security-Policy`` value (:func:`content_security_policy` of the
        release's inline hashes); by default the policy with no inline code allowed.
    """

    def __init__(self, app, trusted: list[str], hsts: str = "", csp: str = ""):
        self.app, self.hsts = app, hsts
        self.trusted = [h.lower().strip("[]") for h in trusted]
        self.headers = [("Content-Security-Policy", csp or content_security_policy()),
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
                                  ("Cache-Control", CacheControl.NO_STORE)])
        return [body]


class StaticPool:
    """whitenoise over the release build's static pool (``BUILD_DIR/static``), which also
    serves hashed files added to the pool after the worker booted.

    whitenoise indexes its folder once, when the worker starts (``autorefresh`` is for
    development only). The pool only grows, and a release build adds its files before it
    switches ``current``; so during a ``HUP`` hand-off the old workers, still on the socket,
    would answer 404 for the new release's stylesheet while new workers already serve pages
    that link it. A request for a content-hashed name (``hashed``, e.g. ``site.<12 hex>.css``)
    that is not in the index is looked up on disk once, with whitenoise's own checks
    (canonical path, no ``..``, inside the pool, no request for a ``.gz``/``.br`` sibling), and
    kept in the index when found: the same headers as a file indexed at boot (immutable for a
    year). Other misses never touch the disk, so an unknown path still costs a dict lookup.

    :param app: the WSGI app for everything that is not a static file.
    :param root: the pool folder; ``prefix``: its URL prefix (``static/``).
    :param hashed: compiled regex matching a content-hashed URL.
    :param kwargs: whitenoise settings (``max_age``, ``immutable_file_test``, ...).

    Source: whitenoise's ``WhiteNoise.__call__``/``find_file`` (base.py, 6.x).
    """

    def __init__(self, app, root: str, prefix: str, hashed, **kwargs):
        self.white = WhiteNoise(app, root=root, prefix=prefix, **kwargs)
        self.prefix = ensure_leading_trailing_slash(prefix)
        # find_file() walks `directories`, which whitenoise fills only in autorefresh mode
        self.white.directories = [(os.path.abspath(root).rstrip(os.sep) + os.sep, self.prefix)]
        self.hashed = hashed
        self._lock = Lock()

    def __call__(self, environ, start_response):
        white = self.white
        path = decode_path_info(environ.get("PATH_INFO", ""))
        static_file = white.files.get(path)
        if static_file is None and path.startswith(self.prefix) and self.hashed.search(path):
            static_file = white.find_file(path)
            if static_file is not None:
                with self._lock:
                    white.files.setdefault(path, static_file)
        if static_file is None:
            return white.application(environ, start_response)
        return white.serve(static_file, environ, start_response)

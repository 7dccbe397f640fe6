"""Request ids, the app's logs and Prometheus metrics, as one outermost WSGI middleware.

- **Request id.** Every response carries ``X-Request-ID``. An incoming ``X-Request-ID`` is
  kept only when the app trusts a proxy in front (``JINTAN_PROXY_FIX_HOPS`` > 0: the proxy
  set or checked it) and it is well formed (:data:`REQUEST_ID_RE`: 8–64 characters of
  ``A–Z a–z 0–9 . _ : -``); otherwise a new one (128 random bits, hex) is made. The id is in
  ``environ["reader.request_id"]`` for the access log (``serving.JsonLogger``) and on every
  log record the app writes during the request.
- **Logs.** Under gunicorn the app's logger writes through gunicorn's error-log handlers, so
  both share one format (text, or JSON with ``GUNICORN_LOG_FORMAT=json``).
- **Metrics** (only when ``PROMETHEUS_MULTIPROC_DIR`` is set, which ``gunicorn.conf.py`` does
  in its workers, and only there, when ``JINTAN_METRICS_BIND`` is): requests by route and status, latency by route, page memo
  hits and misses, the memo's entries and bytes, articles and locales loaded, and the release
  id. Labels are bounded: ``route`` is a Flask endpoint (or ``static``, ``unmatched``,
  ``bad_host``), ``method`` one of a fixed set, ``status`` an HTTP status the app produced.
  No client value ever becomes a label. Gauges use prometheus_client's ``live*`` modes, so a
  dead worker's values leave with it (``child_exit`` in ``gunicorn.conf.py``); its counters and
  histograms are merged into the totals and its files removed (``serving.merge_dead_worker``).

Sources: prometheus_client "Multiprocess Mode" (Info metrics do not work there, hence the
``jintan_release_info`` gauge set to 1; gauges need a ``multiprocess_mode``), and "Metric and
label naming" on prometheus.io (base units, ``_total`` counters, bounded label values).
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import time

REQUEST_ID_HEADER = "X-Request-ID"
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"})
# Latency buckets (seconds): memo hits take well under a millisecond, renders a few ms.
BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)


def request_id(environ, trust_incoming: bool) -> str:
    """The request's id: the incoming ``X-Request-ID`` when ``trust_incoming`` and it matches
    :data:`REQUEST_ID_RE`, else 32 new random hex digits."""
    incoming = environ.get("HTTP_X_REQUEST_ID")
    if trust_incoming and incoming and REQUEST_ID_RE.match(incoming):
        return incoming
    return secrets.token_hex(16)


def route_of(environ, status: int) -> str:
    """Bounded ``route`` label of a finished request: the Flask endpoint that answered
    (``reader.article``; a memo hit carries the endpoint that rendered it), ``static`` for
    whitenoise's files, ``bad_host`` for a refused ``Host``, else ``unmatched``."""
    route = environ.get("reader.route")   # set by the memo, or by Flask (note_endpoint)
    if route:
        return route
    if environ.get("reader.bad_host"):
        return "bad_host"
    if environ.get("PATH_INFO", "").startswith("/static/") and status < 400:
        return "static"
    return "unmatched"


class Metrics:
    """The app's Prometheus metrics (prometheus_client, multiprocess mode). Made once per
    process: :func:`metrics` returns the shared instance."""

    def __init__(self):
        from prometheus_client import Counter, Gauge, Histogram
        self.requests = Counter("jintan_http_requests_total", "HTTP requests answered",
                                ["route", "method", "status"])
        self.latency = Histogram("jintan_http_request_duration_seconds",
                                 "Time from request to the app's response (body ready)",
                                 ["route"], buckets=BUCKETS)
        self.memo = Counter("jintan_page_memo_requests_total",
                            "Page requests answered from the worker's memo (hit) or rendered "
                            "(miss)", ["result"])
        self.memo_entries = Gauge("jintan_page_memo_entries", "Pages held in the memos of live "
                                  "workers", multiprocess_mode="livesum")
        self.memo_entries_max = Gauge("jintan_page_memo_entries_max", "Largest memo of a live "
                                      "worker, in pages", multiprocess_mode="livemax")
        self.memo_bytes = Gauge("jintan_page_memo_bytes", "Bytes held in the memos of live "
                                "workers", multiprocess_mode="livesum")
        self.articles = Gauge("jintan_release_articles", "Articles in the release a live worker "
                              "serves", multiprocess_mode="livemax")
        self.locales = Gauge("jintan_release_locales", "Locales (with UI catalogs) a live worker "
                             "serves", multiprocess_mode="livemax")
        self.release = Gauge("jintan_release_info", "Release served by live workers (value 1; "
                             "two ids while a reload hands over)", ["release"],
                             multiprocess_mode="livemax")


_METRICS: Metrics | None = None


def metrics() -> Metrics | None:
    """The process's :class:`Metrics`, or None when ``PROMETHEUS_MULTIPROC_DIR`` is unset
    (metrics off: nothing is recorded, prometheus_client is not imported)."""
    global _METRICS
    if _METRICS is None and os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        _METRICS = Metrics()
    return _METRICS


class Observed:
    """Outermost WSGI middleware: request id, ``X-Request-ID`` on every response (refused
    hosts and static files included), and the request's metrics.

    :param app: the WSGI app inside (the host gate and everything under it).
    :param trust_incoming: accept a well-formed incoming ``X-Request-ID`` (a trusted proxy).
    :param memo: the worker's :class:`webapp.web.delivery.PageMemo` (its size is reported).
    :param m: :class:`Metrics`, or None for no metrics.
    """

    def __init__(self, app, trust_incoming: bool, memo=None, m: Metrics | None = None):
        self.app, self.trust_incoming, self.memo, self.m = app, trust_incoming, memo, m

    def __call__(self, environ, start_response):
        rid = request_id(environ, self.trust_incoming)
        environ["reader.request_id"] = rid
        started = time.perf_counter()
        seen = {}

        def start(status, headers, exc_info=None):
            headers.append((REQUEST_ID_HEADER, rid))
            seen["status"] = status
            return start_response(status, headers, exc_info)

        result = self.app(environ, start)
        try:
            status = int(seen.get("status", "500").split(None, 1)[0])
        except ValueError:
            status = 0
        route = environ["reader.route"] = route_of(environ, status)   # for the access log
        if self.m is not None:
            self._record(environ, route, status, time.perf_counter() - started)
        return result

    def _record(self, environ, route: str, status: int, seconds: float) -> None:
        m = self.m
        method = environ.get("REQUEST_METHOD", "")
        m.requests.labels(route, method if method in METHODS else "other", str(status)).inc()
        m.latency.labels(route).observe(seconds)
        memo = environ.get("reader.memo")
        if memo in ("hit", "miss"):
            m.memo.labels(memo).inc()
        if self.memo is not None:   # every request: warm-up and evictions change it too
            entries = len(self.memo)
            m.memo_entries.set(entries)
            m.memo_entries_max.set(entries)
            m.memo_bytes.set(self.memo.bytes)


def note_endpoint() -> None:
    """Flask ``before_request``: keep the matched endpoint in the WSGI environ (Flask clears
    its request object from the environ when the request ends)."""
    from flask import request
    if request.url_rule is not None:
        request.environ["reader.route"] = request.url_rule.endpoint


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to the app's log records made inside a request."""

    def filter(self, record: logging.LogRecord) -> bool:
        from flask import has_request_context, request
        if has_request_context():
            record.request_id = request.environ.get("reader.request_id")
        return True


def init_app(app) -> None:
    """Wrap ``app.wsgi_app`` in :class:`Observed` (call last in ``create_app``), route the
    app's logger through gunicorn's error-log handlers when running under gunicorn, and
    publish the release's gauges."""
    site = app.extensions["reader"]
    m = metrics()
    app.wsgi_app = Observed(app.wsgi_app, trust_incoming=int(app.config["PROXY_FIX_HOPS"]) > 0,
                            memo=site.memo, m=m)
    app.before_request(note_endpoint)
    gunicorn_error = logging.getLogger("gunicorn.error")
    if gunicorn_error.handlers:
        from flask.logging import default_handler
        app.logger.removeHandler(default_handler)
        for handler in gunicorn_error.handlers:
            if handler not in app.logger.handlers:
                app.logger.addHandler(handler)
        app.logger.setLevel(gunicorn_error.level)
    if not any(isinstance(f, RequestIdFilter) for f in app.logger.filters):
        app.logger.addFilter(RequestIdFilter())
    if m is not None:
        release = site.release
        m.articles.set(release.count)
        m.locales.set(len(release.info.get("locales", [])))
        m.release.labels(release.id).set(1)
        m.memo_entries.set(0)
        m.memo_entries_max.set(0)
        m.memo_bytes.set(0)

"""gunicorn production defaults. Every value can be overridden by an environment variable
(named beside it); `gunicorn --check-config -c gunicorn.conf.py` validates this file.
Layout follows gunicorn's examples/example_config.py. No secrets belong here.
"""

import multiprocessing
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serving  # gunicorn-side machinery: hand-off, JSON logs, metrics

# --- Server socket ---------------------------------------------------------------------------
# Loopback by default: put a proxy (nginx, a CDN) in front, see README "Deploying".
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:" + os.environ.get("PORT", "8000"))
backlog = int(os.environ.get("GUNICORN_BACKLOG", "2048"))

# --- Worker processes ------------------------------------------------------------------------
wsgi_app = os.environ.get("GUNICORN_WSGI_APP", "wsgi:app")
# 2-4 x cores is gunicorn's advice; async workers need fewer, since each holds many connections.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2))
# gevent: one worker holds thousands of connections, so phones on slow networks (and clients
# that trickle their headers) cannot tie up all workers as they do with `sync` workers.
worker_class = os.environ.get("GUNICORN_WORKER_CLASS", "gevent")
if worker_class == "gevent":
    # gunicorn's gevent worker, plus the hand-off: on HUP an old worker keeps serving until
    # the new ones have loaded the release (serving.Handoff; GUNICORN_HANDOFF_TIMEOUT, 30 s).
    worker_class = serving.gevent_handoff_worker
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "1000"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))          # seconds a worker may be silent
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))       # seconds an idle keep-alive waits
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))  # 0: never recycle workers
# Each worker adds randint(0, jitter) to its limit, so workers that share the load evenly do not
# all restart in the same second (measured without it: every worker at once, p99 8.1 s).
# Default: half the limit; GUNICORN_MAX_REQUESTS_JITTER overrides it.
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 2))
# No preload: each worker loads the current release when it boots (about a second, whatever the
# archive's size), so `kill -HUP <master>` (systemctl reload) publishes what `make release`
# switched to. With preload the master would keep serving the release it loaded at start.
preload_app = False

# --- Request limits (hostile input) ------------------------------------------------------------
limit_request_line = int(os.environ.get("GUNICORN_LIMIT_REQUEST_LINE", "4094"))
limit_request_fields = int(os.environ.get("GUNICORN_LIMIT_REQUEST_FIELDS", "100"))
limit_request_field_size = int(os.environ.get("GUNICORN_LIMIT_REQUEST_FIELD_SIZE", "8190"))

# --- Proxy -----------------------------------------------------------------------------------
# Trust X-Forwarded-* only from these addresses (comma-separated); see README "Deploying".
# Empty by default: the app decides what to trust (JINTAN_PROXY_FIX_HOPS, werkzeug ProxyFix).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "")

# --- Logging ---------------------------------------------------------------------------------
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None   # stdout; "" turns it off
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# Text lines by default; GUNICORN_LOG_FORMAT=json (or JINTAN_LOG_FORMAT=json): one JSON object
# per line for access and error logs, with the request id the app returns as X-Request-ID.
logger_class = serving.logger_class
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s" %({x-request-id}o)s'

# --- Metrics ---------------------------------------------------------------------------------
# Off by default. JINTAN_METRICS_BIND=127.0.0.1:9101: Prometheus multiprocess mode, the master
# serves the aggregate on that (loopback) address; JINTAN_METRICS_DIR: a writable directory
# for the workers' samples (default: a new one under the temp dir, removed at exit).
serving.setup_metrics_dir()

# --- Process naming and control ----------------------------------------------------------------
proc_name = "jintan-reader"
# Where the master writes its pid (GUNICORN_PIDFILE; `make run`: build/gunicorn.pid), so that
# `kill -HUP $(cat build/gunicorn.pid)` publishes. Unset: none (systemd knows $MAINPID).
pidfile = os.environ.get("GUNICORN_PIDFILE") or None
# A file left by a crash may hold a pid the kernel has since given to another program: gunicorn
# would refuse to start ("Already running"). Removed unless it names our running master.
serving.clear_stale_pidfile(pidfile)
# gunicorn 27 opens a control socket under ~/.gunicorn by default: nothing outside the project.
control_socket_disable = True


# --- Server hooks ------------------------------------------------------------------------------
def on_reload(server):
    """HUP: remember which workers are the old generation (serving.Handoff)."""
    serving.on_reload(server)


def when_ready(server):
    """The master is listening: start the metrics endpoint if configured; end any hand-off
    when the master stops."""
    serving.watch_stop(server)
    serving.start_metrics_server(server)


def post_fork(server, worker):
    """In the new worker, before it loads the app: metrics environment (serving.post_fork)."""
    serving.post_fork(worker)


def post_worker_init(worker):
    """The worker loaded the current release: tell the old generation (hand-off)."""
    serving.post_worker_init(worker)


def child_exit(server, worker):
    """A worker exited: drop its live gauges, merge its counters (serving.mark_worker_dead)."""
    serving.mark_worker_dead(worker.pid)


def on_exit(server):
    serving.cleanup_metrics_dir()


def post_request(worker, req, environ, resp):
    """Yield to other connections after each request. A gevent greenlet serving a keep-alive
    connection whose next request is already buffered never blocks, so without this it can
    serve that connection for seconds while the worker's other readers wait (measured with
    wrk at 256 connections: p99 ~3 s and timeouts)."""
    cooperative = getattr(worker, "_jintan_gevent", None)
    if cooperative is None:   # any gevent worker (the hand-off one is a subclass), once
        cooperative = worker._jintan_gevent = any(
            c.__name__ == "GeventWorker" for c in type(worker).__mro__)
    if cooperative:
        import gevent
        gevent.sleep(0)

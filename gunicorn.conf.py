"""gunicorn production defaults. Every value can be overridden by an environment variable
(named beside it); `gunicorn --check-config -c gunicorn.conf.py` validates this file.
Layout follows gunicorn's examples/example_config.py. No secrets belong here.
"""

import multiprocessing
import os

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
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "1000"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))          # seconds a worker may be silent
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "20"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))       # seconds an idle keep-alive waits
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "0"))  # 0: never recycle workers
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
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")   # stdout
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s "%(r)s" %(s)s %(B)s %(M)sms "%(a)s"'

# --- Process naming and control ----------------------------------------------------------------
proc_name = "jintan-reader"
# gunicorn 27 opens a control socket under ~/.gunicorn by default: nothing outside the project.
control_socket_disable = True


# --- Server hooks ------------------------------------------------------------------------------
def post_request(worker, req, environ, resp):
    """Yield to other connections after each request. A gevent greenlet serving a keep-alive
    connection whose next request is already buffered never blocks, so without this it can
    serve that connection for seconds while the worker's other readers wait (measured with
    wrk at 256 connections: p99 ~3 s and timeouts)."""
    if worker.cfg.worker_class_str == "gevent":
        import gevent
        gevent.sleep(0)

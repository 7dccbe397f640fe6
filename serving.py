"""gunicorn-side machinery for Jintan Reader, used by ``gunicorn.conf.py``: a hand-off on
reload, JSON logs and the Prometheus endpoint of the master.

Kept out of the ``webapp`` package on purpose: the gunicorn master imports this module, and
importing ``webapp`` would load Flask and the whole app into the master before gevent
monkey-patches the workers (gunicorn's gevent worker patches after fork). Only the standard
library and gunicorn are imported at module level; gevent and prometheus_client are imported
where they are used.

**Hand-off on reload.** gunicorn's ``HUP`` handling (``Arbiter.reload``) forks the new workers
and at once sends ``SIGTERM`` to the old ones (``manage_workers``), before the new ones have
loaded the app. Without preload a worker needs about a second to boot (several on a busy
machine), so for that long no process accepts on the listening socket: connections wait in the
backlog and slow clients time out. :class:`Handoff` is a small shared-memory board created in
the master before any fork: ``on_reload`` records the generation boundary, each new worker
marks itself ready in ``post_worker_init``, and an old worker that receives ``SIGTERM`` during a
reload keeps serving until every new worker is ready — app loaded and warmed up
(:func:`warm_up`, ``GUNICORN_WARM_UP=0`` turns it off) — or ``GUNICORN_HANDOFF_TIMEOUT`` seconds
pass, then shuts down gracefully as gunicorn's worker would. If the new workers never boot (a
broken release), the old ones keep serving until that timeout.

**Logs.** ``GUNICORN_LOG_FORMAT=json`` (or ``JINTAN_LOG_FORMAT=json``) makes the access log and
the error log one JSON object per line (:class:`JsonLogger`); the app's own logger writes through
the same handlers (:mod:`webapp.web.observability`).

**Metrics.** ``JINTAN_METRICS_BIND=127.0.0.1:9101`` (unset by default: no metrics at all) turns
on prometheus_client's multiprocess mode: workers write their samples to
``JINTAN_METRICS_DIR`` (given, or a fresh directory under the system temp dir; emptied at
first start as the client's docs require; given to the workers, and only to them, as
``PROMETHEUS_MULTIPROC_DIR``), and the master serves the aggregate
(``MultiProcessCollector``) on that address, never on the public port. ``child_exit`` marks dead
workers (``mark_process_dead``) so their live gauges disappear, and merges their counters and
histograms into one file per type (:func:`merge_dead_worker`), so a publish (every worker
replaced) or a recycled worker leaves no file behind and no count is lost.

Sources: gunicorn's "Settings" (server hooks ``on_reload``, ``post_worker_init``,
``child_exit``, ``when_ready``; ``worker_class`` and ``logger_class`` accept a class) and
``gunicorn/arbiter.py`` (``reload``, ``manage_workers``); prometheus_client's "Multiprocess
Mode" page (prometheus.github.io/client_python/multiprocess).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import mmap
import os
import shutil
import struct
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

from gunicorn import glogging

# --- hand-off on reload -----------------------------------------------------------------------


class Handoff:
    """Shared state between the master and its workers for a reload.

    An anonymous ``MAP_SHARED`` mapping made before any fork: 8 bytes of generation boundary
    (the arbiter's ``worker_age`` when the reload began: workers older than it belong to the
    old generation), one byte set when the master is stopping, and one byte per new worker
    that has loaded the app.
    """

    SLOTS = 1024
    HEAD = 16            # boundary (8 bytes), stopping flag (1 byte), padding

    def __init__(self):
        self.mem = mmap.mmap(-1, self.HEAD + self.SLOTS)

    @property
    def boundary(self) -> int:
        """Age of the newest worker of the previous generation (0: no reload yet)."""
        return struct.unpack_from("<Q", self.mem, 0)[0]

    def begin(self, worker_age: int) -> None:
        """Master, ``on_reload``: workers up to ``worker_age`` are the old generation."""
        self.mem[self.HEAD:] = bytes(self.SLOTS)
        struct.pack_into("<Q", self.mem, 0, worker_age)

    def mark_ready(self, age: int) -> None:
        """New worker, ``post_worker_init``: it has loaded the app and is about to accept."""
        boundary = self.boundary
        if boundary and age > boundary:
            self.mem[self.HEAD + (age - boundary - 1) % self.SLOTS] = 1

    def ready(self) -> int:
        """How many workers of the new generation are ready."""
        return sum(self.mem[self.HEAD:])

    def stop(self) -> None:
        """Master, stopping: no worker waits for a new generation any more."""
        self.mem[8] = 1

    @property
    def stopping(self) -> bool:
        return bool(self.mem[8])

    def is_old(self, age: int) -> bool:
        """Whether a worker of ``age`` belongs to a generation a reload is replacing."""
        boundary = self.boundary
        return bool(boundary) and age <= boundary


HANDOFF = Handoff()   # made once, at the master's first import (this module is cached)


def handoff_timeout() -> float:
    """``GUNICORN_HANDOFF_TIMEOUT`` (seconds an old worker waits for the new ones; default 30;
    0 turns the hand-off off)."""
    return float(os.environ.get("GUNICORN_HANDOFF_TIMEOUT", "30"))


def gevent_handoff_worker():
    """The gevent worker class with the hand-off (gunicorn calls this function to get it:
    ``worker_class`` accepts a callable returning a class). Imported lazily so that importing
    this module does not import gevent."""
    from gunicorn.workers.ggevent import GeventWorker

    class HandoffGeventWorker(GeventWorker):
        """gunicorn's gevent worker, but ``SIGTERM`` during a reload waits for the new
        generation (see the module docstring)."""

        _handing_off = False

        def handle_exit(self, sig, frame):
            if self._handing_off:
                return
            if self.alive and handoff_timeout() > 0 and HANDOFF.is_old(self.age):
                import gevent
                self._handing_off = True
                gevent.spawn(self._exit_after_handoff)
                return
            super().handle_exit(sig, frame)

        def _exit_after_handoff(self):
            import gevent
            started = time.monotonic()
            deadline = started + handoff_timeout()
            while (HANDOFF.ready() < self.cfg.workers and not HANDOFF.stopping
                   and time.monotonic() < deadline):
                gevent.sleep(0.05)
            self.log.info("Handing over after %.1f s: %d of %d new workers ready",
                          time.monotonic() - started, HANDOFF.ready(), self.cfg.workers)
            self.alive = False

    return HandoffGeventWorker


def on_reload(arbiter) -> None:
    """Master, before it forks the new generation on ``HUP``."""
    HANDOFF.begin(arbiter.worker_age)


def watch_stop(arbiter) -> None:
    """Master, ``when_ready``: flag :attr:`Handoff.stopping` when the master stops (TERM,
    INT, QUIT), so old workers waiting for a new generation shut down with the rest.
    gunicorn has no hook before its ``Arbiter.stop``; this wraps the method on the instance."""
    original = arbiter.stop
    if getattr(original, "_jintan_watched", False):
        return

    def stop(graceful=True):
        HANDOFF.stop()
        return original(graceful)

    stop._jintan_watched = True
    arbiter.stop = stop


def warm_up(app, log=None) -> int:
    """Render one page of every type in every locale through ``app`` (the release check's
    list, :func:`webapp.web.pages.smoke_urls`): templates compile, catalogs load and the memo holds
    the most read pages before the worker accepts a connection. Returns the pages rendered;
    a failure is logged, never raised (the worker then renders on demand as usual)."""
    if os.environ.get("GUNICORN_WARM_UP", "1") == "0" or "reader" not in getattr(
            app, "extensions", {}):
        return 0
    started = time.monotonic()
    try:
        from webapp.web.pages import render_path, smoke_urls
        urls = smoke_urls(app)
        for url in urls:
            render_path(app, url)
    except Exception as exc:  # noqa: BLE001 - warming is an optimisation: serve anyway
        if log:
            log.warning("Warm-up failed: %s: %s", type(exc).__name__, exc)
        return 0
    if log:
        log.info("Warmed %d pages in %.2f s", len(urls), time.monotonic() - started)
    return len(urls)


def post_worker_init(worker) -> None:
    """Worker, after it loaded the app (gunicorn ``post_worker_init``): warm it up, then tell
    the old generation it is ready."""
    warm_up(worker.wsgi, worker.log)
    freeze_heap()
    HANDOFF.mark_ready(worker.age)


def freeze_heap() -> None:
    """Move every object the loaded app holds (modules, templates, Babel's locale data, the
    release index) into the garbage collector's permanent generation (``gc.freeze``, Python
    docs "gc — Garbage Collector interface"), so a full collection no longer walks them.

    Measured at 5,000 articles after 1,000 random pages: a full collection paused a worker
    31-40 ms before, 5-11 ms after; every connection that worker serves waits that long.
    """
    import gc
    gc.collect()
    gc.freeze()


# One token for "stop the master": a pipe holding one byte, made before any fork. Reading it
# is atomic, so exactly one failing worker takes it (gunicorn raises a second HaltServer, with
# a traceback, when two workers exit with APP_LOAD_ERROR while it is stopping).
_HALT_R, _HALT_W = os.pipe()
os.write(_HALT_W, b"!")
os.set_blocking(_HALT_R, False)


def boot_failure_exit_code() -> int:
    """Exit status for a worker whose app cannot load: at first start 4 for one worker
    (gunicorn's ``APP_LOAD_ERROR``: the master stops with "App failed to load", so a service
    manager sees the failure instead of a loop of dying workers) and 1 for the others; during
    a reload always 1 (the master respawns it while the old generation keeps serving)."""
    if HANDOFF.boundary:
        return 1
    try:
        return 4 if os.read(_HALT_R, 1) else 1
    except BlockingIOError:
        return 1


# --- pidfile ----------------------------------------------------------------------------------

def _cmdline(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [a.decode("utf-8", "replace") for a in raw.split(b"\0") if a]


def _ppid_and_start(pid: int) -> tuple[int, int] | None:
    """``(parent pid, start time in clock ticks after boot)`` from ``/proc/<pid>/stat``
    (proc(5), fields 4 and 22), or None when there is no such (live) process."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] == "Z":
        return None
    return int(fields[1]), int(fields[19])


def _boot_time() -> float:
    with open("/proc/stat") as fh:
        for line in fh:
            if line.startswith("btime "):
                return float(line.split()[1])
    return 0.0


def is_our_master(pid: int, pidfile: str | None = None) -> bool:
    """Whether ``pid`` is a live gunicorn master started with a ``gunicorn.conf.py`` (this
    project's config), read from ``/proc`` (Linux): its command line runs gunicorn with that
    config, its parent is not a process with the same command line (that would be one of its
    workers), and, given ``pidfile``, it started before the file was written (a pid the
    kernel gave to a new process after a crash or a reboot is refused even if it is a
    gunicorn). The current process counts as ours (the master re-reads this config on HUP)."""
    if pid == os.getpid():
        return True
    args = _cmdline(pid)
    titled = bool(args) and args[0].startswith("gunicorn: master [jintan-reader]")  # setproctitle
    if not titled and (not any(os.path.basename(a).startswith("gunicorn") for a in args[:3])
                       or not any(os.path.basename(a) == "gunicorn.conf.py" for a in args)):
        return False
    info = _ppid_and_start(pid)
    if info is None or _cmdline(info[0]) == args:
        return False
    if pidfile:
        try:
            written = os.stat(pidfile).st_mtime
        except OSError:
            return False
        started = _boot_time() + info[1] / os.sysconf("SC_CLK_TCK")
        if started > written + 1:      # clock ticks: 10 ms; btime: 1 s
            return False
    return True


def pidfile_master(pidfile: str) -> int | None:
    """The pid in ``pidfile`` if it names our live gunicorn master (:func:`is_our_master`),
    else None (no file, no number, a dead process, or another program's pid)."""
    try:
        pid = int(Path(pidfile).read_text().strip() or 0)
    except (OSError, ValueError):
        return None
    return pid if pid > 0 and is_our_master(pid, pidfile) else None


def clear_stale_pidfile(pidfile: str | None) -> bool:
    """Before gunicorn writes its pidfile: remove ``pidfile`` unless it names our live
    master. gunicorn itself refuses to start ("Already running on PID ...") whenever the pid
    in the file is alive, whatever process it is, so a file left by a crash or a power cut
    whose pid now belongs to another program kept the site down. Returns True if removed."""
    if not pidfile or not os.path.exists(pidfile) or pidfile_master(pidfile):
        return False
    try:
        os.unlink(pidfile)
    except OSError:
        return False
    print(f"removed stale pidfile {pidfile}: it did not name a running gunicorn master "
          "of this site", file=sys.stderr)
    return True


# --- JSON logs --------------------------------------------------------------------------------

def log_format() -> str:
    """``json`` or ``text``, from ``GUNICORN_LOG_FORMAT`` or ``JINTAN_LOG_FORMAT``."""
    value = os.environ.get("GUNICORN_LOG_FORMAT") or os.environ.get("JINTAN_LOG_FORMAT") or "text"
    return "json" if value.strip().lower() == "json" else "text"


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ``ts`` (UTC, ms), ``level``, ``logger``, ``pid``,
    ``message``; ``request_id`` when the record carries one (the app's records inside a
    request); ``exc`` with the traceback as one string."""

    def format(self, record: logging.LogRecord) -> str:
        out = {"ts": _now(), "level": record.levelname.lower(), "logger": record.name,
               "pid": record.process, "message": record.getMessage()}
        request_id = getattr(record, "request_id", None)
        if request_id:
            out["request_id"] = request_id
        if record.exc_info:
            out["exc"] = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        return json.dumps(out, ensure_ascii=False)


class JsonLogger(glogging.Logger):
    """gunicorn's logger with JSON lines (``logger_class``). Access records hold ``ts``,
    ``type: access``, ``remote``, ``method``, ``path`` (with the query, as received), ``status``,
    ``bytes``, ``duration_ms``, ``request_id``, ``route`` (the app's endpoint), ``referer``,
    ``user_agent`` and ``pid``; every value is a JSON string or number, so a client cannot
    forge a line."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status
        if isinstance(status, str):
            status = status.split(None, 1)[0]
        try:
            status = int(status)
        except (TypeError, ValueError):
            pass
        headers = {k.lower(): v for k, v in (resp.headers or [])}
        record = {
            "ts": _now(), "type": "access", "remote": environ.get("REMOTE_ADDR"),
            "method": environ.get("REQUEST_METHOD"), "path": environ.get("RAW_URI"),
            "protocol": environ.get("SERVER_PROTOCOL"), "status": status,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 3),
            "request_id": environ.get("reader.request_id") or headers.get("x-request-id"),
            "route": environ.get("reader.route"),
            "referer": environ.get("HTTP_REFERER"), "user_agent": environ.get("HTTP_USER_AGENT"),
            "pid": os.getpid(),
        }
        try:
            for handler in self.access_log.handlers:
                handler.stream.write(json.dumps(record, ensure_ascii=False) + "\n")
                handler.flush()
        except Exception:  # noqa: BLE001 - as gunicorn's own access(): log, never fail a request
            self.error(traceback.format_exc())


def logger_class():
    """The ``logger_class`` for the configured format."""
    return JsonLogger if log_format() == "json" else glogging.Logger


# --- metrics ----------------------------------------------------------------------------------

_metrics_dir_ready = False
_metrics_dir_created: str | None = None
_metrics_server = None


def metrics_bind() -> tuple[str, int] | None:
    """``(host, port)`` from ``JINTAN_METRICS_BIND`` (``host:port`` or a port on 127.0.0.1),
    or None when unset (metrics off). :raises SystemExit: one line for a malformed value."""
    value = os.environ.get("JINTAN_METRICS_BIND", "").strip()
    if not value:
        return None
    host, _, port = value.rpartition(":")
    try:
        number = int(port)
        if not 0 < number < 65536:
            raise ValueError
    except ValueError:
        sys.exit(f"JINTAN_METRICS_BIND={value!r}: give host:port, e.g. 127.0.0.1:9101")
    return (host.strip("[]") or "127.0.0.1"), number


def setup_metrics_dir() -> str | None:
    """When metrics are on, make the samples directory (``JINTAN_METRICS_DIR``, else a new one
    under the temp dir) exist and be empty of samples. Runs once per master: a ``HUP`` re-reads
    the config, and the samples of the workers a reload retires must stay. Returns the
    directory, or None when metrics are off."""
    global _metrics_dir_ready, _metrics_dir_created
    if metrics_bind() is None:
        return None
    if not _metrics_dir_ready:
        path = os.environ.get("JINTAN_METRICS_DIR")
        if path:
            os.makedirs(path, exist_ok=True)
            for name in os.listdir(path):
                if name.endswith(".db"):
                    os.unlink(os.path.join(path, name))
        else:
            path = _metrics_dir_created = tempfile.mkdtemp(prefix="jintan-metrics-")
        os.environ["JINTAN_METRICS_DIR"] = path
        _metrics_dir_ready = True
    return os.environ["JINTAN_METRICS_DIR"]


def worker_metrics_env() -> None:
    """Worker, ``post_fork`` (before the app is imported): point prometheus_client at the
    samples directory. Only gunicorn workers get ``PROMETHEUS_MULTIPROC_DIR``, so a release
    build or a test that creates the app records nothing."""
    if _metrics_dir_ready:
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = os.environ["JINTAN_METRICS_DIR"]
        # prometheus_client picks its value class when ``prometheus_client.values`` is first
        # imported; the master imported it (metrics server) before the fork, without the
        # variable: choose again now that it is set.
        values = sys.modules.get("prometheus_client.values")
        if values is not None:
            values.ValueClass = values.get_value_class()


def start_metrics_server(arbiter) -> None:
    """Master, ``when_ready``: serve the workers' aggregated samples on ``JINTAN_METRICS_BIND``
    (prometheus_client ``start_http_server`` with a ``MultiProcessCollector`` registry, in a
    daemon thread of the master)."""
    global _metrics_server
    bind = metrics_bind()
    if bind is None or _metrics_server is not None:
        return
    from prometheus_client import CollectorRegistry, start_http_server
    from prometheus_client.multiprocess import MultiProcessCollector

    class Collector(MultiProcessCollector):
        """Reads the samples while no dead worker's files are being merged (the collector
        raises when a counter file disappears between its listing and its read)."""

        def collect(self):
            with _MERGE_LOCK:
                return list(super().collect())

    path = setup_metrics_dir()
    registry = CollectorRegistry()
    Collector(registry, path=path)
    _metrics_server, _thread = start_http_server(bind[1], addr=bind[0], registry=registry)
    arbiter.log.info("Metrics at http://%s:%d/metrics (samples in %s)", bind[0], bind[1], path)


def post_fork(worker=None) -> None:
    """Worker, ``post_fork``: close the copy of the master's metrics listener and export the
    samples directory to prometheus_client; log the worker's request limit when workers are
    recycled (``max_requests`` plus its own ``randint(0, max_requests_jitter)``, gunicorn
    ``workers/base.py``)."""
    if worker is not None and worker.cfg.max_requests > 0:
        worker.log.info("Worker %s will be recycled after %d requests", worker.pid,
                        worker.max_requests)
    if _metrics_server is not None:
        _metrics_server.socket.close()
    worker_metrics_env()


_MERGE_LOCK = threading.Lock()   # the master's scrapes (a thread) against child_exit merges
MERGED_TYPES = ("counter", "histogram", "summary")   # the collector sums these across files


def merge_dead_worker(pid: int, path: str) -> int:
    """Add the samples of the dead worker ``pid`` (``<type>_<pid>.db``, for the types the
    collector sums across processes) to ``<type>_merged.db`` and delete its files; returns the
    files removed. Totals stay exactly what they were, and the folder holds the live workers'
    files plus one merged file per type, however many workers have come and gone (without
    this, two files per worker per publish stayed until the master stopped).

    Histogram buckets are stored per bucket, not cumulative, in these files, so adding values
    key by key is what the collector does itself (prometheus_client ``MultiProcessCollector``,
    ``mmap_dict.MmapedDict``). Runs in the master under the scrape lock."""
    from prometheus_client.mmap_dict import MmapedDict
    removed = 0
    with _MERGE_LOCK:
        for typ in MERGED_TYPES:
            dead = os.path.join(path, f"{typ}_{pid}.db")
            if not os.path.exists(dead):
                continue
            merged = MmapedDict(os.path.join(path, f"{typ}_merged.db"))
            try:
                for key, value, timestamp, _pos in MmapedDict.read_all_values_from_file(dead):
                    old, _ts = merged.read_value(key)
                    merged.write_value(key, old + value, timestamp)
            finally:
                merged.close()
            os.unlink(dead)
            removed += 1
    return removed


def mark_worker_dead(pid: int) -> None:
    """Master, ``child_exit``: drop the dead worker's live gauges (``mark_process_dead``) and
    merge its counters and histograms into the totals (:func:`merge_dead_worker`)."""
    if _metrics_dir_ready:
        from prometheus_client import multiprocess
        path = os.environ["JINTAN_METRICS_DIR"]
        multiprocess.mark_process_dead(pid, path=path)
        merge_dead_worker(pid, path)


def cleanup_metrics_dir() -> None:
    """Master, ``on_exit``: remove a metrics directory this module created."""
    if _metrics_dir_created:
        shutil.rmtree(_metrics_dir_created, ignore_errors=True)

"""The one server harness of the tests, the benchmarks and the screenshots: a release tree in a
folder of its own, and the production server (gunicorn with the project's ``gunicorn.conf.py``)
on a free loopback port, as an operator runs them.

- :class:`ReleaseTree`: article and catalog sources (copies of the project's, a synthetic
  archive, or folders named by the caller) and a ``JINTAN_BUILD_DIR``; :meth:`ReleaseTree.build`
  runs ``python -m webapp.publish.build`` on them (``make release``), and its editing helpers
  change a source the way the newsroom does.
- :class:`Gunicorn`: ``gunicorn -c gunicorn.conf.py`` on ``127.0.0.1:<free port>`` serving a
  tree, with a pidfile (``GUNICORN_PIDFILE``, as ``make run`` writes one); started, waited for
  until every worker serves the tree's current release, ``HUP``-ed (:meth:`Gunicorn.deploy`:
  build, HUP, wait, as ``make publish`` does) and stopped by its pid.
- :func:`site_server`: a server of its own release of the project (or of named sources), whose
  absolute URLs are its own address: for screenshots, benchmarks and browser tests.

``make run`` and ``make publish`` stay the production commands (gunicorn in the foreground and
scripts/publish.py); the harness uses their rules rather than restating them: the pidfile check
(``serving.pidfile_master``) and "the new release is live" (``after_reload.wait_for_release``).
nginx, Varnish and wrk for the operations tests and ``make bench`` are in scripts/servers.py.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import serving
from scripts.after_reload import served_release, wait_for_release
from scripts.processes import free_port, stop_process
from webapp import contract

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
SEED = "jintan-new-energy"
START_TIMEOUT = 120   # seconds; a worker loads the release index at boot (~1 s at 5,000 articles)

__all__ = ["GUNICORN", "PYTHON", "ROOT", "SEED", "Gunicorn", "ReleaseTree", "children",
           "fetch", "free_port", "get", "site_server", "stop_process", "wait_for"]


def get(url: str, headers: dict | None = None, method: str = "GET",
        timeout: float = 10) -> tuple[int, dict, bytes]:
    """``(status, headers, body)`` of one request; HTTP errors are returned, not raised.
    Header names in the returned dict are lower-case.
    :raises OSError: when no answer comes (refused, reset, timed out)."""
    req = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read()
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def fetch(url: str, headers: dict | None = None, timeout: float = 10) -> tuple[bytes, dict]:
    """``(body, lower-case headers)`` of a GET that must answer 200 (a benchmark's download).
    :raises RuntimeError: on any other status. :raises OSError: when no answer comes."""
    status, got, body = get(url, headers, timeout=timeout)
    if status != 200:
        raise RuntimeError(f"GET {url}: {status}")
    return body, got


def _tail(log: Path | None) -> str:
    return log.read_text(errors="replace")[-3000:] if log and log.exists() else ""


def wait_for(url: str, timeout: float = 30, proc: subprocess.Popen | None = None,
             log: Path | None = None) -> float:
    """Poll ``url`` until it answers 200; return the seconds waited.
    :raises RuntimeError: when ``proc`` exits or ``timeout`` passes (with the log's tail)."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} exited with {proc.returncode}:\n{_tail(log)}")
        try:
            if get(url, timeout=2)[0] == 200:
                return time.monotonic() - start
        except OSError:
            pass
        time.sleep(0.05)   # polling another process: there is no event to await
    raise RuntimeError(f"{url} did not answer 200 within {timeout} s\n{_tail(log)}")


def children(pid: int) -> list[int]:
    """Sorted pids of the live (not zombie) processes whose parent is ``pid``, read from
    ``/proc/<pid>/stat`` (proc(5): field 3 the state, field 4 the parent)."""
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        if int(fields[1]) == pid and fields[0] != "Z":
            out.append(int(stat.parent.name))
    return sorted(out)


class ReleaseTree:
    """Article and catalog sources and a build directory (``root/build``) for releases.

    :param root: the tree's folder. Sources are ``root/content`` and ``root/translations``:
        copies of the project's (without compiled ``.mo``) made when ``root/content`` does not
        exist yet, else used as they are (a tree copied or written by the caller).
    :param site_url: ``JINTAN_SITE_URL`` of its builds (None: the configuration's default).
    :param content: sources elsewhere, used in place and not copied (with ``translations``;
        default then the project's catalogs).
    :param render_check: ``JINTAN_RENDER_CHECK`` of its builds (None: the default, ``changed``).
    A ``root/static`` folder, when present (:meth:`edit_css`), is the tree's ``JINTAN_STATIC_DIR``.
    """

    def __init__(self, root: Path, site_url: str | None = None, *, content: Path | None = None,
                 translations: Path | None = None, render_check: str | None = None):
        self.root = Path(root)
        self.content = Path(content) if content else self.root / "content"
        self.translations = (Path(translations) if translations
                             else ROOT / "translations" if content else self.root / "translations")
        self.build_dir = self.root / "build"
        if content is None and not self.content.exists():
            shutil.copytree(ROOT / "content", self.content)
            shutil.copytree(ROOT / "translations", self.translations,
                            ignore=shutil.ignore_patterns("*.mo"))
        self.env = {"JINTAN_CONTENT_DIR": str(self.content),
                    "JINTAN_TRANSLATIONS_DIR": str(self.translations),
                    "JINTAN_BUILD_DIR": str(self.build_dir)}
        if site_url:
            self.env["JINTAN_SITE_URL"] = site_url
        if render_check:
            self.env["JINTAN_RENDER_CHECK"] = render_check
        if (self.root / "static").is_dir():
            self.env["JINTAN_STATIC_DIR"] = str(self.root / "static")

    @classmethod
    def synthetic(cls, root: Path, articles: int) -> ReleaseTree:
        """A synthetic archive of ``articles`` articles (scripts/synth.py), written into
        ``root`` unless it holds that archive already (a folder kept between runs); its builds
        render one page of each type (``JINTAN_RENDER_CHECK=smoke``), not 30,000 pages."""
        from scripts import synth
        if len(list((Path(root) / "content").glob("*.md"))) != articles:
            synth.generate(articles, Path(root))
        return cls(root, render_check="smoke")

    def build(self, check: bool = True) -> subprocess.CompletedProcess:
        """Build a release and switch ``current`` to it (``python -m webapp.publish.build``,
        the ``make release`` step), output captured as text.
        :raises RuntimeError: with the build's ``file:line: message`` output when it fails
            and ``check`` is true."""
        proc = subprocess.run([PYTHON, "-m", "webapp.publish.build"], cwd=ROOT, capture_output=True,
                              text=True, env={**os.environ, "PYTHONPATH": str(ROOT), **self.env,
                                              "PYTHONDONTWRITEBYTECODE": "1"}, timeout=600,
                              check=False)
        if check and proc.returncode:
            raise RuntimeError(f"release build failed:\n{proc.stdout}{proc.stderr}")
        return proc

    @property
    def current(self) -> str | None:
        """Id of the release ``releases/current`` points at (None before the first build)."""
        return contract.current_id(self.build_dir)

    # --- editing the sources, as the newsroom does -----------------------------------------

    def article(self, slug: str) -> Path:
        """Path of the article file ``slug`` in the tree's content."""
        return self.content / f"{slug}.md"

    def replace(self, slug: str, old: str, new: str) -> None:
        """Edit article ``slug``: its one occurrence of ``old`` becomes ``new``.
        :raises AssertionError: when ``old`` does not occur exactly once."""
        path = self.article(slug)
        text = path.read_text("utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
        path.write_text(text.replace(old, new), "utf-8")

    def edit_css(self, extra: str) -> Path:
        """Append ``extra`` to the tree's own copy of ``static/css/site.css`` (made on first
        use from the project's ``static/``); the next :meth:`build` gives it a new hash."""
        static = self.root / "static"
        if not static.is_dir():
            shutil.copytree(ROOT / "static", static)
            self.env["JINTAN_STATIC_DIR"] = str(static)
        css = static / "css" / "site.css"
        css.write_text(css.read_text("utf-8") + extra, "utf-8")
        return css

    def po(self, locale: str = "en", slug: str = SEED) -> Path:
        """Path of an article catalog in the tree's translations."""
        return self.translations / locale / "LC_MESSAGES" / "articles" / f"{slug}.po"

    def set_msgstr(self, msgctxt: str, text: str, locale: str = "en", slug: str = SEED) -> None:
        """Replace the translation of the entry ``msgctxt`` in an article catalog (one-line
        msgstr, as the seed catalogs have). :raises ValueError: when there is no such entry."""
        path = self.po(locale, slug)
        src = path.read_text("utf-8")
        pattern = re.compile(rf'(msgctxt "{re.escape(msgctxt)}"\nmsgid "(?:[^"\\]|\\.)*"\n'
                             r'msgstr )"(?:[^"\\]|\\.)*"')
        new, n = pattern.subn(lambda m: m.group(1) + json.dumps(text, ensure_ascii=False), src)
        if n != 1:
            raise ValueError(f"{path}: no one-line entry {msgctxt!r}")
        path.write_text(new, "utf-8")

    def add_article(self, slug: str, title: str) -> Path:
        """A new article: the seed article's file under another slug and title (untranslated)."""
        src = self.article(SEED).read_text("utf-8")
        src = re.sub(r'^title: .*$', f"title: {json.dumps(title, ensure_ascii=False)}", src,
                     count=1, flags=re.MULTILINE)
        path = self.article(slug)
        path.write_text(src, "utf-8")
        return path


class Gunicorn:
    """``gunicorn -c gunicorn.conf.py`` on ``127.0.0.1:<free port>``, serving ``tree``'s build.

    :param tree: the release tree it serves (None: ``env`` names the folders).
    :param env: extra environment (``WEB_CONCURRENCY``, default 2; ``JINTAN_*``, ``GUNICORN_*``).
    :param log: gunicorn's output (default ``<tree>/gunicorn-<port>.log``); the pidfile is
        beside it (``.pid``) unless ``env`` names one with ``GUNICORN_PIDFILE``.
    :param app_dir: the application folder (its ``gunicorn.conf.py``; default the project).
    :param prefix: a command that execs gunicorn in its own process (read-only mounts).
    :param port: the port (default: a free one).
    """

    def __init__(self, tree: ReleaseTree | None, env: dict | None = None,
                 log: Path | None = None, app_dir: Path = ROOT,
                 prefix: list[str] | None = None, port: int | None = None):
        self.tree, self.app_dir, self.prefix = tree, Path(app_dir), prefix or []
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = Path(log or tree.root / f"gunicorn-{self.port}.log")
        self.env = {**os.environ, **(tree.env if tree else {}), "WEB_CONCURRENCY": "2",
                    "PYTHONDONTWRITEBYTECODE": "1",
                    "GUNICORN_PIDFILE": str(self.log.with_suffix(".pid")), **(env or {}),
                    "GUNICORN_BIND": f"127.0.0.1:{self.port}"}
        self.pidfile = Path(self.env["GUNICORN_PIDFILE"])
        self.proc: subprocess.Popen | None = None
        self.started_at = 0.0

    @property
    def build_dir(self) -> Path:
        """The ``JINTAN_BUILD_DIR`` it serves."""
        return Path(self.env.get("JINTAN_BUILD_DIR") or self.app_dir / "build")

    @property
    def worker_count(self) -> int:
        """The workers it runs (``WEB_CONCURRENCY``)."""
        return int(self.env["WEB_CONCURRENCY"])

    @property
    def serves_release(self) -> bool:
        """Whether it runs the reader app (not another ``GUNICORN_WSGI_APP``, such as the
        benchmark's bare Flask view) on a tree with a current release."""
        return (self.tree is not None and self.tree.current is not None
                and self.env.get("GUNICORN_WSGI_APP", "wsgi:app") == "wsgi:app")

    def worker_rss_mb(self) -> list[float]:
        """Resident memory of each live worker, in MiB (``VmRSS`` of ``/proc/<pid>/status``)."""
        sizes = []
        for pid in self.workers():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue   # the worker ended while we looked
            sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024)
        return sizes

    def start(self, wait: bool = True, path: str = "/healthz") -> Gunicorn:
        """Start gunicorn; with ``wait``, until ``path`` answers 200 and then, when it
        :attr:`serves_release`, until every worker runs and ``/readyz`` reports it (stopped if
        it never does).
        :raises RuntimeError: when gunicorn exits or is not ready within :data:`START_TIMEOUT`."""
        cmd = [*self.prefix, GUNICORN, "-c", str(self.app_dir / "gunicorn.conf.py")]
        with self.log.open("ab") as log:   # the child keeps its own copy of the descriptor
            self.started_at = time.monotonic()
            self.proc = subprocess.Popen(cmd, cwd=self.app_dir, env=self.env, stdout=log,
                                         stderr=subprocess.STDOUT)
        if wait:
            try:
                self.wait_ready(path, START_TIMEOUT)
                if self.serves_release:
                    self.wait_release(self.tree.current)
            except BaseException:
                self.stop()   # never leave a server behind a failed start
                raise
        return self

    def wait_ready(self, path: str = "/healthz", timeout: float = 60) -> float:
        """Seconds from :meth:`start` until ``path`` answered 200.
        :raises RuntimeError: when gunicorn exits or ``timeout`` passes."""
        wait_for(self.url + path, timeout, self.proc, self.log)
        return time.monotonic() - self.started_at

    @property
    def master_pid(self) -> int:
        """The gunicorn master's pid: the one its pidfile names once it is checked to be our
        master (``serving.pidfile_master``, as ``make publish`` checks it), else the started
        process's (a ``prefix`` command must exec gunicorn, keeping the pid)."""
        return serving.pidfile_master(str(self.pidfile)) or self.proc.pid

    def workers(self) -> list[int]:
        """Pids of the master's live worker processes."""
        return children(self.master_pid)

    def wait_workers(self, count: int, exclude: set[int] = frozenset(),
                     timeout: float = 30) -> list[int]:
        """Wait until exactly ``count`` workers run and none is in ``exclude``; their pids.
        :raises RuntimeError: after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pids = self.workers()
            if len(pids) == count and not set(pids) & set(exclude):
                return pids
            time.sleep(0.1)
        raise RuntimeError(f"workers {self.workers()} (wanted {count}, none of {exclude})")

    def ready_release(self) -> str | None:
        """The release id ``/readyz`` reports on a new connection, or None if unreachable."""
        return served_release(self.url)

    def wait_release(self, release: str, exclude: set[int] = frozenset(),
                     timeout: float = START_TIMEOUT) -> None:
        """Wait until all :attr:`worker_count` workers run, none of them in ``exclude`` (the
        generation before a HUP), and ten answers of ``/readyz`` in a row on new connections
        report ``release`` (``after_reload.wait_for_release``, the rule ``make publish`` uses).
        :raises RuntimeError: when gunicorn exits or ``timeout`` passes (with the log's tail)."""
        started = time.monotonic()
        self.wait_workers(self.worker_count, exclude, timeout)
        left = timeout - (time.monotonic() - started)
        if not wait_for_release(self.url, release, max(left, 1)):
            state = "exited" if self.proc.poll() is not None else f"served {self.ready_release()}"
            raise RuntimeError(f"{self.url} did not serve release {release} within {timeout} s"
                               f" ({state}):\n{_tail(self.log)}")

    def signal(self, sig: int) -> None:
        """Send ``sig`` to the master."""
        os.kill(self.master_pid, sig)

    def hup(self) -> None:
        """``kill -HUP <master>``: what ``systemctl reload`` sends after the release build."""
        self.signal(signal.SIGHUP)

    def deploy(self) -> str:
        """Publish as ``make publish`` does: build a release of the tree's sources, HUP the
        master, and return its id once the old workers are gone and the new ones serve it.
        :raises RuntimeError: when the build fails or the release is not served in time."""
        self.tree.build()
        release = self.tree.current
        old = set(self.workers())
        self.hup()
        self.wait_release(release, exclude=old)
        return release

    def get(self, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
        """``(status, lower-case headers, body)`` of a GET of ``path`` (see :func:`get`)."""
        return get(self.url + path, headers)

    def log_text(self) -> str:
        """gunicorn's output so far (access and error logs)."""
        return self.log.read_text("utf-8", errors="replace")

    def stop(self) -> None:
        """SIGTERM to the master (graceful), SIGKILL after 15 s; waits for it."""
        stop_process(self.proc, 15)

    def __enter__(self):
        return self.start() if self.proc is None else self

    def __exit__(self, *exc):
        self.stop()


def site_server(workdir: Path, env: dict | None = None) -> Gunicorn:
    """A server (not started: call :meth:`Gunicorn.start`) of its own release, built now
    unless ``workdir/build`` holds one: the project's sources, or the folders ``env`` names
    with ``JINTAN_CONTENT_DIR`` and ``JINTAN_TRANSLATIONS_DIR``, used in place; absolute URLs
    (``JINTAN_SITE_URL``) are its own address unless ``env`` names another.
    :raises RuntimeError: when the build fails."""
    env = dict(env or {})
    port = free_port()
    tree = ReleaseTree(workdir, env.pop("JINTAN_SITE_URL", f"http://127.0.0.1:{port}"),
                       content=Path(env.pop("JINTAN_CONTENT_DIR", ROOT / "content")),
                       translations=env.pop("JINTAN_TRANSLATIONS_DIR", None))
    tree.env.update({k: v for k, v in env.items() if k.startswith("JINTAN_")})
    if tree.current is None:
        tree.build()
    return Gunicorn(tree, env=env, port=port)

"""The servers in front of gunicorn for `make bench` and the operations tests (tests/ops): nginx
and Varnish from Debian with the deploy/ configurations, wrk, and readers loading pages. The
release tree and gunicorn itself are scripts/harness.py's. Every server listens on a free
127.0.0.1 port, is started by the test run and stopped by its pid; nothing here touches system
services.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import threading
from pathlib import Path

from scripts.harness import ROOT, SEED, free_port, get, stop_process, wait_for
from webapp import contract

ARTICLE = f"/en/{SEED}/"


def tool(name: str) -> str | None:
    """Path of a command (``PATH`` or ``/usr/sbin``), or None."""
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin")


def raw_request(port: int, data: bytes, timeout: float = 5) -> bytes:
    """Send raw bytes to 127.0.0.1:``port`` and read until the server closes (for headers
    that urllib would not send as given, such as an arbitrary ``Host``)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


class Daemon:
    """A foreground server process (nginx ``daemon off``, ``varnishd -F``) in ``workdir``."""

    name = "daemon"

    def __init__(self, workdir: Path):
        self.workdir = Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.workdir.chmod(0o755)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = self.workdir / f"{self.name}.log"
        self.proc: subprocess.Popen | None = None

    def command(self) -> list[str]:
        """The server's command line (foreground)."""
        raise NotImplementedError

    def start(self, probe: str = "/healthz") -> Daemon:
        """Start the server and wait until ``probe`` answers 200 through it.
        :raises RuntimeError: when it exits or does not answer within 30 s (stopped then)."""
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(self.command(), stdout=log, stderr=subprocess.STDOUT,
                                         cwd=self.workdir)
        try:
            wait_for(self.url + probe, 30, self.proc, self.log)
        except BaseException:
            self.stop()   # never leave a server behind a failed start
            raise
        return self

    def stop(self) -> None:
        """SIGTERM to the server's pid, SIGKILL after 10 s."""
        stop_process(self.proc, 10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def render_template(path: Path, **values) -> str:
    """``path``'s text with every ``@NAME@`` replaced by ``values[NAME]`` (the deploy/
    configurations use these placeholders for ports and paths)."""
    text = path.read_text("utf-8")
    for key, value in values.items():
        text = text.replace(f"@{key}@", str(value))
    left = re.findall(r"@[A-Z_]+@", text)
    if left:
        raise ValueError(f"{path}: unfilled placeholders {sorted(set(left))}")
    return text


class Nginx(Daemon):
    """nginx with ``deploy/nginx/jintan.conf`` (proxy_cache) in front of ``backend``, inside a
    minimal main configuration of our own (pid, logs and temp paths in ``workdir``)."""

    name = "nginx"

    def __init__(self, workdir: Path, backend_port: int, extra_http: str = "",
                 site_conf: str | None = None, workers: int = 1,
                 more_backends: tuple[int, ...] = ()):
        super().__init__(workdir)
        self.cache = self.workdir / "cache"
        self.cache.mkdir(exist_ok=True)
        site = site_conf if site_conf is not None else render_template(
            ROOT / "deploy" / "nginx" / "jintan.conf", LISTEN=f"127.0.0.1:{self.port}",
            BACKEND=f"127.0.0.1:{backend_port}", CACHE_DIR=self.cache, SERVER_NAME="127.0.0.1")
        if more_backends:   # scale-out: one `server` line per further origin, as an operator adds
            first = f"    server 127.0.0.1:{backend_port};\n"
            assert first in site, "upstream block not found"
            site = site.replace(first, first + "".join(
                f"    server 127.0.0.1:{p};\n" for p in more_backends), 1)
        (self.workdir / "site.conf").write_text(site)
        w = self.workdir
        (w / "nginx.conf").write_text(f"""
worker_processes {workers};
pid {w}/nginx.pid;
error_log {w}/error.log warn;
daemon off;
user root;
events {{ worker_connections 4096; }}
http {{
  include /etc/nginx/mime.types;
  access_log off;
  sendfile on; tcp_nopush on;   # as in Debian's /etc/nginx/nginx.conf
  client_body_temp_path {w}/client; proxy_temp_path {w}/proxy;
  fastcgi_temp_path {w}/fastcgi; uwsgi_temp_path {w}/uwsgi; scgi_temp_path {w}/scgi;
  {extra_http}
  include {w}/site.conf;
}}
""")

    def command(self) -> list[str]:
        return [tool("nginx") or "nginx", "-c", str(self.workdir / "nginx.conf"),
                "-p", str(self.workdir)]


class Varnish(Daemon):
    """varnishd in the foreground with ``deploy/varnish/default.vcl`` pointed at ``backend``;
    its working directory (``-n``) and the VCL live in ``workdir``."""

    name = "varnish"

    def __init__(self, workdir: Path, backend_port: int, params: list[str] | None = None,
                 storage: str = "malloc,64m"):
        super().__init__(workdir)
        self.vcl = self.workdir / "default.vcl"
        self.vcl.write_text(render_template(ROOT / "deploy" / "varnish" / "default.vcl",
                                            BACKEND_HOST="127.0.0.1", BACKEND_PORT=backend_port))
        self.params, self.storage = params or [], storage

    def command(self) -> list[str]:
        cmd = [tool("varnishd") or "varnishd", "-F", "-f", str(self.vcl),
               "-a", f"127.0.0.1:{self.port}", "-n", str(self.workdir / "n"),
               "-s", self.storage, "-T", "none",
               # no privilege separation: the test's temporary folders are private to root
               "-j", "none"]
        for p in self.params:
            cmd += ["-p", p]
        return cmd

    def purge(self, path: str) -> int:
        """PURGE ``path`` (from loopback, which the VCL trusts); returns the status."""
        return get(self.url + path, method="PURGE")[0]


ASSET_RE = re.compile(r'<(?:link|script)\b[^>]*?(?:href|src)="(/static/[^"?#]+\.(?:css|js))"')


def linked_assets(body: str) -> list[str]:
    """The stylesheets and scripts (``/static/...css|js``) a page's HTML links."""
    return ASSET_RE.findall(body)


INLINE_RE = re.compile(r"<(script|style)((?:\s[^>]*)?)>(.*?)</\1>", re.S)


def inline_elements(body: str, csp: str) -> list[tuple[str, str, bool]]:
    """The inline ``<script>`` (not JSON-LD data) and ``<style>`` elements of a page:
    ``(tag, "sha256-…" of its text, whether the CSP header value ``csp`` allows it by that
    hash in script-src/style-src)``, as a browser decides (CSP Level 3 §8.4)."""
    sources = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.split()}
    out = []
    for tag, attrs, text in INLINE_RE.findall(body):
        if "src=" in attrs or "application/ld+json" in attrs:
            continue
        digest = contract.csp_hash(text.encode("utf-8"))
        out.append((tag, digest, f"'{digest}'" in sources.get(f"{tag}-src", [])))
    return out


class PageLoads:
    """Readers loading pages as a browser does: each page on a new connection, then every
    stylesheet and script it links, until :meth:`stop`. Counts page loads, failed ones (the
    page or a linked script not 200, a socket error, or an inline script the response's CSP
    does not allow by hash) and unstyled ones (a linked stylesheet not 200, or an inline
    ``<style>`` the response's CSP refuses), and which stylesheets the pages used: linked URLs,
    and ``inline:sha256-…`` for a stylesheet carried in the page (docs/architecture.md §4).

    :param base: ``http://127.0.0.1:PORT`` (gunicorn or a cache in front).
    :param paths: page paths, taken in turn.
    :param threads: concurrent readers.
    """

    def __init__(self, base: str, paths: list[str], threads: int = 4):
        self.base, self.paths = base, paths
        self.loads = self.failed = self.unstyled = 0
        self.bad: list[tuple[str, int | str]] = []      # (url, status or error)
        self.stylesheets: dict[str, int] = {}           # css URL -> pages that linked it
        self._lock, self._stop = threading.Lock(), threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(i,), daemon=True)
                         for i in range(threads)]

    def start(self) -> PageLoads:
        """Start the reader threads; returns self."""
        for t in self._threads:
            t.start()
        return self

    def stop(self) -> PageLoads:
        """Let each reader finish its page load, then return self with the counts."""
        self._stop.set()
        for t in self._threads:
            t.join(30)
        return self

    def _fetch(self, path: str) -> tuple[int | str, bytes, dict]:
        try:
            status, headers, body = get(self.base + path, headers={"Connection": "close"})
            return status, body, headers
        except OSError as exc:
            return type(exc).__name__, b"", {}

    def _run(self, i: int) -> None:
        n = i
        while not self._stop.is_set():
            path = self.paths[n % len(self.paths)]
            n += 1
            self._load(path)

    def _load(self, path: str) -> None:
        status, body, headers = self._fetch(path)
        failed = unstyled = False
        bad = []
        css = []
        if status != 200:
            failed = True
            bad.append((path, status))
        else:
            html = body.decode("utf-8", "replace")
            for tag, digest, allowed in inline_elements(html, headers.get("content-security-policy", "")):
                if tag == "style":
                    css.append(f"inline:{digest}")
                if not allowed:
                    bad.append((f"{path} inline <{tag}>", "refused by the CSP"))
                    unstyled = unstyled or tag == "style"
                    failed = failed or tag == "script"
            for url in linked_assets(html):
                st, _, _ = self._fetch(url)
                if url.endswith(".css"):
                    css.append(url)
                if st != 200:
                    bad.append((url, st))
                    unstyled = unstyled or url.endswith(".css")
                    failed = failed or url.endswith(".js")
        with self._lock:
            self.loads += 1
            self.failed += failed
            self.unstyled += unstyled
            self.bad += bad
            for url in css:
                self.stylesheets[url] = self.stylesheets.get(url, 0) + 1

    def summary(self) -> str:
        """One line: loads, failed, unstyled, stylesheets seen and the first bad answers."""
        return (f"{self.loads} page loads, {self.failed} failed, {self.unstyled} unstyled; "
                f"stylesheets {self.stylesheets}; bad {self.bad[:5]}")


WRK_REPORT = r"""
local counters = {}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args)
  stats = {s2xx=0, s3xx=0, s4xx=0, s5xx=0, old=0, new=0, mixed=0, neither=0}
  old_marks, new_marks = {}, {}
  for m in string.gmatch(os.getenv("WRK_OLD") or "", "[^|]+") do table.insert(old_marks, m) end
  for m in string.gmatch(os.getenv("WRK_NEW") or "", "[^|]+") do table.insert(new_marks, m) end
  paths = {}
  for p in string.gmatch(os.getenv("WRK_PATHS") or "/", "[^|]+") do table.insert(paths, p) end
  n = 0
end
function request()
  n = n + 1
  return wrk.format("GET", paths[(n % #paths) + 1])
end
local function count(body, marks)
  local c = 0
  for _, m in ipairs(marks) do if string.find(body, m, 1, true) then c = c + 1 end end
  return c
end
function response(status, headers, body)
  local k = "s" .. math.floor(status / 100) .. "xx"
  stats[k] = (stats[k] or 0) + 1
  if #old_marks > 0 and status == 200 then
    local o, w = count(body, old_marks), count(body, new_marks)
    if o == #old_marks and w == 0 then stats.old = stats.old + 1
    elseif w == #new_marks and o == 0 then stats.new = stats.new + 1
    elseif o + w == 0 then stats.neither = stats.neither + 1
    else stats.mixed = stats.mixed + 1 end
  end
end
function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local s = t:get("stats")
    for k, v in pairs(s) do total[k] = (total[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(total) do table.insert(parts, string.format('"%s": %d', k, v)) end
  io.write("WRKJSON {" .. table.concat(parts, ", ") .. "}\n")
end
"""


def wrk(url: str, connections: int = 64, duration: float = 8, threads: int = 2,
        headers: dict | None = None, paths: list[str] | None = None,
        old: list[str] | None = None, new: list[str] | None = None,
        timeout: str = "5s", workdir: Path | None = None,
        background: bool = False):
    """Run wrk against ``url`` and return its figures: ``rps``, ``requests``, ``p50_ms``,
    ``p99_ms``, ``max_ms``, socket ``errors`` (connect/read/write/timeout), ``non2xx`` and,
    with the report script (``paths`` or ``old``/``new`` markers), status classes and how many
    200 bodies held only the ``old`` markers, only the ``new`` ones, or a mix.

    With ``background`` the wrk process is returned; pass it to :func:`wrk_result`."""
    exe = tool("wrk")
    if not exe:
        raise FileNotFoundError("wrk")
    cmd = [exe, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency",
           "--timeout", timeout]
    for k, v in (headers or {}).items():
        cmd += ["-H", f"{k}: {v}"]
    env = dict(os.environ)
    if paths or old:
        script = Path(workdir or "/tmp") / f"wrk-report-{os.getpid()}.lua"
        script.write_text(WRK_REPORT)
        cmd += ["-s", str(script)]
        env.update(WRK_PATHS="|".join(paths or ["/"]), WRK_OLD="|".join(old or []),
                   WRK_NEW="|".join(new or []))
    proc = subprocess.Popen(cmd + [url], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)
    if background:
        return proc
    return wrk_result(proc)


def wrk_result(proc: subprocess.Popen, timeout: float = 120) -> dict:
    """Wait for a wrk process and parse its report (see :func:`wrk`)."""
    out, err = proc.communicate(timeout=timeout)
    if proc.returncode:
        raise RuntimeError(f"wrk failed: {err}{out}")

    def ms(label: str) -> float:
        return _ms(re.search(rf"{label}\s+([\d.]+)(us|ms|s)\b", out))

    result = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
              "requests": int(re.search(r"(\d+) requests in", out).group(1)),
              "p50_ms": ms("50%"), "p99_ms": ms("99%"), "max_ms": _max_ms(out),
              "errors": 0, "socket": {}, "non2xx": 0, "raw": out}
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        result["socket"] = dict(zip(("connect", "read", "write", "timeout"),
                                    map(int, m.groups()), strict=True))
        result["errors"] = sum(result["socket"].values())
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        result["non2xx"] = int(m.group(1))
    if m := re.search(r"WRKJSON (\{.*\})", out):
        result["report"] = json.loads(m.group(1))
    return result


def _max_ms(out: str) -> float:
    return _ms(re.search(r"Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s)", out))


def _ms(m: re.Match | None) -> float:
    """A wrk duration matched as (number, unit us/ms/s), in milliseconds; NaN if absent."""
    if not m:
        return float("nan")
    value, unit = float(m.group(1)), m.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

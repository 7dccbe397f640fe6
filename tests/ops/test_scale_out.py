"""Scale-out: two gunicorn origins, each with its own build directory built from the same
sources, behind the shipped nginx as one upstream (deploy/README.md "Operators")."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import threading
import time

import pytest

from tests.ops.conftest import dump_log, require
from webapp import contract
from scripts.harness import PYTHON, ROOT, SEED, ReleaseTree, get
from scripts.servers import ARTICLE, Nginx, PageLoads, wrk, wrk_result

PARALLEL = f"/en/{SEED}/parallel/"
OLD_TITLE = "How can a small city build a “big industry”?"
NEW_TITLE = "Published on both origins"
PAGES = [ARTICLE, "/en/", "/zh/", PARALLEL]
APP_ENV = {"JINTAN_PROXY_FIX_HOPS": "1", "WEB_CONCURRENCY": "2",
           "JINTAN_PAGE_CACHE_CONTROL": "public, max-age=0, s-maxage=1"}


class LoadLoop:
    """wrk in back-to-back runs of ``seconds`` (short runs on a shared machine) until
    :meth:`stop`; :attr:`total` adds up requests, socket errors, non-2xx and the page report
    (old/new/mixed bodies, see scripts.servers.wrk)."""

    def __init__(self, url: str, workdir, seconds: float = 3, **kwargs):
        self.url, self.workdir, self.seconds, self.kwargs = url, workdir, seconds, kwargs
        self.total = {"requests": 0, "errors": 0, "non2xx": 0, "report": {}, "p99_ms": 0.0}
        self.raw: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> LoadLoop:
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            r = wrk_result(wrk(self.url, duration=self.seconds, workdir=self.workdir,
                               background=True, **self.kwargs))
            t = self.total
            t["requests"] += r["requests"]
            t["errors"] += r["errors"]
            t["non2xx"] += r["non2xx"]
            t["p99_ms"] = max(t["p99_ms"], r["p99_ms"])
            for k, v in r.get("report", {}).items():
                t["report"][k] = t["report"].get(k, 0) + v
            if r["errors"] or r["non2xx"]:
                self.raw.append(r["raw"])

    def stop(self) -> dict:
        self._stop.set()
        self._thread.join(60)
        return self.total


def pidfile_env(tree: ReleaseTree) -> dict:
    return {**APP_ENV, "GUNICORN_PIDFILE": str(tree.build_dir / "gunicorn.pid")}


@pytest.fixture
def origins(tree, tmp_path, server):
    """Origins A (the ``tree`` fixture's build) and B (a second tree, built on its own from the
    same sources), and nginx in front of both as one upstream."""
    require("nginx", "wrk")
    other = ReleaseTree(tmp_path / "origin-b")
    other.build()
    a = server(pidfile_env(tree))
    b = server(pidfile_env(other), tree=other)
    proxy = Nginx(tmp_path / "nginx", a.port, more_backends=(b.port,)).start()
    yield (tree, a), (other, b), proxy
    proxy.stop()


def served_release(url: str) -> str:
    return json.loads(get(url + "/readyz", {"Connection": "close"})[2])["release"]


def publish(tree: ReleaseTree, *args: str) -> subprocess.CompletedProcess:
    """``scripts/publish.py ARGS`` with ``tree``'s sources."""
    return subprocess.run([PYTHON, "scripts/publish.py", *args, "--timeout", "60"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, **tree.env, "PYTHONDONTWRITEBYTECODE": "1"})


def node(tree: ReleaseTree, g) -> str:
    return f"{tree.build_dir},{tree.build_dir / 'gunicorn.pid'},{g.url}"


def test_origins_built_from_the_same_sources_serve_the_same_release(origins):
    (ta, a), (tb, b), proxy = origins
    assert ta.current == tb.current                   # deterministic builds
    assert ta.build_dir != tb.build_dir
    assert served_release(a.url) == served_release(b.url) == ta.current
    # nginx spreads requests over both; every answer names the one release
    assert {served_release(proxy.url) for _ in range(10)} == {ta.current}
    assert get(a.url + ARTICLE)[2] == get(b.url + ARTICLE)[2]   # same bytes from each origin


def test_two_phase_publish_reaches_both_origins_under_load(origins):
    (ta, a), (tb, b), proxy = origins
    old = ta.current
    for t in (ta, tb):     # the same commit checked out on both nodes
        t.set_msgstr(f"{SEED}/title", NEW_TITLE)
        t.edit_css("\n/* scale-out publish */\n.scaled { color: inherit; }\n")
    # Phase 1, on each node with its own checkout: build without switching.
    ids = []
    for t, g in ((ta, a), (tb, b)):
        done = publish(t, "--phase", "build", "--node", node(t, g))
        assert done.returncode == 0, done.stdout + done.stderr
        ids.append(re.search(r"publish: release ([0-9a-f]{16}) built", done.stdout).group(1))
    assert ids[0] == ids[1] != old
    assert ta.current == tb.current == old            # nothing switched yet
    # Before any origin switches, both (still on the old release) serve every file the new
    # release links, so a new page from either origin is styled whichever origin nginx asks.
    manifest = json.loads((contract.release_dir(ta.build_dir, ids[0]) / contract.RELEASE_INFO).read_text())
    new_files = [f"/static/{v}" for k, v in manifest["assets"].items()
                 if k.endswith((".css", ".js"))]
    assert new_files
    for g in (a, b):
        for path in new_files:
            assert get(g.url + path, {"Connection": "close"})[0] == 200, (g.url, path)
    # Phase 2, under load through nginx: switch A, then B.
    load = LoadLoop(proxy.url, ta.root, connections=32, paths=[ARTICLE, PARALLEL],
                    old=[OLD_TITLE], new=[NEW_TITLE]).start()
    readers = PageLoads(proxy.url, PAGES, threads=4).start()
    try:
        time.sleep(1)
        done = publish(ta, "--phase", "switch", "--release", ids[0],
                       "--node", node(ta, a), "--node", node(tb, b))
        time.sleep(2)
    finally:
        readers.stop()
        total = load.stop()
    print(f"\ntwo-phase publish of 2 origins through nginx: wrk {total}; readers: "
          f"{readers.summary()}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert served_release(a.url) == served_release(b.url) == ids[0]
    assert total["errors"] == 0 and total["non2xx"] == 0, load.raw
    report = total["report"]
    assert report["mixed"] == 0 and report["neither"] == 0, report
    assert report["old"] > 0 and report["new"] > 0, report
    assert readers.failed == 0 and readers.unstyled == 0 and readers.bad == [], readers.summary()


def test_an_origin_killed_mid_load_fails_no_reader_request(origins):
    (ta, a), (tb, b), proxy = origins
    load = wrk(proxy.url, connections=32, duration=5, paths=PAGES, background=True,
               workdir=ta.root)
    readers = PageLoads(proxy.url, PAGES, threads=4).start()
    try:
        time.sleep(1.5)
        victims = [b.master_pid, *b.workers()]       # the machine dies: no graceful anything
        for pid in victims:
            os.kill(pid, signal.SIGKILL)
        time.sleep(2)
    finally:
        readers.stop()
        r = wrk_result(load)
    print(f"\norigin B killed mid-load behind nginx: {r['requests']} requests, socket errors "
          f"{r['socket']}, non-2xx {r['non2xx']}, p99 {r['p99_ms']:.0f} ms; readers: "
          f"{readers.summary()}")
    assert b.proc.wait(10) is not None
    assert r["errors"] == 0 and r["non2xx"] == 0, r["raw"] + dump_log(proxy.log)
    assert readers.failed == 0 and readers.bad == [], readers.summary()
    assert served_release(proxy.url) == ta.current

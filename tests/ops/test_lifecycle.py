"""Process lifecycle through the real servers: a publish whose stylesheet changes never gives a
reader a page without its CSS, directly and through nginx: the stylesheet travels in the page,
and every page arrives with the CSP of its own release, which allows its inline stylesheet by
hash (old and new workers side by side during the HUP hand-off, nginx keeping a page with its
headers); every hashed file of the pool stays served for pages that link one."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.ops.conftest import dump_log, require
from scripts.processes import stop_process
from scripts.harness import ROOT, SEED, free_port, get, wait_for
from scripts.servers import ARTICLE, Nginx, PageLoads, wrk, wrk_result
from tests.ops.test_observability import scrape, total

PAGES = [ARTICLE, "/en/", "/zh/", f"{ARTICLE}parallel/"]
SHORT_CACHE = {"JINTAN_PROXY_FIX_HOPS": "1",
               # pages expire from nginx's cache at once, so new pages reach readers mid-hand-off
               "JINTAN_PAGE_CACHE_CONTROL": "public, max-age=0, s-maxage=1"}


@pytest.mark.parametrize("front", ["gunicorn", "nginx"])
def test_publish_with_new_css_never_serves_a_page_without_its_css(tree, server, front):
    require("wrk")
    g = server({"WEB_CONCURRENCY": "4", **SHORT_CACHE})
    base = g.url
    proxy = None
    if front == "nginx":
        require("nginx")
        proxy = Nginx(tree.root / "nginx", g.port).start()
        base = proxy.url
    try:
        old_css = set(PageLoads(base, PAGES, threads=1).start().stop().stylesheets) or None
        tree.edit_css("\n/* published by HUP */\n.hup-published { color: inherit; }\n")
        tree.build()
        load = wrk(base, connections=32, duration=5, paths=PAGES, background=True,
                   workdir=tree.root)
        readers = PageLoads(base, PAGES, threads=6).start()
        try:
            time.sleep(1)
            old_workers = set(g.workers())
            g.hup()
            g.wait_workers(4, exclude=old_workers, timeout=60)
            time.sleep(1.5)      # past the nginx page lifetime: new pages everywhere
        finally:
            readers.stop()
            load.send_signal(signal.SIGINT)
        r = wrk_result(load)
    finally:
        if proxy:
            proxy.stop()
    print(f"\n{front}, 4 workers, publish with new CSS under wrk ({r['requests']} requests, "
          f"non-2xx {r['non2xx']}): {readers.summary()}")
    new_css = set(readers.stylesheets) - (old_css or set())
    assert new_css, readers.summary()          # the new stylesheet reached readers
    assert readers.bad == [], readers.summary() + dump_log(g.log, 20)
    assert readers.failed == 0 and readers.unstyled == 0
    assert r["errors"] == 0 and r["non2xx"] == 0, r["raw"]


def test_publishes_leave_no_metrics_files_of_dead_workers(server, tree, tmp_path):
    """Each HUP replaces every worker; the samples of the dead ones are merged into the
    totals (nothing lost) and their files removed, so the folder does not grow."""
    port = free_port()
    metrics_dir = tmp_path / "metrics"
    g = server({"WEB_CONCURRENCY": "2", "JINTAN_METRICS_BIND": f"127.0.0.1:{port}",
                "JINTAN_METRICS_DIR": str(metrics_dir)})
    metrics_url = f"http://127.0.0.1:{port}/metrics"
    g.wait_workers(2)
    n = 0
    files = []
    for _publish in range(4):
        for _ in range(10):
            assert get(g.url + ARTICLE, {"Connection": "close"})[0] == 200
            n += 1
        files.append(sorted(p.name for p in metrics_dir.glob("*.db")))
        old = set(g.workers())
        g.hup()
        g.wait_workers(2, exclude=old, timeout=60)
        time.sleep(0.5)
    assert get(g.url + ARTICLE, {"Connection": "close"})[0] == 200
    n += 1
    live = {str(p) for p in g.workers()}
    after = sorted(p.name for p in metrics_dir.glob("*.db"))
    print(f"\nmetrics files after each of 4 publishes: {[len(f) for f in files]}, "
          f"then {len(after)}: {after}")
    stale = [f for f in after if f.rsplit("_", 1)[-1][:-3].isdigit()
             and f.rsplit("_", 1)[-1][:-3] not in live]
    assert stale == [], after
    # per live worker: counters, histograms, two live gauges; plus one merged file per type
    assert len(after) <= 4 * len(live) + 2, after
    samples = scrape(metrics_url)
    assert total(samples, "jintan_http_requests_total", route="reader.article",
                 status="200") == n
    assert total(samples, "jintan_http_request_duration_seconds_count",
                 route="reader.article") == n
    assert total(samples, "jintan_release_info") == 1     # live gauges: the live workers only


def test_recycled_workers_do_not_restart_together(server, tree):
    """With GUNICORN_MAX_REQUESTS each worker gets its own limit (gunicorn's
    max_requests_jitter), logged when it starts: workers that share the load evenly reach
    their limits at different times instead of all restarting in the same second."""
    g = server({"WEB_CONCURRENCY": "4", "GUNICORN_MAX_REQUESTS": "40",
                "GUNICORN_LOG_FORMAT": "json"})
    g.wait_workers(4)
    for _ in range(800):   # 4 workers x 40-60: each recycles at least once, however they share it
        assert get(g.url + ARTICLE, {"Connection": "close"})[0] == 200
    g.stop()
    limits, restarts = [], []
    for line in g.log.read_text("utf-8").splitlines():
        record = json.loads(line)
        message = record.get("message", "")
        if m := re.search(r"recycled after (\d+) requests", message):
            limits.append(int(m.group(1)))
        elif "Autorestarting worker" in message:
            restarts.append(record["ts"][11:23])
    print(f"\nper-worker limits (GUNICORN_MAX_REQUESTS=40): {limits}; restarts at {restarts}")
    assert len(restarts) >= 2, dump_log(g.log)
    assert len(limits) >= 4 and all(40 <= n <= 60 for n in limits), limits
    assert len(set(limits)) > 1, limits


def make_run(tree, port: int) -> subprocess.Popen:
    """``make run`` on ``tree`` (its pidfile: ``<build>/gunicorn.pid``), output in a log."""
    with (tree.root / f"make-run-{port}.log").open("ab") as log:
        return subprocess.Popen(["make", "-s", "run"], cwd=ROOT, stdout=log,
                                stderr=subprocess.STDOUT,
                                env={**os.environ, **tree.env, "WEB_CONCURRENCY": "2",
                                     "GUNICORN_BIND": f"127.0.0.1:{port}",
                                     "PYTHONDONTWRITEBYTECODE": "1"})


def stop_make_run(proc: subprocess.Popen, pidfile: Path) -> None:
    """TERM to the gunicorn master ``make run`` execs (named by its pidfile), then wait."""
    if proc.poll() is None:
        try:
            os.kill(int(pidfile.read_text()), signal.SIGTERM)
        except (OSError, ValueError):
            pass
        stop_process(proc, 20)


def make_publish(tree, port: int) -> subprocess.CompletedProcess:
    """``make publish`` (the README's publish command) for the origin ``make run`` started."""
    return subprocess.run(["make", "-s", "publish"], cwd=ROOT, capture_output=True, text=True,
                          timeout=180, check=False,
                          env={**os.environ, **tree.env, "GUNICORN_BIND": f"127.0.0.1:{port}",
                               "PYTHONDONTWRITEBYTECODE": "1"})


def test_a_stale_pidfile_neither_blocks_make_run_nor_gets_signalled(tree):
    """After a crash the pidfile may hold a pid the kernel gave to another program: `make run`
    starts anyway, and the documented publish command refuses to signal that program."""
    pidfile = tree.build_dir / "gunicorn.pid"
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    other = subprocess.Popen(["sleep", "300"])        # an unrelated program (dies on HUP)
    run = None
    try:
        pidfile.write_text(f"{other.pid}\n")
        refused = make_publish(tree, port)
        assert refused.returncode == 2, refused.stdout + refused.stderr   # make: recipe failed
        assert "does not name a running gunicorn master" in refused.stderr
        assert other.poll() is None                     # not signalled

        run = make_run(tree, port)
        wait_for(url + "/healthz", 60, run, tree.root / f"make-run-{port}.log")
        master = int(pidfile.read_text())
        assert master != other.pid and other.poll() is None
        before = json.loads(get(url + "/readyz")[2])["release"]

        tree.set_msgstr(f"{SEED}/title", "Published with make publish")
        done = make_publish(tree, port)
        assert done.returncode == 0, done.stdout + done.stderr
        after = json.loads(get(url + "/readyz", {"Connection": "close"})[2])["release"]
        assert after != before and after == tree.current
        assert "Published with make publish" in get(url + ARTICLE)[2].decode()
        assert int(pidfile.read_text()) == master and other.poll() is None
    finally:
        if run is not None:
            stop_make_run(run, pidfile)
        other.kill()
        other.wait()


def test_make_run_serves_the_last_good_release_over_a_broken_article(tree):
    before = tree.current
    (tree.content / "broken-story.md").write_text(
        "---\ntitle: \"坏\"\nsubtitle: [unclosed\n---\n\n正文。\n", "utf-8")
    release = subprocess.run(["make", "-s", "release"], cwd=ROOT, capture_output=True, text=True,
                             env={**os.environ, **tree.env}, timeout=300, check=False)
    assert release.returncode == 2 and re.search(r"broken-story\.md:\d+: ", release.stderr)
    assert tree.current == before

    port = free_port()
    log = tree.root / f"make-run-{port}.log"
    run = make_run(tree, port)
    try:
        wait_for(f"http://127.0.0.1:{port}" + ARTICLE, 60, run, log)
        assert json.loads(get(f"http://127.0.0.1:{port}/readyz")[2])["release"] == before
    finally:
        stop_make_run(run, tree.build_dir / "gunicorn.pid")
    text = log.read_text("utf-8")
    assert re.search(r"broken-story\.md:\d+: ", text), text       # the error is still printed
    assert f"serving the last good release, {before}" in text

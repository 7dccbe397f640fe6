"""Faults under load: a worker killed with SIGKILL, a reload onto a damaged release."""

from __future__ import annotations

import os
import signal
import time

from tests.ops.conftest import dump_log, require
from scripts.harness import SEED, get
from scripts.servers import ARTICLE, wrk, wrk_result
from webapp import contract

TITLE = "How can a small city build a “big industry”?"
NEVER = "\x01never in a page\x01"


def test_killed_worker_fails_visibly_never_with_a_wrong_page(server, tree):
    """SIGKILL one of two workers during wrk (64 connections): the requests it held fail as
    socket errors the client sees; every answered request is a 200 with the right page; the
    master replaces the worker."""
    require("wrk")
    g = server()
    load = wrk(g.url, connections=64, duration=40, paths=[ARTICLE, f"/en/{SEED}/parallel/"],
               old=[TITLE], new=[NEVER], background=True, workdir=tree.root)
    try:
        time.sleep(2)
        victim = g.workers()[0]
        os.kill(victim, signal.SIGKILL)
        g.wait_workers(2, exclude={victim}, timeout=40)
        time.sleep(2)
    finally:
        load.send_signal(signal.SIGINT)
    r = wrk_result(load)
    report = r["report"]
    print(f"\nkill -9 of 1 of 2 workers under 64 connections: {r['requests']} requests, socket "
          f"errors {r['socket']}, non-2xx {r['non2xx']}, wrong pages {report['neither']}")
    assert r["non2xx"] == 0 and report["s5xx"] == 0
    assert report["neither"] == 0 and report["mixed"] == 0      # never a wrong page
    assert report["old"] > 1000
    assert r["errors"] <= 64, r["raw"]    # at most the killed worker's connections
    assert get(g.url + ARTICLE)[0] == 200


def test_reload_onto_a_damaged_release_keeps_the_old_workers_serving(server, tree):
    """If the release that current points at cannot be loaded (damaged after its build), the
    new workers fail in one line each and are retried, while the old generation keeps serving
    until GUNICORN_HANDOFF_TIMEOUT."""
    g = server({"GUNICORN_HANDOFF_TIMEOUT": "6"})
    old_workers = set(g.workers())
    mo = contract.ui_mo(contract.release_dir(tree.build_dir, tree.current), "zh")
    mo.write_bytes(b"not a catalog")
    g.hup()
    deadline = time.monotonic() + 4
    while time.monotonic() < deadline:
        status, _h, body = get(g.url + ARTICLE, {"Connection": "close"})
        assert status == 200 and TITLE in body.decode()
        time.sleep(0.2)
    assert old_workers <= set(g.workers()), dump_log(g.log)
    log = g.log_text()
    failures = [x for x in log.splitlines() if "Jintan Reader cannot start" in x]
    assert failures and all(str(mo) in x for x in failures), log[-3000:]
    assert "Traceback" not in log
    assert g.proc.poll() is None   # the master stays up (no HaltServer during a reload)

"""Publishing: `make release` then `kill -HUP <gunicorn master>`, under load, with no failed
request and no page mixing two releases; a failed build never replaces the running release."""

from __future__ import annotations

import json
import re
import signal
import time

from tests.ops.conftest import dump_log
from scripts.harness import SEED, get
from scripts.servers import ARTICLE, wrk, wrk_result
from webapp import contract

OLD_TITLE = "How can a small city build a “big industry”?"
OLD_SUBTITLE = "The answers behind Jintan’s first big meeting after the Spring Festival"
NEW_TITLE = "Published by HUP: the new headline"
NEW_SUBTITLE = "Published by HUP: the new standfirst"
NEW_SLUG = "jintan-hup-published"
PARALLEL = f"/en/{SEED}/parallel/"


def release_of(url: str) -> str:
    return json.loads(get(url + "/readyz")[2])["release"]


def test_hup_publishes_under_load_without_errors(tree, server):
    g = server()
    first_200 = g.wait_ready(ARTICLE)
    old_release = release_of(g.url)
    assert get(g.url + f"/en/{NEW_SLUG}/")[0] == 404

    # The newsroom edits a translation (two blocks) and adds an article, then builds.
    tree.set_msgstr(f"{SEED}/title", NEW_TITLE)
    tree.set_msgstr(f"{SEED}/subtitle", NEW_SUBTITLE)
    tree.add_article(NEW_SLUG, "一篇新文章")
    tree.build()
    assert tree.current != old_release
    # The running workers keep the release they booted on until the HUP.
    body = get(g.url + ARTICLE)[2].decode()
    assert OLD_TITLE in body and NEW_TITLE not in body
    assert get(g.url + f"/en/{NEW_SLUG}/")[0] == 404

    load = wrk(g.url, connections=64, duration=45, paths=[ARTICLE, PARALLEL],
               old=[OLD_TITLE, OLD_SUBTITLE], new=[NEW_TITLE, NEW_SUBTITLE],
               background=True, workdir=tree.root)
    try:
        time.sleep(2)
        old_workers = set(g.workers())
        hup_at = time.monotonic()
        g.hup()
        g.wait_workers(2, exclude=old_workers, timeout=40)
        switched = time.monotonic() - hup_at
        time.sleep(2)  # the new generation serves the load for a while
    finally:
        load.send_signal(signal.SIGINT)
    r = wrk_result(load)
    report = r["report"]
    print(f"\nHUP under wrk, 64 connections: {r['requests']} requests, socket errors "
          f"{r['socket'] or 0}, non-2xx {r['non2xx']}, old {report['old']}, new {report['new']}, "
          f"mixed {report['mixed']}; p99 {r['p99_ms']:.0f} ms, max {r['max_ms']:.0f} ms; old "
          f"workers gone {switched:.1f} s after HUP; start to first 200 {first_200:.1f} s")
    assert r["errors"] == 0, r["raw"] + dump_log(g.log, 60)
    assert r["non2xx"] == 0 and report["s3xx"] + report["s4xx"] + report["s5xx"] == 0, report
    assert report["mixed"] == 0 and report["neither"] == 0, report
    assert report["old"] > 0 and report["new"] > 0, report

    # Afterwards every worker serves the new release (fresh connections spread over both).
    assert len(set(g.workers())) == 2
    for _ in range(20):
        body = get(g.url + ARTICLE, headers={"Connection": "close"})[2].decode()
        assert NEW_TITLE in body and OLD_TITLE not in body
        assert release_of(g.url) == tree.current
    status, _h, body = get(g.url + f"/en/{NEW_SLUG}/")
    assert status == 200
    assert "Handing over" in g.log_text()


def test_failed_build_keeps_the_running_release(tree, server):
    g = server()
    before = tree.current
    (tree.content / "broken-story.md").write_text(
        "---\ntitle: \"坏\"\nsubtitle: [unclosed\n---\n\n正文。\n", "utf-8")
    tree.set_msgstr(f"{SEED}/title", NEW_TITLE)   # would be published if the build passed
    proc = tree.build(check=False)
    assert proc.returncode == 1
    assert re.search(r"broken-story\.md:\d+: ", proc.stderr), proc.stderr
    assert "current release is unchanged" in proc.stderr
    assert tree.current == before

    old_workers = set(g.workers())
    g.hup()   # an operator reloads anyway: the same release comes back
    g.wait_workers(2, exclude=old_workers, timeout=40)
    status, _h, body = get(g.url + ARTICLE)
    assert status == 200 and OLD_TITLE in body.decode() and NEW_TITLE not in body.decode()
    assert release_of(g.url) == before


def test_damaged_catalog_is_refused_by_the_build(tree):
    """A catalog that cannot be read stops the build with file:line (nothing switched)."""
    before = tree.current
    po = tree.po("en")
    lines = po.read_text("utf-8").splitlines()
    lines.insert(30, "this line is not gettext")        # line 31 of the file
    po.write_text("\n".join(lines) + "\n", "utf-8")
    proc = tree.build(check=False)
    assert proc.returncode == 1
    assert f"{po.relative_to(tree.root)}:31: " in proc.stderr, proc.stderr   # relative to the tree
    assert tree.current == before


def test_damaged_release_stops_a_worker_with_one_line(tree, server):
    """A compiled catalog damaged after the build (disk, hand edit): the worker says so in one
    line and the master stops ("App failed to load") instead of serving errors or looping."""
    mo = contract.ui_mo(contract.release_dir(tree.build_dir, tree.current), "zh")
    mo.write_bytes(b"\x00garbage" * 8)
    g = server({"WEB_CONCURRENCY": "4"}, wait=False)   # several workers fail at once
    g.proc.wait(60)
    log = g.log_text()
    assert g.proc.returncode == 4, dump_log(g.log)
    line = [x for x in log.splitlines() if "Jintan Reader cannot start" in x]
    assert line and str(mo) in line[0] and "damaged compiled catalog" in line[0], log
    assert "Traceback" not in log


def test_start_up_opens_the_port_quickly(tree, server):
    """From exec to the first 200 of an article page: one index read, no archive parse."""
    g = server(wait=False)
    seconds = g.wait_ready(ARTICLE, timeout=60)
    print(f"\nstart to first 200: {seconds:.2f} s")
    assert seconds < 30, dump_log(g.log)

"""Observability under the real server: JSON logs with request ids, X-Request-ID trust,
Prometheus metrics aggregated over several gunicorn workers by the master."""

from __future__ import annotations

import json
import os
import re
import signal
import time
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from tests.ops.conftest import dump_log
from scripts.harness import free_port, get
from scripts.servers import ARTICLE, raw_request

HEX_ID = re.compile(r"^[0-9a-f]{32}$")


def json_lines(path: Path) -> list[dict]:
    """Every line of a log as JSON (fails on a line that is not)."""
    out = []
    for line in path.read_text("utf-8").splitlines():
        if line.strip():
            out.append(json.loads(line))
    return out


def scrape(url: str) -> dict[tuple, float]:
    """``{(sample name, sorted labels): value}`` from a Prometheus text exposition."""
    status, _h, body = get(url)
    assert status == 200
    out = {}
    for family in text_string_to_metric_families(body.decode()):
        for s in family.samples:
            out[(s.name, tuple(sorted(s.labels.items())))] = s.value
    return out


def total(samples: dict, name: str, **labels) -> float:
    return sum(v for (n, ls), v in samples.items()
               if n == name and all(dict(ls).get(k) == v2 for k, v2 in labels.items()))


def test_json_logs_carry_the_request_id(server, tree):
    g = server({"GUNICORN_LOG_FORMAT": "json"})
    status, headers, _ = get(g.url + ARTICLE)
    rid = headers["x-request-id"]
    assert status == 200 and HEX_ID.match(rid)
    # An incoming id is not trusted without a proxy in front (JINTAN_PROXY_FIX_HOPS=0).
    _s, headers2, _ = get(g.url + ARTICLE, {"X-Request-ID": "forged-by-client-123"})
    assert HEX_ID.match(headers2["x-request-id"])
    # A refused Host still gets an id (the gate is inside the request-id middleware).
    raw = raw_request(g.port, b"GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n")
    assert raw.startswith(b"HTTP/1.1 400") and b"X-Request-ID: " in raw
    g.stop()
    records = json_lines(g.log)   # every line, access and error log alike, is JSON
    access = [r for r in records if r.get("type") == "access"]
    mine = [r for r in access if r["request_id"] == rid]
    assert len(mine) == 1, dump_log(g.log)
    assert mine[0]["status"] == 200 and mine[0]["route"] == "reader.article"
    assert mine[0]["path"] == ARTICLE and mine[0]["duration_ms"] >= 0
    assert any(r.get("route") == "bad_host" and r["status"] == 400 for r in access)
    assert any(r.get("level") == "info" and "Booting worker" in r.get("message", "")
               for r in records)


def test_incoming_request_id_is_kept_only_from_a_trusted_proxy(server):
    g = server({"JINTAN_PROXY_FIX_HOPS": "1"})
    _s, h, _ = get(g.url + ARTICLE, {"X-Request-ID": "edge-7f3a9c2e.1"})
    assert h["x-request-id"] == "edge-7f3a9c2e.1"
    for bad in ("short", "has space inside it", "x" * 65, "semi;colon-12345"):
        _s, h, _ = get(g.url + ARTICLE, {"X-Request-ID": bad})
        assert HEX_ID.match(h["x-request-id"]), bad


def test_metrics_add_up_across_workers(server, tree, tmp_path):
    port = free_port()
    metrics_dir = tmp_path / "metrics"
    g = server({"WEB_CONCURRENCY": "3", "JINTAN_METRICS_BIND": f"127.0.0.1:{port}",
                "JINTAN_METRICS_DIR": str(metrics_dir), "GUNICORN_LOG_FORMAT": "json"})
    metrics_url = f"http://127.0.0.1:{port}/metrics"
    g.wait_workers(3)
    time.sleep(1)   # every worker has booted and published its gauges
    before = scrape(metrics_url)
    base_article = total(before, "jintan_http_requests_total", route="reader.article",
                         status="200")
    n = 60
    for _ in range(n):   # a new connection each time: the kernel spreads them over workers
        assert get(g.url + ARTICLE, {"Connection": "close"})[0] == 200
    for _ in range(4):
        assert get(g.url + "/no-such-page")[0] == 404
    # /metrics is not on the public port (the 5th unmatched 404)
    assert get(g.url + "/metrics")[0] == 404
    assert get(g.url + "/healthz")[0] == 200

    after = scrape(metrics_url)
    assert total(after, "jintan_http_requests_total", route="reader.article",
                 status="200") - base_article == n
    assert total(after, "jintan_http_requests_total", route="unmatched", status="404") == 5
    assert total(after, "jintan_http_requests_total", route="unmatched", status="200") == 0
    assert total(after, "jintan_http_requests_total", route="reader.healthz", status="200") >= 1
    assert total(after, "jintan_http_request_duration_seconds_count",
                 route="reader.article") - base_article == n
    memo = total(after, "jintan_page_memo_requests_total") - total(
        before, "jintan_page_memo_requests_total")
    assert memo == n   # every article request is a memo hit or a miss
    assert total(after, "jintan_page_memo_requests_total", result="miss") <= 3 + total(
        before, "jintan_page_memo_requests_total", result="miss")   # one render per worker
    assert total(after, "jintan_release_info", release=tree.current) == 1
    assert total(after, "jintan_release_articles") == 1
    assert total(after, "jintan_release_locales") == 3
    # Only route names and statuses as labels: no raw path ever appears.
    assert not any("/no-such-page" in str(labels) for (_n, labels) in after)

    pids = {r["pid"] for r in (json.loads(x) for x in g.log.read_text().splitlines() if x)
            if r.get("type") == "access" and r.get("route") == "reader.article"}
    assert len(pids) >= 2, "requests should have reached several workers"

    # A worker that dies loses its live gauges (child_exit -> mark_process_dead); its
    # counters stay in the totals.
    victim = g.workers()[0]
    os.kill(victim, signal.SIGKILL)
    g.wait_workers(3, exclude={victim})
    time.sleep(0.5)
    assert not list(metrics_dir.glob(f"gauge_live*_{victim}.db"))
    final = scrape(metrics_url)
    assert total(final, "jintan_http_requests_total", route="reader.article",
                 status="200") - base_article == n


def test_metrics_are_off_by_default(server):
    g = server()
    assert get(g.url + ARTICLE)[0] == 200
    assert get(g.url + "/metrics")[0] == 404
    g.stop()
    assert "Metrics at" not in g.log_text()

"""Hostile requests against the worker's page memo: random Host headers, query strings,
cookies and unknown paths from 16 connections, while a reader keeps reading the article."""

from __future__ import annotations

import subprocess
import time

from prometheus_client.parser import text_string_to_metric_families

from tests.ops.conftest import require
from scripts.harness import free_port, get
from scripts.servers import ARTICLE, raw_request, tool, wrk, wrk_result

HOSTILE = r"""
math.randomseed(os.time())
local n = 0
request = function()
  n = n + 1
  local r = n % 4
  local q = "?utm=" .. math.random(1, 1000000000) .. "&x=" .. math.random(1, 1000000000)
  local headers = {["Cookie"] = "locale=" .. math.random(1, 1000000) .. "; s=" .. math.random(),
                   ["Accept-Language"] = "x-" .. math.random(1, 100000),
                   ["Accept-Encoding"] = (n % 3 == 0) and "br" or "gzip"}
  local path = "/en/jintan-new-energy/"
  if r == 0 then
    headers["Host"] = "evil" .. math.random(1, 1000000000) .. ".example"
  elseif r == 1 then
    headers["Host"] = "127.0.0.1:" .. math.random(1, 65535)
  elseif r == 2 then
    path = "/en/no-such-" .. math.random(1, 1000000000) .. "/"
  else
    path = "/zh/page/" .. math.random(2, 1000000000) .. "/"
  end
  return wrk.format("GET", path .. q, headers)
end
"""


def memo_entries(metrics_url: str) -> tuple[float, float]:
    """(memo entries, memo bytes) summed over live workers."""
    body = get(metrics_url)[2].decode()
    values = {}
    for family in text_string_to_metric_families(body):
        for s in family.samples:
            values[s.name] = values.get(s.name, 0) + s.value
    return values["jintan_page_memo_entries"], values["jintan_page_memo_bytes"]


def test_random_hosts_and_queries_neither_fill_the_memo_nor_slow_the_reader(server, tmp_path):
    require("wrk")
    port = free_port()
    g = server({"WEB_CONCURRENCY": "1", "JINTAN_METRICS_BIND": f"127.0.0.1:{port}"})
    metrics_url = f"http://127.0.0.1:{port}/metrics"
    assert get(g.url + ARTICLE, {"Accept-Encoding": "br"})[0] == 200
    assert get(g.url + ARTICLE, {"Accept-Encoding": "gzip"})[0] == 200
    entries_before, bytes_before = memo_entries(metrics_url)
    assert entries_before > 0

    script = tmp_path / "hostile.lua"
    script.write_text(HOSTILE)
    attack_proc = wrk_script(g.url, script)
    time.sleep(0.5)
    # The reader: one keep-alive connection (wrk too, so both sides are measured alike).
    reader = wrk(g.url + ARTICLE, connections=1, threads=1, duration=4,
                 headers={"Accept-Encoding": "br"})
    attack = wrk_result(attack_proc)
    entries_after, bytes_after = memo_entries(metrics_url)
    print(f"\nhostile: {attack['requests']} requests from 16 connections ({attack['rps']:.0f}/s, "
          f"p50 {attack['p50_ms']:.1f} ms); reader {reader['requests']} requests, p50 "
          f"{reader['p50_ms']:.1f} ms, p99 {reader['p99_ms']:.1f} ms, max {reader['max_ms']:.0f} ms;"
          f" memo entries {entries_before:.0f} -> {entries_after:.0f}, bytes {bytes_before:.0f}"
          f" -> {bytes_after:.0f}")
    assert attack["requests"] > 500 and attack["errors"] == 0
    assert reader["errors"] == 0 and reader["non2xx"] == 0 and reader["requests"] > 20
    assert entries_after == entries_before   # nothing the attacker chose made an entry
    assert bytes_after == bytes_before
    # Fair, not starved: one worker shares its time among 17 connections, so the reader waits
    # about as long as each attacking connection does (it waited 6.3 s when every random Host
    # made a memo entry), never seconds.
    assert reader["p50_ms"] <= 2 * attack["p50_ms"] + 25, (reader["p50_ms"], attack["p50_ms"])
    assert reader["max_ms"] < 3000


def wrk_script(url: str, script) -> subprocess.Popen:
    """wrk with 16 connections for 6 s running ``script`` (its request() builds each request),
    started in the background: pass it to :func:`wrk_result`."""
    return subprocess.Popen([tool("wrk"), "-t1", "-c16", "-d6s", "--timeout", "5s", "--latency",
                             "-s", str(script), url], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_hostile_statuses(server):
    """What the attack's requests get: 400 for a foreign Host, the page for a query string,
    404 for an unknown article or page number."""
    g = server()
    reply = raw_request(g.port, b"GET /en/jintan-new-energy/ HTTP/1.1\r\nHost: evil.example\r\n"
                                b"Connection: close\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 400")
    assert get(g.url + ARTICLE + "?utm=1")[0] == 200
    assert get(g.url + "/en/no-such-article/")[0] == 404
    assert get(g.url + "/zh/page/999999/")[0] == 404


def test_a_pipelining_client_cannot_hold_the_worker(server):
    """One connection pipelines 1,500 requests in a single write (its next request is always
    already buffered, so its greenlet never blocks); a second reader must still be answered
    long before that batch ends: the worker yields after every request (post_request)."""
    import socket
    import threading
    g = server({"WEB_CONCURRENCY": "1"})
    assert get(g.url + "/healthz")[0] == 200
    n = 1500
    batch = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" * n
    done = {}

    def pipeliner():
        with socket.create_connection(("127.0.0.1", g.port), timeout=60) as s:
            started = time.monotonic()
            s.sendall(batch)
            seen = b""
            while seen.count(b"HTTP/1.1 200") < n:
                chunk = s.recv(1 << 16)
                if not chunk:
                    break
                seen += chunk
            done["seconds"] = time.monotonic() - started
            done["answers"] = seen.count(b"HTTP/1.1 200")

    thread = threading.Thread(target=pipeliner)
    thread.start()
    time.sleep(0.05)
    started = time.monotonic()
    status = get(g.url + "/healthz", {"Connection": "close"})[0]
    reader = time.monotonic() - started
    thread.join(90)
    print(f"\npipelined {done.get('answers')} requests in {done.get('seconds', 0):.2f} s; "
          f"the other reader waited {reader * 1000:.0f} ms")
    assert status == 200 and done["answers"] == n
    assert reader < done["seconds"] / 3, (reader, done)

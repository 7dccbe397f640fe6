"""The site behind real shared caches: deploy/nginx/jintan.conf (proxy_cache) and
deploy/varnish/default.vcl, each started on a free loopback port in front of gunicorn."""

from __future__ import annotations

import json
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.ops.conftest import require
from scripts.harness import PYTHON, ROOT, SEED, Gunicorn, ReleaseTree, get
from scripts.servers import ARTICLE, Nginx, Varnish, linked_assets, tool, wrk, wrk_result

S_MAXAGE = 4          # the tests' page s-maxage (production: 60)
APP_ENV = {"JINTAN_PROXY_FIX_HOPS": "1", "GUNICORN_LOG_FORMAT": "json",
           "JINTAN_PAGE_CACHE_CONTROL": f"public, max-age=0, s-maxage={S_MAXAGE}"}
BR = {"Accept-Encoding": "br"}
OTHER = "second-story"   # a second article (ReleaseTree.add_article)


def hit(proxy: str, headers: dict) -> bool:
    """Whether a response came from the proxy's cache."""
    if proxy == "nginx":
        return headers.get("x-cache-status") == "HIT"
    return headers.get("x-cache") == "HIT"


def app_requests(g: Gunicorn, path: str) -> list[dict]:
    """Access records of ``path`` (query included) in gunicorn's JSON log."""
    out = []
    for line in g.log.read_text("utf-8").splitlines():
        if '"type": "access"' in line:
            record = json.loads(line)
            if record["path"] == path:
                out.append(record)
    return out


def start_proxy(proxy: str, workdir, backend_port: int):
    if proxy == "nginx":
        require("nginx")
        return Nginx(workdir / "nginx", backend_port).start()
    require("varnishd")
    return Varnish(workdir / "varnish", backend_port).start()


@pytest.fixture(scope="module")
def stack(built_tree, tmp_path_factory):
    """gunicorn (2 workers, JSON logs, short s-maxage) with nginx and Varnish in front."""
    require("nginx", "varnishd")
    root = tmp_path_factory.mktemp("stack")
    shutil.copytree(built_tree.root, root / "tree", symlinks=True)
    g = Gunicorn(ReleaseTree(root / "tree"), env=APP_ENV).start()
    proxies = {}
    try:
        proxies["nginx"] = start_proxy("nginx", root, g.port)
        proxies["varnish"] = start_proxy("varnish", root, g.port)
        yield g, proxies
    finally:
        for p in proxies.values():
            p.stop()
        g.stop()


@pytest.mark.parametrize("proxy", ["nginx", "varnish"])
def test_root_is_never_served_from_the_cache(stack, proxy):
    _g, proxies = stack
    url = proxies[proxy].url + "/"
    cases = [({"Accept-Language": "en-GB,en;q=0.8"}, "/en/"),
             ({"Accept-Language": "zh-CN,zh;q=0.9"}, "/zh/"),
             ({"Accept-Language": "zh-TW"}, "/zh-hant/"),
             ({"Accept-Language": "zh-CN", "Cookie": "locale=en"}, "/en/"),
             ({"Accept-Language": "en", "Cookie": "locale=zh"}, "/zh/")]
    for _round in range(2):
        for headers, location in cases:
            req = urllib_no_redirect(url, headers)
            assert req["status"] == 302 and req["headers"]["location"] == location, (headers, req)
            assert not hit(proxy, req["headers"])
            assert "private" in req["headers"]["cache-control"]


def urllib_no_redirect(url: str, headers: dict) -> dict:
    """One GET without following redirects."""
    import http.client
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request("GET", parts.path or "/", headers=headers)
        resp = conn.getresponse()
        resp.read()
        return {"status": resp.status, "headers": {k.lower(): v for k, v in resp.getheaders()}}
    finally:
        conn.close()


@pytest.mark.parametrize("proxy", ["nginx", "varnish"])
def test_articles_are_cached_and_revalidated_with_the_apps_etag(stack, proxy):
    g, proxies = stack
    url = proxies[proxy].url + ARTICLE
    s1, h1, b1 = get(url, BR)
    s2, h2, b2 = get(url, BR)
    assert s1 == s2 == 200 and b1 == b2 and h1["etag"] == h2["etag"]
    assert hit(proxy, h2), h2
    assert h2["content-encoding"] == "br"
    # Each encoding is its own entry: a client without brotli never gets the brotli bytes.
    for accept, coding in (("gzip, deflate", "gzip"), ("", None), ("br;q=1, gzip", "br")):
        for _ in range(2):
            s, h, body = get(url, {"Accept-Encoding": accept} if accept else {})
            assert s == 200 and h.get("content-encoding") == coding, (accept, h)
            if coding is None:
                assert body.startswith(b"<!doctype html>")
    assert h2["cache-control"].startswith("public, max-age=0, s-maxage=")
    # A browser revalidates every time (max-age=0): the cache answers 304 itself.
    s3, _h3, _ = get(url, {**BR, "If-None-Match": h2["etag"]})
    assert s3 == 304
    # Query strings and cookies neither reach the app nor create entries.
    before = len(app_requests(g, ARTICLE))
    for i in range(5):
        s, h, body = get(url + f"?utm_source={i}", {**BR, "Cookie": f"session={i}"})
        assert s == 200 and body == b1 and hit(proxy, h), h
    assert not [r for r in _all_access(g) if r["path"].startswith(ARTICLE + "?")]
    # Once s-maxage has passed, the cache asks the app again with If-None-Match: a 304.
    time.sleep(S_MAXAGE + 1.5)
    s4, _h4, b4 = get(url, BR)
    assert s4 == 200 and b4 == b1
    assert eventually(lambda: [r for r in app_requests(g, ARTICLE)[before:]
                               if r["status"] == 304]), app_requests(g, ARTICLE)[before:]


@pytest.mark.parametrize("proxy", ["nginx", "varnish"])
def test_accept_encoding_spellings_share_one_entry_per_encoding(stack, proxy):
    """Browsers spell Accept-Encoding many ways ("gzip, deflate, br", "br, gzip, zstd", ...)
    and an attacker can send any string: every spelling of the same encoding is a hit on the
    one stored copy, never a new entry (the app varies on Accept-Encoding)."""
    g, proxies = stack
    path = f"/zh/{SEED}/"
    url = proxies[proxy].url + path
    for accept in ("gzip, deflate, br", "gzip", ""):
        get(url, {"Accept-Encoding": accept} if accept else {})
    time.sleep(0.3)   # gunicorn writes a fill's access record just after its response
    before = len(app_requests(g, path))
    spellings = [("gzip, deflate, br, zstd", "br"), ("br;q=1.0, gzip;q=0.8, *;q=0.1", "br"),
                 ("gzip, deflate", "gzip"), ("deflate, gzip;q=1.0, *;q=0.5", "gzip"),
                 ("identity", None), ("compress", None)]
    spellings += [(f"gzip, x-random-{i}", "gzip") for i in range(5)]
    for accept, coding in spellings:
        s, h, _ = get(url, {"Accept-Encoding": accept})
        assert s == 200 and h.get("content-encoding") == coding, (accept, h)
    # A new entry is a full fetch (200) from the app; the stored copies may only be
    # revalidated (304) if the tests' short s-maxage runs out meanwhile.
    fetched = [r for r in app_requests(g, path)[before:] if r["status"] != 304]
    assert fetched == [], [(r["status"], r["ts"], r.get("path")) for r in app_requests(g, path)]


@pytest.mark.parametrize("proxy", ["nginx", "varnish"])
def test_every_response_carries_its_own_request_id(stack, proxy):
    """A cache hit is a new request: its X-Request-ID is the proxy's id for it, never the id
    of the request that filled the cache (which would point an operator at the wrong log)."""
    g, proxies = stack
    url = proxies[proxy].url + ARTICLE
    get(url, BR)
    ids, hits = [], 0
    for _ in range(3):
        _s, h, _ = get(url, BR)
        hits += hit(proxy, h)
        ids.append(h["x-request-id"])
    assert len(set(ids)) == 3, ids
    assert hits >= 2   # the tests' short s-maxage may run out once, not twice, meanwhile
    # A response that reaches the app (a 404 is never stored) carries the id the app logged.
    path = f"/en/no-such-article-{proxy}/"
    status, h, _ = get(proxies[proxy].url + path)
    logged = eventually(lambda: app_requests(g, path))
    assert status == 404 and [r["request_id"] for r in logged] == [h["x-request-id"]]


def eventually(check, timeout: float = 3.0):
    """``check()``'s first truthy value within ``timeout`` seconds (gunicorn writes an access
    record just after the response), else its last value."""
    deadline = time.monotonic() + timeout
    while not (value := check()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return value


def _all_access(g: Gunicorn) -> list[dict]:
    return [json.loads(x) for x in g.log.read_text("utf-8").splitlines()
            if '"type": "access"' in x]


@pytest.mark.parametrize("proxy", ["nginx", "varnish"])
def test_service_worker_and_manifests_always_revalidate(stack, proxy):
    g, proxies = stack
    for path in ("/sw.js", "/en/manifest.webmanifest"):
        url = proxies[proxy].url + path
        before = len(app_requests(g, path))
        s1, h1, _ = get(url)
        s2, h2, _ = get(url)
        assert s1 == s2 == 200 and h1["cache-control"] == "no-cache"
        assert not hit(proxy, h2)
        assert eventually(lambda p=path, b=before: len(app_requests(g, p)) - b == 2)   # both reached it
        s3, _h3, body = get(url, {"If-None-Match": h2["etag"]})
        assert s3 == 304 and body == b""


@pytest.mark.parametrize("proxy", ["nginx", "varnish"])
def test_invented_paths_are_not_stored(stack, proxy):
    """Redirects and 404s for paths a client invents never become lasting cache entries (an
    invented article path without its slash is a 404 at once, not a redirect to one): a
    404 in a locale's URL space is held its 10 s (negative caching, so a flood of one invented
    path stops at the cache), every other 404 and every redirect is never stored."""
    _g, proxies = stack
    for path, status, stored in (("/en/archive", 308, False),
                                 (f"/en/{proxy}-invented-path-1", 404, True),
                                 (f"/{proxy}-invented-path/", 404, False),
                                 (f"//en/{proxy}-invented/", 404, False),
                                 (f"/en/{proxy}-invented-path-2/", 404, True),
                                 (f"/zh/page/98765{len(proxy)}/", 404, True)):
        hits = []
        for _ in range(2):
            got = urllib_no_redirect(proxies[proxy].url + path, {})
            assert got["status"] == status, (path, got)
            hits.append(hit(proxy, got["headers"]))
        assert hits == [False, stored], (path, hits)


@pytest.mark.parametrize("proxy", ["nginx", "varnish"])
def test_static_files_are_cached_for_a_year(stack, proxy):
    g, proxies = stack
    html = get(g.url + ARTICLE)[2].decode()
    css = linked_assets(html)[0]   # a content-hashed file the page links (its first module script)
    url = proxies[proxy].url + css
    s1, _h1, b1 = get(url, {"Accept-Encoding": "gzip"})
    s2, h2, b2 = get(url, {"Accept-Encoding": "gzip"})
    assert s1 == s2 == 200 and b1 == b2
    max_age = int(re.search(r"max-age=(\d+)", h2["cache-control"]).group(1))
    assert max_age >= 365 * 24 * 3600 and "immutable" in h2["cache-control"]
    assert hit(proxy, h2)


def test_publish_reaches_readers_through_both_caches(tree, tmp_path):
    """After release + HUP, nginx serves the new page within the app's s-maxage, and Varnish
    at once after scripts/after_reload.py --varnish (one gunicorn behind both caches)."""
    require("nginx", "varnishd")
    new_title = "Through the caches: a new headline"
    g = Gunicorn(tree, env={**APP_ENV, "WEB_CONCURRENCY": "1"}).start()
    proxies = {}
    try:
        proxies["nginx"] = start_proxy("nginx", tmp_path, g.port)
        proxies["varnish"] = start_proxy("varnish", tmp_path, g.port)
        old = {}
        for name, p in proxies.items():
            old[name] = get(p.url + ARTICLE, BR)[2]
            assert hit(name, get(p.url + ARTICLE, BR)[1])
        tree.set_msgstr(f"{SEED}/title", new_title)
        tree.build()
        old_workers = set(g.workers())
        g.hup()
        g.wait_workers(1, exclude=old_workers, timeout=90)
        switched = time.monotonic()
        # Varnish: the release hook waits for the new release, then bans what it changed
        # (its first run knows no earlier ban: every page).
        varnish = proxies["varnish"]
        purge = subprocess.run(
            [PYTHON, str(ROOT / "scripts" / "after_reload.py"), "--app", g.url,
             "--varnish", varnish.url, "--build-dir", str(tree.build_dir), "--timeout", "60"],
            capture_output=True, text=True, timeout=90, check=False)
        assert purge.returncode == 0, purge.stderr
        assert get(varnish.url + ARTICLE, BR)[2] != old["varnish"]
        assert new_title.encode() in get(varnish.url + ARTICLE)[2]
        # nginx: no purge; the page is refetched (revalidated) once s-maxage has passed.
        nginx = proxies["nginx"]
        while new_title.encode() not in get(nginx.url + ARTICLE)[2]:
            assert time.monotonic() - switched < S_MAXAGE + 2, "nginx kept the old page"
            time.sleep(0.2)
        print(f"\nnginx: new page {time.monotonic() - switched:.1f} s after the switch "
              f"(s-maxage {S_MAXAGE} s)")
    finally:
        for p in proxies.values():
            p.stop()
        g.stop()


def after_reload(g: Gunicorn, tree: ReleaseTree, varnish) -> subprocess.CompletedProcess:
    """scripts/after_reload.py --varnish, as the systemd unit's reload runs it."""
    proc = subprocess.run(
        [PYTHON, str(ROOT / "scripts" / "after_reload.py"), "--app", g.url,
         "--varnish", varnish.url, "--build-dir", str(tree.build_dir), "--timeout", "60"],
        capture_output=True, text=True, timeout=90, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc


def publish(g: Gunicorn, tree: ReleaseTree) -> None:
    """make release + kill -HUP, until the new worker serves."""
    tree.build()
    old_workers = set(g.workers())
    g.hup()
    g.wait_workers(1, exclude=old_workers, timeout=90)


def test_a_publish_bans_in_varnish_only_the_pages_it_changed(tree, tmp_path):
    """Two articles cached in Varnish; a publish changes one article's English title: after
    the reload hook that article's pages and the lists of articles (front page) are fetched
    fresh, while the other article's page stays a HIT, with the very bytes the new release
    serves. A publish that changes what every page shows (the stylesheet) bans every page."""
    require("varnishd")
    other = f"/en/{OTHER}/"
    tree.add_article(OTHER, "另一篇报道")
    tree.build()
    g = Gunicorn(tree, env={**APP_ENV, "WEB_CONCURRENCY": "1",
                            "JINTAN_PAGE_CACHE_CONTROL": "public, max-age=0, s-maxage=600"})
    g.start()
    varnish = None
    try:
        varnish = start_proxy("varnish", tmp_path, g.port)
        after_reload(g, tree, varnish)            # the first run knows no earlier ban: all
        pages = [ARTICLE, other, "/en/"]
        before = {path: get(varnish.url + path, BR)[2] for path in pages}
        assert all(hit("varnish", get(varnish.url + path, BR)[1]) for path in pages)

        new_title = "Only this article changed"
        tree.set_msgstr(f"{SEED}/title", new_title)
        publish(g, tree)
        out = after_reload(g, tree, varnish).stdout
        print("\n" + out)
        s, h, body = get(varnish.url + other, BR)
        assert hit("varnish", h), "the unchanged article's page was banned"
        assert body == before[other] == get(g.url + other, BR)[2]   # and it is still right
        s, h, body = get(varnish.url + ARTICLE)
        assert not hit("varnish", h) and new_title.encode() in body
        s, h, body = get(varnish.url + "/en/")
        assert not hit("varnish", h) and new_title.encode() in body

        tree.edit_css("\n/* a new look */\n")
        publish(g, tree)
        after_reload(g, tree, varnish)
        assert not hit("varnish", get(varnish.url + other, BR)[1])
    finally:
        if varnish:
            varnish.stop()
        g.stop()


class _Echo(BaseHTTPRequestHandler):
    """Answers every request with the headers it received, as JSON (never cacheable)."""

    def do_GET(self):
        body = json.dumps({k.lower(): v for k, v in self.headers.items()}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.mark.parametrize("proxy", ["nginx", "varnish"])
def test_proxies_overwrite_forwarded_headers(proxy, tmp_path):
    echo = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=echo.serve_forever, daemon=True)
    thread.start()
    p = None
    try:
        p = start_proxy(proxy, tmp_path, echo.server_address[1]) if proxy == "nginx" else \
            Varnish(tmp_path / "varnish", echo.server_address[1]).start(probe="/echo")
        forged = {"X-Forwarded-For": "6.6.6.6", "X-Forwarded-Proto": "https",
                  "X-Forwarded-Host": "evil.example", "X-Forwarded-Prefix": "//evil.example",
                  "X-Forwarded-Port": "444", "Forwarded": "for=6.6.6.6;host=evil.example",
                  "X-Request-ID": "forged-request-id-1"}
        seen = json.loads(get(p.url + "/echo", forged)[2])
        assert seen["x-forwarded-for"] == "127.0.0.1"
        assert seen["x-forwarded-proto"] == "http"
        for name in ("x-forwarded-host", "x-forwarded-prefix", "x-forwarded-port", "forwarded"):
            assert name not in seen, (name, seen)
        assert seen["x-request-id"] != "forged-request-id-1"
        assert re.fullmatch(r"[A-Za-z0-9._:-]{8,64}", seen["x-request-id"])
    finally:
        if p:
            p.stop()
        echo.shutdown()
        echo.server_close()


def test_varnish_accepts_purges_from_loopback_only(stack):
    _g, proxies = stack
    v = proxies["varnish"]
    assert v.purge(ARTICLE) == 200
    # The same request from another address (127.0.0.2, still this machine) is refused.
    with socket.create_connection(("127.0.0.1", v.port), timeout=5,
                                  source_address=("127.0.0.2", 0)) as s:
        s.sendall(b"BAN / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        reply = s.recv(4096)
    assert reply.startswith(b"HTTP/1.1 405"), reply[:100]


@pytest.mark.parametrize("proxy", ["nginx", "varnish"])
def test_search_results_are_keyed_by_query_and_page(stack, proxy):
    """Search results read ?q= and ?page=: each query is its own entry (held briefly), other
    query parameters neither reach the app nor make entries."""
    g, proxies = stack
    base = proxies[proxy].url + "/en/search/"
    s1, h1, b1 = get(base + "?q=battery", BR)
    s2, h2, b2 = get(base + "?q=zzzz", BR)
    assert s1 == s2 == 200 and b1 != b2
    assert "s-maxage" in h1["cache-control"]
    s3, h3, b3 = get(base + "?q=battery&utm_source=x", BR)
    assert s3 == 200 and b3 == b1 and hit(proxy, h3), h3
    s4, _h4, b4 = get(base + "?q=battery&page=1", BR)
    assert s4 == 200
    assert not [r for r in _all_access(g) if "utm_source" in r["path"]]


ENCODINGS = (("br", "br"), ("gzip", "gzip"), ("", None))


def test_varnish_purge_reaches_every_encoding_of_a_page(stack):
    """PURGE /en/<slug>/ removes the br, gzip and identity copies: each is a MISS next time
    (vcl_hash must not add a key the PURGE request never sets)."""
    _g, proxies = stack
    v = proxies["varnish"]
    url = v.url + ARTICLE
    for accept, _coding in ENCODINGS:
        get(url, {"Accept-Encoding": accept} if accept else {})
        assert hit("varnish", get(url, {"Accept-Encoding": accept} if accept else {})[1])
    assert v.purge(ARTICLE) == 200
    for accept, coding in ENCODINGS:
        s, h, _ = get(url, {"Accept-Encoding": accept} if accept else {})
        assert s == 200 and h.get("content-encoding") == coding
        assert not hit("varnish", h), (accept, h)


def test_expired_pages_are_served_stale_while_the_origin_is_down(tree, tmp_path):
    """Grace / stale-if-error: with gunicorn stopped, a page cached before and expired since
    (past s-maxage) is still a 200 with the same bytes from both caches, from the first
    request on (Varnish's probe needs seconds to mark the backend sick: no 503 meanwhile)."""
    require("nginx", "varnishd")
    g = Gunicorn(tree, env={**APP_ENV, "WEB_CONCURRENCY": "1"}).start()
    proxies = {}
    try:
        proxies["nginx"] = start_proxy("nginx", tmp_path, g.port)
        proxies["varnish"] = start_proxy("varnish", tmp_path, g.port)
        kept = {}
        for name, p in proxies.items():
            for accept, _coding in ENCODINGS:
                kept[name, accept] = get(p.url + ARTICLE,
                                         {"Accept-Encoding": accept} if accept else {})[2]
        # The origin goes down just before the pages expire: the probe still counts it healthy
        # for a few seconds after they have.
        time.sleep(S_MAXAGE - 1)
        g.stop()
        time.sleep(1.5)
        statuses = {name: [] for name in proxies}
        deadline = time.monotonic() + 8      # longer than the probe's window (3 × 5 s / 2)
        while time.monotonic() < deadline:
            for name, p in proxies.items():
                for accept, coding in ENCODINGS:
                    s, h, body = get(p.url + ARTICLE,
                                     {"Accept-Encoding": accept} if accept else {})
                    statuses[name].append(s)
                    assert s == 200 and body == kept[name, accept], (name, accept, s, h)
                    assert h.get("content-encoding") == coding
            time.sleep(0.5)
        print(f"\nstale responses with the origin down: "
              f"{ {n: len(v) for n, v in statuses.items()} }")
    finally:
        for p in proxies.values():
            p.stop()
        g.stop()


RESTART_PAGES = [ARTICLE, "/en/", "/zh/", f"/en/{SEED}/parallel/"]


@pytest.mark.parametrize("proxy", ["nginx", "varnish"])
def test_an_origin_restart_under_load_costs_readers_of_cached_pages_nothing(tree, tmp_path,
                                                                           proxy):
    """The origin stopped and started again under wrk (32 connections, 5 s, a 2 s timeout),
    pages expiring every second: every request through the cache is a 200 within 3 s. The hard
    part is the window in which a new gunicorn master listens but no worker has booted yet:
    connections wait in its backlog and nothing answers. Here that window is a plain socket
    listening on the origin's port for 3.5 s without accepting (a new master whose workers
    boot slowly, as on a loaded machine), then gunicorn starts for real. Before the fix
    nginx's request refreshing an expired page, and Varnish's requests queued behind it
    (``req.grace = 0s`` while the probe still said healthy), waited until wrk gave up
    (3 timeouts through nginx, 32 through Varnish)."""
    require("nginx", "varnishd", "wrk")
    g = Gunicorn(tree, env={**APP_ENV, "WEB_CONCURRENCY": "2",
                            "JINTAN_PAGE_CACHE_CONTROL": "public, max-age=0, s-maxage=1"})
    g.start()
    p = None
    try:
        p = start_proxy(proxy, tmp_path, g.port)
        for path in RESTART_PAGES:
            assert get(p.url + path)[0] == 200
        load = wrk(p.url, connections=32, duration=5, paths=RESTART_PAGES, timeout="3s",
                   background=True, workdir=tmp_path)
        time.sleep(0.3)
        old = g.proc
        g.signal(signal.SIGTERM)     # the master closes its socket at once, then its workers end
        with socket.socket() as hole:          # listening, never accepting: a booting master
            hole.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            deadline = time.monotonic() + 3
            while True:
                try:
                    hole.bind(("127.0.0.1", g.port))
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.02)
            hole.listen(128)
            time.sleep(3.5)
        old.wait(20)
        g.start(wait=False)
        r = wrk_result(load)
        g.wait_ready()
        print(f"\n{proxy}: {r['requests']} requests across the restart, socket errors "
              f"{r['socket']}, non-2xx {r['non2xx']}, max {r['max_ms']:.0f} ms")
        assert r["requests"] > 0
        assert r["errors"] == 0 and r["non2xx"] == 0, r["raw"]
    finally:
        if p:
            p.stop()
        g.stop()


def objects(proxy: str, p) -> int:
    """Objects the cache holds: Varnish's MAIN.n_object, nginx's files in its cache folder."""
    if proxy == "varnish":
        out = subprocess.run([tool("varnishstat"), "-n", str(p.workdir / "n"), "-1", "-f",
                              "MAIN.n_object"], capture_output=True, text=True, check=True)
        return int(out.stdout.split()[1])
    return sum(1 for f in p.cache.rglob("*") if f.is_file())


def pct(text: str) -> str:
    return "".join(f"%{b:02X}" for b in text.encode())


# Spellings of ARTICLE (and the hosts a reader may spell the site's name with) that reach it.
PATH_SPELLINGS = [f"/En/{SEED}/", f"/EN/{SEED}/", f"/en-US/{SEED}/", f"/en_GB/{SEED}/",
                  f"/en/{SEED}", f"/En/{SEED}", f"/en/{pct(SEED[:6])}{SEED[6:]}/",
                  f"/{pct('en')}/{SEED}/", f"/en/{SEED}%2F", f"/en/{SEED}/%2E/",
                  f"/en/./{SEED}/", f"/en/x/../{SEED}/"]


def host_spellings(proxy_port: int) -> list[str]:
    return ["127.0.0.1", f"127.0.0.1:{proxy_port}", "LOCALHOST", "localhost.",
            "localhost:80", "Localhost.:80", "127.0.0.1."]


@pytest.mark.parametrize("proxy", ["nginx", "varnish"])
def test_one_page_is_at_most_three_objects_however_its_url_is_spelled(stack, proxy):
    """deploy/README.md's promise: one page occupies at most three objects in each cache (br,
    gzip, identity), and no spelling of its URL or of the host is a 200 of its own (a
    redirect, never stored, or the canonical page's own object)."""
    g, proxies = stack
    p = proxies[proxy]
    url = p.url + ARTICLE
    for accept, _coding in ENCODINGS:
        get(url, {"Accept-Encoding": accept} if accept else {})
    before = eventually(lambda: objects(proxy, p))
    log_before = len(_all_access(g))
    for host in host_spellings(p.port):
        for accept, coding in ENCODINGS:
            headers = {"Host": host, **({"Accept-Encoding": accept} if accept else {})}
            s, h, _ = get(url, headers)
            assert s == 200 and h.get("content-encoding") == coding, (host, accept, s)
            for path in PATH_SPELLINGS:
                got = urllib_no_redirect(p.url + path, headers)
                assert got["status"] in (301, 308, 400, 404), (host, path, got)
                if got["status"] in (301, 308):
                    assert got["headers"]["location"].endswith(ARTICLE), (path, got)
    time.sleep(0.5)   # nginx writes a cache file after the response
    # (<=: objects of earlier tests may expire meanwhile; the short s-maxage may refetch the
    # page, which replaces its objects)
    assert eventually(lambda: objects(proxy, p) <= before, 5), (proxy, before, objects(proxy, p))
    # The app rendered nothing new: every 200 it sent was of the page's own URL.
    rendered = {r["path"] for r in _all_access(g)[log_before:]
                if r["status"] == 200 and r["path"] != "/healthz"}   # (Varnish's probe)
    assert rendered <= {ARTICLE}, rendered
    # A spelling the app 404s ("//en/<slug>/") never lands on the page's key.
    assert urllib_no_redirect(p.url + "//en/" + SEED + "/", {})["status"] == 404
    got = urllib_no_redirect(p.url + "/en//" + SEED + "/", {})
    assert got["status"] == 308 and got["headers"]["location"] == ARTICLE
    s, h, _ = get(url, BR)
    assert s == 200 and hit(proxy, h)


@pytest.mark.parametrize("proxy", ["nginx", "varnish"])
def test_a_precache_request_gets_the_revision_it_names_or_nothing(stack, proxy):
    """The service worker precaches shell pages as /<locale>/offline/?__rev=<revision> (the
    sha-256 prefix of the page's bytes, from the release's worker data). Through a cache, a
    revision other than the one stored is never answered with the stored bytes: the cache
    keys on __rev for these URLs, and the app answers a revision it does not have with a
    404 (no-store), so the worker's install fails and retries instead of keeping old bytes."""
    import hashlib
    g, proxies = stack
    p = proxies[proxy]
    path = "/zh/offline/"
    body = get(g.url + path)[2]
    rev = hashlib.sha256(body).hexdigest()[:12]
    for _ in range(2):
        s, h, got = get(p.url + path)             # the page itself, cached without a query
        assert s == 200 and got == body
    s, h, got = get(p.url + f"{path}?__rev={rev}")
    assert s == 200 and got == body
    s, h, got = get(p.url + f"{path}?__rev={rev}")
    assert s == 200 and got == body and hit(proxy, h), h   # the revision has its own entry
    for other in ("0123456789ab", rev[::-1]):
        for _ in range(2):
            s, h, got = get(p.url + f"{path}?__rev={other}")
            assert s == 404 and got != body and not hit(proxy, h), (other, s, h)
            assert h["cache-control"] == "no-store"
    # Any other query string is still dropped (no page reads one): no new entries.
    s, h, _ = get(p.url + f"{path}?utm_source=x")
    assert s == 200 and hit(proxy, h)


@pytest.mark.parametrize("proxy", ["nginx", "varnish"])
def test_a_respelled_static_file_is_never_a_second_object(stack, proxy):
    """Hashed static files are cached for a year: a respelled name ("%2E" for ".", "//",
    "/./") that whitenoise still serves must not become a year-long object of its own."""
    g, proxies = stack
    p = proxies[proxy]
    html = get(g.url + ARTICLE)[2].decode()
    css = linked_assets(html)[0]   # a content-hashed file the page links (its first module script)
    get(p.url + css)
    before = objects(proxy, p)
    folder = f"/{css.split('/')[2]}/"   # /js/ or /css/
    for spelling in (css.replace(".", "%2E", 1), css.replace(folder, folder + "/"),
                     css.replace(folder, "/." + folder), css.replace("/static/", "/static/%63ss/../")):
        assert spelling != css
        for _ in range(2):
            s, h, _ = get(p.url + spelling)
            assert not hit(proxy, h), (spelling, s, h)
    time.sleep(0.5)
    assert objects(proxy, p) <= before


def test_varnish_bans_every_page_of_one_article_by_its_surrogate_key(stack):
    """One publish, one ban: ``BAN`` with ``X-Surrogate-Key: article-<slug>`` removes that
    article's pages in every locale and encoding (and its parallel views), nothing else;
    ``listing`` removes the pages that list articles (front pages, archives, feeds)."""
    _g, proxies = stack
    v = proxies["varnish"]
    article_pages = [f"/en/{SEED}/", f"/zh/{SEED}/", f"/zh-hant/{SEED}/parallel/"]
    lists = ["/en/", "/zh/archive/", "/en/feed.atom"]

    def fill():
        for path in article_pages + lists:
            for headers in (BR, {}):
                get(v.url + path, headers)
                assert hit("varnish", get(v.url + path, headers)[1]), path

    def ban(key: str) -> int:
        return get(v.url + "/", {"X-Surrogate-Key": key}, method="BAN")[0]

    fill()
    assert get(v.url + f"/en/{SEED}/")[1]["surrogate-key"] == f"article-{SEED}"
    assert get(v.url + "/en/")[1]["surrogate-key"] == "listing"
    assert ban(f"article-{SEED}") == 200
    for path in article_pages:
        for headers in (BR, {}):
            assert not hit("varnish", get(v.url + path, headers)[1]), path
    for path in lists:
        assert hit("varnish", get(v.url + path, BR)[1]), path
    assert ban("listing") == 200
    for path in lists:
        assert not hit("varnish", get(v.url + path, BR)[1]), path
    assert ban(".*") == 400   # a key is [a-z0-9-]+, never a regular expression
    # A held 404 of an article not published yet goes with that article's ban.
    get(v.url + "/en/coming-soon/")
    assert hit("varnish", get(v.url + "/en/coming-soon/")[1])
    assert ban("article-coming-soon") == 200
    assert not hit("varnish", get(v.url + "/en/coming-soon/")[1])


def test_a_publish_ban_also_removes_cached_404s(stack):
    """A 404 held for its 10 s (an article not published yet) is removed by the publish's
    ``BAN /`` like every page: the new article shows at once, not 10 s later."""
    _g, proxies = stack
    v = proxies["varnish"]
    path = "/en/not-published-yet/"
    get(v.url + path)
    s, h, _ = get(v.url + path)
    assert s == 404 and hit("varnish", h)
    assert get(v.url + "/", method="BAN")[0] == 200
    s, h, _ = get(v.url + path)
    assert s == 404 and not hit("varnish", h)

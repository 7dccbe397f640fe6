"""`make bench`: throughput, latency, publishing, shared caches, faults, page weight and audits,
printed as figures.

Everything targets 127.0.0.1 and is bounded in time (``BENCH_SECONDS`` per wrk run, default 8).
Comparisons run side by side in one run (ratios), since absolute numbers on a shared 2-core
machine are noisy. Sections (all by default; name some to run only those):

- ``app``: the article under the production gunicorn config vs a bare Flask view returning the
  same bytes under the same config, vs nginx serving those bytes as a static file; 256
  connections; the 304 path; RSS per worker; bytes of the first view.
- ``caches``: the article through nginx's ``proxy_cache`` (deploy/nginx/jintan.conf) and
  through Varnish (deploy/varnish/default.vcl, default and tuned thread pools) vs nginx
  serving the same bytes as a file, app idle (every request a cache hit).
- ``publish``: ``make release`` + ``kill -HUP`` under wrk (64 connections), with the hand-off
  and without it (``GUNICORN_HANDOFF_TIMEOUT=0``): errors, pages old/new/mixed, worst latency;
  start to first 200.
- ``faults``: SIGKILL of a worker under load (direct, through nginx, through Varnish); a full
  queue (2,000 connections).
- ``lifecycle``: ``BENCH_PUBLISHES`` (default 10) publishes that change the stylesheet, each
  under wrk and page-loading readers directly, through nginx and through Varnish (pages
  ``s-maxage=1`` so new pages reach readers at once): failed and unstyled page loads (an
  unstyled load: a linked stylesheet answered non-200); then errors while the origin is
  stopped and started again under load. Runs alone: ``python scripts/bench.py lifecycle``.
- ``notfound``: invented paths (404) against memo hits direct to gunicorn and through nginx
  and Varnish, and a reader's article p99 during a 64-connection 404 flood direct to gunicorn
  (``python scripts/bench.py notfound`` runs it alone).
- ``audits``: MDN HTTP Observatory and Lighthouse (need bench/node_modules and Chromium).

Needs: wrk, nginx and varnish (Debian packages; `make browser` installs them).
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts.harness import SEED, Gunicorn, ReleaseTree, fetch, get
from scripts.servers import ARTICLE, Nginx, PageLoads, Varnish, wrk, wrk_result
from webapp.config import ROOT  # noqa: E402

DURATION = int(os.environ.get("BENCH_SECONDS", "8"))
CACHE_ROUNDS = int(os.environ.get("BENCH_CACHE_ROUNDS", "3"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
TITLE = "How can a small city build a “big industry”?"


def fmt(r: dict) -> str:
    errors = f"errors {r['errors'] + r['non2xx']}"
    if r["socket"]:
        errors += " (" + ", ".join(f"{k} {v}" for k, v in r["socket"].items() if v) + ")"
    return (f"{r['rps']:9.0f} req/s  p50 {r['p50_ms']:.1f} ms  p99 {r['p99_ms']:.1f} ms  "
            f"{errors}")


def bench_wrk(url: str, connections: int = 64, **kw) -> dict:
    return wrk(url, connections=connections, duration=DURATION, **kw)


def first_view_bytes(base: str, path: str) -> tuple[int, int]:
    """(compressed HTML bytes, compressed bytes of HTML + every same-origin CSS/JS/icon it
    links), as a browser with brotli support would download them."""
    html, _ = fetch(base + path, {"Accept-Encoding": "br"})
    plain, _ = fetch(base + path)
    total = len(html)
    for url in set(re.findall(rb'(?:href|src)="(/static/[^"]+)"', plain)):
        body, _ = fetch(base + url.decode(), {"Accept-Encoding": "br"})
        total += len(body)
    return len(html), total


def static_nginx(root: Path, body: bytes) -> Nginx:
    """nginx serving ``body`` as /article.html (the baseline for every ratio)."""
    site = root / "site"
    site.mkdir(parents=True, exist_ok=True)
    site.chmod(0o755)
    (site / "article.html").write_bytes(body)
    n = Nginx(root, 0, workers=2, site_conf="")
    (root / "site.conf").write_text(
        f"server {{ listen 127.0.0.1:{n.port} reuseport; root {site}; "
        "location / { default_type text/html; } }\n")
    return n.start(probe="/article.html")


# --- sections ---------------------------------------------------------------------------------

def section_app(tmp: Path, tree: ReleaseTree, out: dict) -> None:
    g = Gunicorn(tree).start(path=ARTICLE)
    bare = nginx = None
    try:
        body, headers = fetch(g.url + ARTICLE)
        (tmp / "bare.html").write_bytes(body)
        bare = Gunicorn(tree, env={"GUNICORN_WSGI_APP": "scripts.bench_bare:app",
                                   "BENCH_BARE_BODY": str(tmp / "bare.html")}).start()
        nginx = static_nginx(tmp / "nginx-static-app", body)
        for url in (g.url + ARTICLE, bare.url + "/", nginx.url + "/article.html"):
            fetch(url)
        a = bench_wrk(g.url + ARTICLE)
        b = bench_wrk(bare.url + "/")
        n = bench_wrk(nginx.url + "/article.html")
        c = bench_wrk(g.url + ARTICLE, 256)
        r = bench_wrk(g.url + ARTICLE, headers={"If-None-Match": headers["etag"]})
        rss = g.worker_rss_mb()
        html_br, first_view = first_view_bytes(g.url, ARTICLE)
    finally:
        for server in (bare, nginx, g):
            if server:
                server.stop()
    print("## Throughput (64 connections, identity encoding, same bytes)")
    print(f"article (gunicorn + Flask app)   {fmt(a)}")
    print(f"bare Flask view, same config     {fmt(b)}")
    print(f"nginx static file                {fmt(n)}")
    print(f"ratio article / bare Flask       {a['rps'] / b['rps']:.2f}   (target >= 0.90)")
    print(f"ratio article / nginx            {a['rps'] / n['rps']:.2f}")
    print(f"\n## 256 connections: {fmt(c)} (target 0 errors)")
    print(f"## 304 path (If-None-Match): {fmt(r)}")
    print(f"## RSS per worker: {', '.join(f'{x:.1f} MB' for x in rss)}")
    print(f"\n## Bytes: article HTML {html_br} B brotli (target < 14336); first view "
          f"{first_view} B (target < 51200)")
    out["app"] = {"article": a, "bare": b, "nginx": n}


def section_caches(tmp: Path, tree: ReleaseTree, out: dict) -> None:
    env = {"JINTAN_PROXY_FIX_HOPS": "1"}
    g = Gunicorn(tree, env=env).start(path=ARTICLE)
    servers = []
    try:
        body, _ = fetch(g.url + ARTICLE)
        static = static_nginx(tmp / "nginx-static", body)
        servers.append(static)
        cache = Nginx(tmp / "nginx-cache", g.port, workers=2).start()
        servers.append(cache)
        varnish = Varnish(tmp / "varnish", g.port).start()
        servers.append(varnish)
        tuned = Varnish(tmp / "varnish-tuned", g.port, params=[
            "thread_pools=1", "thread_pool_min=8", "thread_pool_max=64",
            "thread_pool_reserve=2"]).start()
        servers.append(tuned)
        for url in (cache.url, varnish.url, tuned.url):
            for _ in range(3):   # cached, identity (no Accept-Encoding, as wrk sends)
                same, _h = fetch(url + ARTICLE)
                assert same == body, "the cache must serve the app's bytes"
        targets = {"static": static.url + "/article.html", "nginx": cache.url + ARTICLE,
                   "varnish": varnish.url + ARTICLE, "tuned": tuned.url + ARTICLE}
        for url in targets.values():
            wrk(url, connections=64, duration=2)   # warm-up (first opens, thread pools): not measured
        # Interleaved rounds: a noisy neighbour on a shared machine hits every server alike,
        # and each ratio compares runs a few seconds apart.
        rounds = [{name: bench_wrk(url) for name, url in targets.items()}
                  for _ in range(CACHE_ROUNDS)]
        app_hits = sum(1 for line in g.log_text().splitlines() if ARTICLE in line)
    finally:
        for s in servers:
            s.stop()
        g.stop()

    def median_of(name: str) -> dict:
        return sorted((r[name] for r in rounds), key=lambda x: x["rps"])[len(rounds) // 2]

    def ratio(name: str) -> float:
        return statistics.median(r[name]["rps"] / r["static"]["rps"] for r in rounds)

    n, c, v, t = (median_of(name) for name in ("static", "nginx", "varnish", "tuned"))
    base = n["rps"]
    print(f"\n## Shared caches, app idle (64 connections, identity, same bytes; median of "
          f"{CACHE_ROUNDS} interleaved rounds)")
    print(f"nginx static file                {fmt(n)}")
    print(f"nginx proxy_cache (deploy/)      {fmt(c)}")
    print(f"Varnish, deploy VCL, defaults    {fmt(v)}")
    print(f"Varnish, 1 pool of 8-64 threads  {fmt(t)}")
    print(f"ratio nginx cache / static       {ratio('nginx'):.2f}   (target >= 0.75; rounds: "
          + ", ".join(f"{r['nginx']['rps'] / r['static']['rps']:.2f}" for r in rounds) + ")")
    print(f"ratio Varnish / nginx static     {ratio('varnish'):.2f} (defaults), "
          f"{ratio('tuned'):.2f} (tuned)")
    print(f"requests that reached the app    {app_hits} (the warm-up fetches only)")
    out["caches"] = {"static": base, "nginx": c, "varnish": v, "tuned": t}


def section_publish(tmp: Path, tree: ReleaseTree, out: dict) -> None:
    print("\n## Publishing: make release + kill -HUP under wrk (64 connections, 2 workers)")
    for label, env in (("hand-off (default)", {}),
                       ("gunicorn alone (GUNICORN_HANDOFF_TIMEOUT=0)",
                        {"GUNICORN_HANDOFF_TIMEOUT": "0"})):
        work = tmp / f"publish-{len(out.get('publish', {}))}"
        shutil.copytree(tree.root, work, symlinks=True, ignore=shutil.ignore_patterns("*.log"))
        t = ReleaseTree(work)
        g = Gunicorn(t, env=env)
        g.start(wait=False)
        first = g.wait_ready(ARTICLE, timeout=120)
        new_title = f"Published while under load ({len(out.get('publish', {}))})"
        t.set_msgstr(f"{SEED}/title", new_title)
        built = time.monotonic()
        t.build()
        built = time.monotonic() - built
        load = wrk(g.url, connections=64, duration=60, paths=[ARTICLE], old=[TITLE],
                   new=[new_title], background=True, workdir=work)
        try:
            time.sleep(2)
            old = set(g.workers())
            hup = time.monotonic()
            g.hup()
            first_new = None
            while time.monotonic() - hup < 60:
                status, _h, body = get(g.url + ARTICLE, {"Connection": "close"}, timeout=30)
                if status == 200 and new_title.encode() in body:
                    first_new = time.monotonic() - hup
                    break
            g.wait_workers(2, exclude=old, timeout=60)
            gone = time.monotonic() - hup
            time.sleep(2)
        finally:
            load.send_signal(signal.SIGINT)
            r = wrk_result(load)
            g.stop()
        rep = r["report"]
        print(f"{label}:\n  {r['requests']} requests, {fmt(r)}, max {r['max_ms']:.0f} ms; "
              f"pages old {rep['old']}, new {rep['new']}, mixed {rep['mixed']}, other "
              f"{rep['neither']}; build {built:.1f} s; first new page {first_new or -1:.1f} s "
              f"and old workers gone {gone:.1f} s after HUP; start to first 200 {first:.1f} s")
        out.setdefault("publish", {})[label] = r


def section_faults(tmp: Path, tree: ReleaseTree, out: dict) -> None:
    print("\n## Faults")
    g = Gunicorn(tree, env={"JINTAN_PROXY_FIX_HOPS": "1"}).start(path=ARTICLE)
    proxy = Nginx(tmp / "nginx-faults", g.port, workers=2).start()
    varnish = Varnish(tmp / "varnish-faults", g.port).start()
    try:
        for label, base in (("direct", g.url), ("through nginx, /healthz (not cached)", proxy.url),
                            ("through Varnish, /healthz (not cached)", varnish.url)):
            path = ARTICLE if base == g.url else "/healthz"
            load = wrk(base, connections=64, duration=60, paths=[path], background=True,
                       workdir=tmp)
            time.sleep(2)
            victim = g.workers()[0]
            os.kill(victim, signal.SIGKILL)
            g.wait_workers(2, exclude={victim}, timeout=60)
            time.sleep(2)
            load.send_signal(signal.SIGINT)
            r = wrk_result(load)
            print(f"kill -9 of 1 of 2 workers, 64 connections, {label}: {r['requests']} requests,"
                  f" {fmt(r)}, wrong statuses {r['report']['s5xx'] + r['report']['s4xx']}")
        full = bench_wrk(g.url + ARTICLE, 2000)
        print(f"full queue, 2,000 connections (2 workers x 1,000, backlog 2,048): {fmt(full)}, "
              f"max {full['max_ms']:.0f} ms")
        out["faults"] = {"full": full}
    finally:
        varnish.stop()
        proxy.stop()
        g.stop()


LIFECYCLE_PAGES = [ARTICLE, "/en/", "/zh/", f"/en/{SEED}/parallel/"]
PUBLISHES = int(os.environ.get("BENCH_PUBLISHES", "10"))


def _fronts(tmp: Path, g: Gunicorn) -> dict[str, str]:
    """Base URLs: gunicorn itself, nginx and Varnish in front of it (started here)."""
    nginx = Nginx(tmp / "nginx-lifecycle", g.port).start()
    varnish = Varnish(tmp / "varnish-lifecycle", g.port).start()
    _fronts.started = [varnish, nginx]
    return {"gunicorn": g.url, "nginx": nginx.url, "varnish": varnish.url}


def _under_load(fronts: dict[str, str], tmp: Path, seconds: float, act) -> dict:
    """Run wrk (16 connections) and 2 page-loading readers on every front while ``act()``
    runs; returns per front: wrk requests, wrk errors (socket + non-2xx) and the readers."""
    loads = {name: wrk(url, connections=16, duration=seconds, paths=LIFECYCLE_PAGES,
                       background=True, workdir=tmp) for name, url in fronts.items()}
    readers = {name: PageLoads(url, LIFECYCLE_PAGES, threads=2).start()
               for name, url in fronts.items()}
    try:
        act()
    finally:
        for r in readers.values():
            r.stop()
        results = {name: wrk_result(p) for name, p in loads.items()}
    return {name: {"requests": r["requests"], "errors": r["errors"] + r["non2xx"],
                   "timeouts": r["socket"].get("timeout", 0), "max_ms": r["max_ms"],
                   "readers": readers[name]} for name, r in results.items()}


def _publish_once(g: Gunicorn, t: ReleaseTree, i: int) -> None:
    t.edit_css(f"\n/* bench publish {i} */\n.bench-{i} {{ color: inherit; }}\n")
    t.build()
    time.sleep(1)
    old = set(g.workers())
    g.hup()
    g.wait_workers(len(old), exclude=old, timeout=90)
    time.sleep(1.5)


def section_lifecycle(tmp: Path, tree: ReleaseTree, out: dict) -> None:
    work = tmp / "lifecycle"
    shutil.copytree(tree.root, work, symlinks=True, ignore=shutil.ignore_patterns("*.log"))
    t = ReleaseTree(work)
    g = Gunicorn(t, env={"WEB_CONCURRENCY": "4", "JINTAN_PROXY_FIX_HOPS": "1",
                         "JINTAN_PAGE_CACHE_CONTROL": "public, max-age=0, s-maxage=1"})
    g.start(path=ARTICLE)
    fronts = _fronts(tmp, g)
    print(f"\n## Lifecycle: {PUBLISHES} publishes changing site.css, 4 workers, each under wrk "
          "(16 connections) and 2 page-loading readers per front; pages s-maxage=1")
    total = {name: {"requests": 0, "errors": 0, "loads": 0, "failed": 0, "unstyled": 0}
             for name in fronts}
    try:
        for i in range(PUBLISHES):
            seconds = min(DURATION, 5) + 3
            for name, r in _under_load(fronts, work, seconds,
                                       lambda i=i: _publish_once(g, t, i)).items():
                tot, rd = total[name], r["readers"]
                tot["requests"] += r["requests"]
                tot["errors"] += r["errors"]
                tot["loads"] += rd.loads
                tot["failed"] += rd.failed
                tot["unstyled"] += rd.unstyled
        for name, tot in total.items():
            print(f"{name:9} {tot['requests']} requests, {tot['errors']} failed; "
                  f"{tot['loads']} page loads, {tot['failed']} failed, {tot['unstyled']} unstyled"
                  "  (target 0 failed and 0 unstyled)")
        print(f"\nOrigin stopped (SIGTERM) and started again under load, {min(DURATION, 5)} s:")

        def restart():
            time.sleep(1)
            g.stop()
            g.start(path="/healthz")
        restarted = _under_load(fronts, work, min(DURATION, 5) + 2, restart)
        for name, r in restarted.items():
            print(f"{name:9} {r['requests']} requests, {r['errors']} errors "
                  f"({r['timeouts']} timeouts, slowest {r['max_ms']:.0f} ms); page loads "
                  f"{r['readers'].loads}, failed {r['readers'].failed}"
                  + ("  (target 0)" if name != "gunicorn" else "  (no cache: refused while down)")
                  + (f"; first: {r['readers'].bad[:3]}" if r["readers"].bad else ""))
        out["lifecycle"] = {"publishes": total,
                            "restart": {k: v["errors"] for k, v in restarted.items()}}
    finally:
        for d in getattr(_fronts, "started", []):
            d.stop()
        g.stop()


def lighthouse(url: str, out: Path) -> dict:
    """Lighthouse mobile (default form factor, simulated throttling) on one URL."""
    cli = ROOT / "bench" / "node_modules" / ".bin" / "lighthouse"
    flags = ("--headless=new --no-sandbox --disable-gpu --disable-background-networking "
             "--disable-component-update --no-first-run")
    subprocess.run([str(cli), url, "--quiet", "--output=json", f"--output-path={out}",
                    f"--chrome-flags={flags}", "--max-wait-for-load=30000"],
                   check=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=240)
    report = json.loads(out.read_text())
    cats = {k: round(v["score"] * 100) for k, v in report["categories"].items()}
    audits = report["audits"]
    return {**cats,
            "LCP_s": audits["largest-contentful-paint"]["numericValue"] / 1000,
            "CLS": audits["cumulative-layout-shift"]["numericValue"],
            "TBT_ms": audits["total-blocking-time"]["numericValue"],
            "bytes": audits["total-byte-weight"]["numericValue"],
            "failed": [a["id"] for a in audits.values()
                       if a.get("score") is not None and a["score"] < 1
                       and a.get("scoreDisplayMode") in ("binary", "numeric")][:12]}


def observatory(host: str) -> dict:
    """MDN HTTP Observatory (npm @mdn/mdn-http-observatory 1.4.8) scan of ``host`` (host:port)."""
    cli = ROOT / "bench" / "node_modules" / ".bin" / "mdn-http-observatory-scan"
    out = subprocess.run([str(cli), host], capture_output=True, text=True, check=True, timeout=120)
    report = json.loads(out.stdout)
    failed = [f"{name} ({t['scoreModifier']:+d})" for name, t in report["tests"].items()
              if not t["pass"]]
    return {"grade": report["scan"]["grade"], "score": report["scan"]["score"], "failed": failed}


def section_audits(tmp: Path, tree: ReleaseTree, out: dict) -> None:
    g = Gunicorn(tree).start(path=ARTICLE)
    try:
        if (ROOT / "bench/node_modules/.bin/mdn-http-observatory-scan").exists():
            obs = observatory(f"127.0.0.1:{g.port}")
            print(f"\n## MDN HTTP Observatory: {obs['grade']} ({obs['score']}/100); failed: "
                  f"{', '.join(obs['failed']) or 'none'} (plain-HTTP loopback: HTTPS redirect "
                  "and HSTS cannot pass; behind the README's TLS proxy they do)")
        if shutil.which("node") and (ROOT / "bench/node_modules/.bin/lighthouse").exists() \
                and Path(CHROMIUM).exists():
            print("\n## Lighthouse 12.8.2, mobile, simulated throttling")
            for locale in ("zh", "en"):
                lh = lighthouse(f"{g.url}/{locale}/{SEED}/", tmp / f"lh-{locale}.json")
                print(f"{locale}: performance {lh['performance']}, accessibility "
                      f"{lh['accessibility']}, best-practices {lh['best-practices']}, SEO "
                      f"{lh['seo']}; LCP {lh['LCP_s']:.2f} s, CLS {lh['CLS']:.3f}, TBT "
                      f"{lh['TBT_ms']:.0f} ms, {lh['bytes']:.0f} B"
                      + (f"; below 1: {', '.join(lh['failed'])}" if lh["failed"] else ""))
        else:
            print("\n## Lighthouse: skipped (run `npm i -E` in bench/ and install chromium)")
    finally:
        g.stop()


def invented_paths(n: int, seed: int) -> list[str]:
    """``n`` distinct paths no release has (``/en/nf-<12 hex>/``): 404s in a locale's space."""
    rnd = random.Random(seed)
    return [f"/en/nf-{rnd.getrandbits(48):012x}/" for _ in range(n)]


def section_notfound(tmp: Path, tree: ReleaseTree, out: dict) -> None:
    """Cheap 404s (issue 21): invented paths against memo hits, direct to gunicorn and through
    each cache, and a reader's article during a 64-connection flood of invented paths direct
    to gunicorn. Every run goes through the same wrk script (one Lua request() per request)."""
    g = Gunicorn(tree, env={"JINTAN_PROXY_FIX_HOPS": "1"}).start(path=ARTICLE)
    servers = []
    try:
        nginx = Nginx(tmp / "nginx-404", g.port, workers=2).start()
        servers.append(nginx)
        varnish = Varnish(tmp / "varnish-404", g.port).start()
        servers.append(varnish)
        for base in (g.url, nginx.url, varnish.url):
            for _ in range(2):
                fetch(base + ARTICLE)
        wrk(g.url, connections=64, duration=2, paths=[ARTICLE])   # warm-up, not measured
        def reached() -> int:   # invented-path requests in gunicorn's access log so far
            return g.log_text().count("/en/nf-")

        # Interleaved rounds, each pair (hit, 404) back to back: a noisy neighbour hits both.
        rounds, app_got = [], {}
        for k in range(CACHE_ROUNDS):
            runs = {}
            for name, url, paths in (
                    # direct (the app keeps nothing per path: 5,000 cycled paths are all new)
                    ("app hit", g.url, [ARTICLE]),
                    ("app 404", g.url, invented_paths(5000, 10 * k + 1)),
                    # through the caches: a flood cycling 1,000 invented paths (held 10 s)
                    ("nginx hit", nginx.url, [ARTICLE]),
                    ("nginx 404", nginx.url, invented_paths(1000, 10 * k + 2)),
                    ("varnish hit", varnish.url, [ARTICLE]),
                    ("varnish 404", varnish.url, invented_paths(1000, 10 * k + 3))):
                before = reached()
                runs[name] = bench_wrk(url, paths=paths)
                app_got[name] = app_got.get(name, 0) + reached() - before
            rounds.append(runs)
        runs = {name: sorted((r[name] for r in rounds), key=lambda x: x["rps"])[len(rounds) // 2]
                for name in rounds[0]}
        flood = wrk(g.url, connections=64, duration=DURATION, paths=invented_paths(5000, 4),
                    background=True)
        time.sleep(0.5)
        reader = wrk(g.url, connections=2, threads=1, duration=max(1, DURATION - 1),
                     paths=[ARTICLE])
        runs["flood"] = wrk_result(flood)
        runs["reader"] = reader
        rounds_text = {where: ", ".join(f"{r[f'{where} 404']['rps'] / r[f'{where} hit']['rps']:.2f}"
                                        for r in rounds) for where in ("app", "nginx", "varnish")}
    finally:
        for srv in servers:
            srv.stop()
        g.stop()

    def row(label: str, r: dict) -> str:
        rep = r.get("report", {})
        reached = f"  reached the app {app_got[label]}" if label in app_got else ""
        return (f"{label:34s}{r['rps']:9.0f} req/s  p50 {r['p50_ms']:.1f} ms  p99 "
                f"{r['p99_ms']:.1f} ms  2xx {rep.get('s2xx', 0)} 4xx {rep.get('s4xx', 0)} "
                f"5xx {rep.get('s5xx', 0)} socket errors {r['errors']}{reached}")

    print(f"\n## Cheap 404s (64 connections, identity, {DURATION} s per run; median of "
          f"{CACHE_ROUNDS} interleaved rounds; 'reached the app': all rounds)")
    for name, r in runs.items():
        print(row(name, r))
    ratios = {where: statistics.median(r[f"{where} 404"]["rps"] / r[f"{where} hit"]["rps"]
                                       for r in rounds)
              for where in ("app", "nginx", "varnish")}
    print(f"ratio 404 / memo hit, direct      {ratios['app']:.2f}   (target >= 0.5; rounds: "
          f"{rounds_text['app']})")
    print(f"ratio 404 / cached hit, nginx     {ratios['nginx']:.2f}   (target >= 0.5; rounds: "
          f"{rounds_text['nginx']})")
    print(f"ratio 404 / cached hit, Varnish   {ratios['varnish']:.2f}   (rounds: "
          f"{rounds_text['varnish']})")
    print(f"reader's article p99 in the flood {runs['reader']['p99_ms']:.1f} ms (target < 100 ms;"
          f" p50 {runs['reader']['p50_ms']:.1f} ms)")
    out["notfound"] = {"ratios": ratios, "reader_p99_ms": runs["reader"]["p99_ms"]}


SECTIONS = {"app": section_app, "caches": section_caches, "publish": section_publish,
            "faults": section_faults, "lifecycle": section_lifecycle,
            "audits": section_audits, "notfound": section_notfound}


def main(argv: list[str]) -> int:
    import faulthandler
    faulthandler.dump_traceback_later(int(os.environ.get("BENCH_WATCHDOG", "1500")), exit=True)
    names = argv or list(SECTIONS)
    unknown = set(names) - set(SECTIONS)
    if unknown:
        print(f"unknown sections {sorted(unknown)}; choose from {list(SECTIONS)}",
              file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    tmp.chmod(0o755)
    print(f"# Jintan Reader benchmark, {time.strftime('%Y-%m-%d %H:%M')} UTC, "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}, wrk {DURATION}s "
          "per run\n")
    tree = ReleaseTree(tmp / "tree")
    tree.build()
    out: dict = {}
    try:
        for name in names:
            SECTIONS[name](tmp, tree, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

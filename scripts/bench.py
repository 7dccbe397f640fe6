"""`make bench`: throughput, latency, memory, page weight and Lighthouse, printed as figures.

Everything targets 127.0.0.1 and is bounded in time. Comparisons run side by side in one run
(ratios), since absolute numbers on a shared 2-core machine are noisy:

- article page under the production gunicorn config vs a bare Flask view returning the same
  bytes under the same config, and vs nginx serving those bytes as a static file;
- p50/p99 latency and errors at 256 connections; the 304 (If-None-Match) path;
- RSS per gunicorn worker;
- bytes: article HTML compressed (target < 14 KB, one round trip) and the first view (< 50 KB);
- Lighthouse 12.8.2 mobile on the article in both locales (target 100 in all four categories,
  LCP < 1.2 s simulated).

Needs: wrk and nginx (Debian packages), Node with bench/node_modules (npm i -E in bench/).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from scripts.gunicorn_server import GunicornServer, free_port  # noqa: E402
from webapp.config import ROOT  # noqa: E402

DURATION = int(os.environ.get("BENCH_SECONDS", "8"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTICLE = "/en/jintan-new-energy/"


def wrk(url: str, connections: int, headers: dict | None = None) -> dict:
    """Run wrk (2 threads, DURATION s) and parse requests/s, latency percentiles and errors."""
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{DURATION}s", "--latency", "--timeout", "5s"]
    for k, v in (headers or {}).items():
        cmd += ["-H", f"{k}: {v}"]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def ms(label):
        m = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = 0
    if m := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out):
        errors += sum(int(x) for x in m.groups())
    if m := re.search(r"Non-2xx or 3xx responses: (\d+)", out):
        errors += int(m.group(1))
    return {"rps": rps, "p50_ms": ms("50"), "p99_ms": ms("99"), "errors": errors}


def rss_per_worker_mb(master_pid: int) -> list[float]:
    children = subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True,
                              text=True).stdout.split()
    sizes = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        sizes.append(int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024)
    return sizes


def fetch(url: str, headers: dict | None = None) -> tuple[bytes, dict]:
    req = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.read(), dict(resp.headers)


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


def start_nginx(root: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    conf = root / "nginx.conf"
    conf.write_text(f"""
worker_processes 2;
pid {root}/nginx.pid;
error_log {root}/error.log;
daemon off;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {root}; proxy_temp_path {root}; fastcgi_temp_path {root};
  uwsgi_temp_path {root}; scgi_temp_path {root};
  server {{
    listen 127.0.0.1:{port};
    root {root}/site;
    location / {{ default_type text/html; }}
  }}
}}
""")
    proc = subprocess.Popen(["nginx", "-c", str(conf), "-p", str(root)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(50):
        try:
            fetch(f"http://127.0.0.1:{port}/article.html")
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("nginx did not start")


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
    failed = [f"{name} ({t['scoreModifier']:+d})" for name, t in report["tests"].items() if not t["pass"]]
    return {"grade": report["scan"]["grade"], "score": report["scan"]["score"], "failed": failed}


def main() -> int:
    import faulthandler
    faulthandler.dump_traceback_later(int(os.environ.get("BENCH_WATCHDOG", "900")), exit=True)
    tmp = Path(tempfile.mkdtemp(prefix="bench-"))
    tmp.chmod(0o755)  # nginx workers run as nobody and must read the site folder
    print(f"# Jintan Reader benchmark, {time.strftime('%Y-%m-%d %H:%M')} UTC, "
          f"{os.cpu_count()} cores, wrk {DURATION}s per run\n")
    (tmp / "app").mkdir()
    app = GunicornServer(tmp / "app").start()
    bare = nginx = None
    results = {}
    try:
        article_url = app.url + ARTICLE
        body, headers = fetch(article_url)
        site = tmp / "nginx" / "site"
        site.mkdir(parents=True)
        (site / "article.html").write_bytes(body)
        (tmp / "bare.html").write_bytes(body)
        bare = GunicornServer(tmp, env={"GUNICORN_WSGI_APP": "scripts.bench_bare:app",
                                        "BENCH_BARE_BODY": str(tmp / "bare.html")}).start()
        nginx, nginx_url = start_nginx(tmp / "nginx")
        # warm up every server once
        for url in (article_url, bare.url + "/", nginx_url + "/article.html"):
            fetch(url)
        results["article"] = wrk(article_url, 64)
        results["bare_flask"] = wrk(bare.url + "/", 64)
        results["nginx_static"] = wrk(nginx_url + "/article.html", 64)
        results["article_256"] = wrk(article_url, 256)
        results["article_304"] = wrk(article_url, 64, {"If-None-Match": headers["ETag"]})
        rss = rss_per_worker_mb(app.proc.pid)
        html_br, first_view = first_view_bytes(app.url, ARTICLE)
    finally:
        if bare:
            bare.stop()
        if nginx:
            nginx.terminate()
            nginx.wait(10)
        if not results.get("article_304"):
            app.stop()

    a, b, n = results["article"], results["bare_flask"], results["nginx_static"]
    print("## Throughput (64 connections, identity encoding, same bytes)")
    print(f"article (gunicorn + Flask app)   {a['rps']:9.0f} req/s  p50 {a['p50_ms']:.1f} ms  p99 {a['p99_ms']:.1f} ms  errors {a['errors']}")
    print(f"bare Flask view, same config     {b['rps']:9.0f} req/s  p50 {b['p50_ms']:.1f} ms  p99 {b['p99_ms']:.1f} ms  errors {b['errors']}")
    print(f"nginx static file                {n['rps']:9.0f} req/s  p50 {n['p50_ms']:.1f} ms  p99 {n['p99_ms']:.1f} ms  errors {n['errors']}")
    print(f"ratio article / bare Flask       {a['rps'] / b['rps']:.2f}   (target >= 0.90)")
    print(f"ratio article / nginx            {a['rps'] / n['rps']:.2f}")
    c = results["article_256"]
    print(f"\n## 256 connections: {c['rps']:.0f} req/s, p50 {c['p50_ms']:.1f} ms, p99 {c['p99_ms']:.1f} ms, errors {c['errors']} (target 0)")
    r = results["article_304"]
    print(f"## 304 path (If-None-Match): {r['rps']:.0f} req/s, p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms, errors {r['errors']}")
    print(f"## RSS per worker: {', '.join(f'{x:.1f} MB' for x in rss)}")
    print(f"\n## Bytes: article HTML {html_br} B brotli (target < 14336); first view {first_view} B (target < 51200)")

    if (ROOT / "bench/node_modules/.bin/mdn-http-observatory-scan").exists():
        obs = observatory(f"127.0.0.1:{app.port}")
        print(f"\n## MDN HTTP Observatory: {obs['grade']} ({obs['score']}/100); failed: "
              f"{', '.join(obs['failed']) or 'none'} (plain-HTTP loopback: HTTPS redirect and "
              "HSTS cannot pass; behind the README's TLS proxy they do)")

    if shutil.which("node") and (ROOT / "bench/node_modules/.bin/lighthouse").exists() and Path(CHROMIUM).exists():
        print("\n## Lighthouse 12.8.2, mobile, simulated throttling")
        for locale in ("zh", "en"):
            lh = lighthouse(f"{app.url}/{locale}/jintan-new-energy/", tmp / f"lh-{locale}.json")
            print(f"{locale}: performance {lh['performance']}, accessibility {lh['accessibility']}, "
                  f"best-practices {lh['best-practices']}, SEO {lh['seo']}; LCP {lh['LCP_s']:.2f} s, "
                  f"CLS {lh['CLS']:.3f}, TBT {lh['TBT_ms']:.0f} ms, {lh['bytes']:.0f} B"
                  + (f"; below 1: {', '.join(lh['failed'])}" if lh["failed"] else ""))
    else:
        print("\n## Lighthouse: skipped (run `npm i -E` in bench/ and install chromium)")
    app.stop()
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

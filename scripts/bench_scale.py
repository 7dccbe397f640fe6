"""`make bench-scale N='10 100 1000 5000'`: what the archive's size costs, as one table.

For each N, a synthetic archive (scripts/synth.py: the seed's paragraphs reshuffled, every
article translated) is built into build/scale/<N>/ and measured:

- publishing: a cold release build, a rebuild with nothing changed, and publishing one new
  article (the translation cycle for it, then the release build);
- serving (gunicorn, production config: 2 workers per core, loopback): start to first 200, RSS
  of the largest worker after 1,000 random page requests per worker, the cold render time of 200 pages never requested before
  (in-process, no network), wrk at 64 connections on one article (p99) and on random articles;
- bytes a phone downloads (brotli): front page, /sw.js, the worker's first install (shell +
  front page + newest articles of one locale), the sitemap index and its largest part, a feed;
- search (issue 26): index size against the text it indexes, the index step's cost when one
  article is published, recall of a few queries every synthetic article must match, and wrk
  at 64 connections on results pages: a mix of 24 queries (mostly answered by the bounded
  results memo) and distinct two-word queries (mostly misses: each renders).

``--search`` (``python scripts/bench_scale.py --search 1000 5000``) measures the search rows only,
on the archives built before (no cold build: build/scale/<N>/ is kept), beside the same wrk
on a static file and on a memoised article.

Targets (issue 9/10) are printed beside the 5,000 column. Everything runs on 127.0.0.1 and is
bounded in time.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import synth  # noqa: E402

from scripts import harness  # noqa: E402
from scripts.harness import Gunicorn, ReleaseTree  # noqa: E402
from webapp import contract  # noqa: E402

PY = sys.executable
# gunicorn.conf.py's default (2 per core), as in production
WORKERS = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1))
WRK_SECONDS = int(os.environ.get("BENCH_SECONDS", "5"))


def timed(cmd: list[str], env: dict) -> float:
    """Seconds ``cmd`` took (run from the project, output dropped). :raises CalledProcessError:"""
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - start


def timed_build(tree: ReleaseTree) -> float:
    """Seconds the release build of ``tree`` took (``make release``). :raises RuntimeError:"""
    start = time.perf_counter()
    tree.build()
    return time.perf_counter() - start


def fetch(url: str, br: bool = True) -> bytes:
    """The body of a GET that must answer 200, brotli-compressed with ``br``."""
    return harness.fetch(url, {"Accept-Encoding": "br"} if br else {}, timeout=30)[0]


def wrk(url: str, script: Path | None = None) -> dict:
    cmd = ["wrk", "-t2", "-c64", f"-d{WRK_SECONDS}s", "--latency", "--timeout", "5s"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run(cmd + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    m = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
    errors = sum(int(x) for x in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    return {"rps": rps, "p99": p99, "errors": errors}


def measure(n: int) -> dict:
    base = ROOT / "build" / "scale" / str(n)
    if not (base / "content").exists() or len(list((base / "content").glob("*.md"))) != n:
        synth.generate(n, base)
    shutil.rmtree(base / "build", ignore_errors=True)
    for extra in (base / "content").glob("zz-*.md"):
        extra.unlink()
    tree = ReleaseTree(base)
    env = {**os.environ, "PYTHONPATH": str(ROOT), **tree.env}
    r: dict = {}
    r["build_cold_s"] = timed_build(tree)
    r["build_noop_s"] = timed_build(tree)
    new = base / "content" / "zz-new-article.md"
    text = (base / "content" / "synthetic-00001.md").read_text("utf-8").replace("（1）", "（新）")
    new.write_text(text, "utf-8")
    r["publish_cycle_s"] = timed([PY, "-m", "webapp.desk.catalogs", "update", "--no-ui",
                                  "zz-new-article"], env)
    r["publish_build_s"] = timed_build(tree)
    info = json.loads((contract.current_link(base / "build") / contract.RELEASE_INFO).read_text())
    r["search"] = info["search"]
    r["search_recall"] = search_recall(env, n)
    catalog = base / "translations" / "en" / "LC_MESSAGES" / "articles" / "zz-new-article.po"
    r["catalog_kb"] = catalog.stat().st_size / 1024

    # cold renders in-process (no network, no memo hits): 200 distinct pages
    code = ("import random,time,json,sys;from webapp.web.factory import create_app;from webapp.web.pages import "
            "render_path;app=create_app();rel=app.extensions['reader'].release;"
            "slugs=rel.slugs();random.seed(1);"
            "paths=[f'/{random.choice([\"zh\",\"en\",\"zh-hant\"])}/{s}/' for s in "
            "random.sample(slugs,min(200,len(slugs)))];t=[];"
            "[t.append((lambda a:(render_path(app,p),time.perf_counter()-a)[1])(time.perf_counter())) for p in paths];"
            "t.sort();print(json.dumps({'median':t[len(t)//2]*1000,'p99':t[int(len(t)*.99)-1]*1000,"
            "'max':t[-1]*1000}))")
    out = subprocess.run([PY, "-c", code], env=env, capture_output=True, text=True, check=True,
                         cwd=ROOT).stdout
    r["cold_render_ms"] = json.loads(out.strip().splitlines()[-1])
    r["search_miss_ms"] = search_misses(env)

    g = Gunicorn(tree, env={"WEB_CONCURRENCY": str(WORKERS), "GUNICORN_ACCESS_LOG": "/dev/null"})
    url = g.url
    g.start(wait=False)
    try:
        r["first_200_s"] = g.wait_ready("/zh/", timeout=120)
        g.wait_release(tree.current)   # every worker booted before the requests below
        rng = random.Random(2)
        slugs = [p.stem for p in (base / "content").glob("*.md")]
        kinds = ["/{l}/{s}/", "/{l}/{s}/parallel/", "/{l}/"]
        for _ in range(1000 * WORKERS):   # each request on a new connection: any worker
            path = rng.choice(kinds).format(l=rng.choice(["zh", "en", "zh-hant"]),
                                            s=rng.choice(slugs))
            fetch(url + path)
        r["rss_mb"] = max(g.worker_rss_mb())
        r["hot_article"] = wrk(url + "/en/synthetic-00001/")
        lua = Path(tempfile.mkstemp(suffix=".lua")[1])
        sample = rng.sample(slugs, min(len(slugs), 2000))
        lua.write_text("local p = {" + ",".join(f'"/en/{s}/"' for s in sample) + "}\n"
                       "request = function() return wrk.format(nil, p[math.random(#p)]) end\n")
        r["random_articles"] = wrk(url, lua)
        lua.unlink()
        r["front_br"] = len(fetch(url + "/zh/"))
        sw = fetch(url + "/sw.js")
        r["sw_br"] = len(sw)
        sw_text = fetch(url + "/sw.js", br=False).decode()
        data = json.loads(sw_text.partition("\n")[0].removeprefix("const DATA = ").removesuffix(";"))
        shell, latest = data["shell"], data["latest"]
        keys = [e["url"] + (f"?__rev={e['revision']}" if e["revision"] else "") for e in shell]
        first = sum(len(fetch(url + k)) for k in keys + latest["zh"])
        r["first_install_br"] = first + len(sw)
        index = fetch(url + "/sitemap.xml", br=False).decode()
        parts = re.findall(r"<loc>http://[^/]+(/[^<]+)</loc>", index)
        r["sitemap_index_br"] = len(fetch(url + "/sitemap.xml"))
        sizes = [(len(fetch(url + p, br=False)), len(fetch(url + p))) for p in parts]
        r["sitemap_part_max"] = max(sizes)
        r["sitemap_parts"] = len(parts)
        r["feed_br"] = len(fetch(url + "/zh/feed.atom"))
        mix = search_script(SEARCH_MIX)
        for _ in range(2):                 # first passes: each worker renders each page once
            wrk(url, mix)
        r["search_mix"] = wrk(url, mix)    # then: what a reader meets, mostly memo hits
        pairs = [f"{a} {b}" for a in SEARCH_WORDS for b in SEARCH_WORDS if a != b]
        r["search_distinct"] = wrk(url, search_script(pairs))
    finally:
        g.stop()
    return r


SEARCH_MIX = ["光伏", "电池", "電池", "中创新航", "20亿元", "盐穴", "金坛", "储能", "新能源汽车",
              "动力电池", "項目", "产业链", "battery", "batteries", "\"salt cavern\"", "energy storage",
              "photovoltaic", "Jintan", "industry", "zzzz", "火星基地", "光", "盐", "新"]
RECALL_QUERIES = ["光伏", "电池", "電池", "中创新航", "20亿元", "盐穴", "batteries", "\"salt cavern\""]


def search_script(queries: list[str]) -> Path:
    """A wrk Lua script requesting /<locale>/search/?q=<one of queries> at random."""
    from urllib.parse import quote
    paths = [f"/{loc}/search/?q={quote(q)}" for q in queries for loc in ("zh", "en", "zh-hant")]
    lua = Path(tempfile.mkstemp(suffix=".lua")[1])
    lua.write_text("local p = {" + ",".join(f'"{p}"' for p in paths) + "}\n"
                   "request = function() return wrk.format(nil, p[math.random(#p)]) end\n")
    return lua


SEARCH_WORDS = ["金坛", "电池", "光伏", "储能", "产业", "项目", "企业", "新能源", "发展", "创新",
                "battery", "energy", "industry", "storage", "city", "Jintan"]


def search_misses(env: dict) -> dict:
    """In-process (no network, one thread): the time to answer 240 distinct two-word queries,
    each a results page never asked before (query, snippets, page): median and p99 in ms."""
    code = ("import json,time,sys;from urllib.parse import quote;from webapp.web.factory import create_app;"
            "from webapp.web.pages import render_path;app=create_app();"
            "words=json.loads(sys.argv[1]);"
            "paths=[f'/{l}/search/?q='+quote(a+' '+b) for a in words for b in words if a!=b "
            "for l in ('zh',)];render_path(app,'/zh/search/?q=x');t=[];"
            "[t.append((lambda a:(render_path(app,p),time.perf_counter()-a)[1])(time.perf_counter())) for p in paths];"
            "t.sort();print(json.dumps({'median':t[len(t)//2]*1000,'p99':t[int(len(t)*.99)-1]*1000}))")
    out = subprocess.run([PY, "-c", code, json.dumps(SEARCH_WORDS)], env=env, capture_output=True,
                         text=True, check=True, cwd=ROOT).stdout
    return json.loads(out.strip().splitlines()[-1])


def search_recall(env: dict, n: int, published: int = 1) -> float:
    """Share of (query, article) pairs found: every query of RECALL_QUERIES is in every
    synthetic article, and the Chinese ones also in the ``published`` articles just published
    (not yet translated into English); "zzzz" must find nothing (else recall counts as 0)."""
    code = ("import json,sys;from webapp.web.factory import create_app;from webapp.search import parse_query;"
            "ix=create_app().extensions['reader'].release.search;"
            "q=json.loads(sys.argv[1]);"
            "print(json.dumps([len(ix.search(parse_query(x))) for x in q]))")
    out = subprocess.run([PY, "-c", code, json.dumps(RECALL_QUERIES + ["zzzz"])], env=env,
                         capture_output=True, text=True, check=True, cwd=ROOT).stdout
    counts = json.loads(out.strip().splitlines()[-1])
    if counts[-1]:
        return 0.0
    expected = [n + published if re.search(r"[\u4e00-\u9fff]", q) else n for q in RECALL_QUERIES]
    return sum(min(c, e) for c, e in zip(counts, expected, strict=False)) / sum(expected)


def under_load(key: str):
    """A table cell: wrk's requests per second and p99 (ms) of measurement ``key``."""
    return lambda r: f"{r[key]['rps']:,.0f}, {r[key]['p99']:.0f}"


def spread(key: str):
    """A table cell: median / p99 (ms) of measurement ``key``."""
    return lambda r: f"{r[key]['median']:.1f} / {r[key]['p99']:.1f}"


def measure_search(n: int) -> dict:
    """``--search``: the search rows only, on the archive of ``n`` articles built before in
    build/scale/<n>/ (built there once if missing; then an incremental build, seconds when
    nothing changed), beside the same wrk on a static file and on a memoised article (the
    ratio says what is the machine's and what is search's)."""
    base = ROOT / "build" / "scale" / str(n)
    if not (base / "content").exists() or len(list((base / "content").glob("*.md"))) < n:
        synth.generate(n, base)
    tree = ReleaseTree(base)
    env = {**os.environ, "PYTHONPATH": str(ROOT), **tree.env}
    timed_build(tree)
    current = contract.current_link(base / "build")
    info = json.loads((current / contract.RELEASE_INFO).read_text())
    worker = json.loads((current / contract.WORKER_DATA).read_text())
    import brotli
    fold = json.dumps(worker["scriptFold"], ensure_ascii=False).encode()
    r: dict = {"search": info["search"], "search_recall": search_recall(env, n, len(list((base / "content").glob("zz-*.md")))),
               "search_miss_ms": search_misses(env),
               "script_fold": (len(worker["scriptFold"]) // 2, len(brotli.compress(fold)))}
    g = Gunicorn(tree, env={"WEB_CONCURRENCY": str(WORKERS), "GUNICORN_ACCESS_LOG": "/dev/null"})
    g.start()                      # every worker serves the current release
    url = g.url
    try:
        css = next(p for p in info["assets"].values() if p.endswith(".css"))
        mix = search_script(SEARCH_MIX)
        for _ in range(2):                 # first passes: each worker renders each page once
            wrk(url, mix)
        r["static"] = wrk(url + "/static/" + css)
        r["hot_article"] = wrk(url + "/en/synthetic-00001/")
        r["search_mix"] = wrk(url, mix)
        pairs = [f"{a} {b}" for a in SEARCH_WORDS for b in SEARCH_WORDS if a != b]
        r["search_distinct"] = wrk(url, search_script(pairs))
    finally:
        g.stop()
    return r


def search_table(results: dict[int, dict]) -> str:
    """The ``--search`` rows as a Markdown table."""
    ns = sorted(results)
    w = under_load
    rows = [
        ("search index / text it indexes (MB)", lambda r: f"{r['search']['index_bytes'] / 2**20:.1f} / "
         f"{r['search']['text_bytes'] / 2**20:.1f} ({r['search']['index_bytes'] / r['search']['text_bytes']:.0%})",
         "< 30 %"),
        ("search recall (synthetic queries)", lambda r: f"{r['search_recall']:.0%}", "100 %"),
        ("search miss in-process (distinct query), median / p99 (ms)",
         lambda r: f"{r['search_miss_ms']['median']:.1f} / {r['search_miss_ms']['p99']:.1f}", ""),
        ("same wrk on a static file (whitenoise): req/s, p99 (ms)", w("static"), ""),
        ("same wrk on a memoised article: req/s, p99 (ms)", w("hot_article"), ""),
        ("search, 24-query mix, 64 conn: req/s, p99 (ms)", w("search_mix"), "p99 < 20"),
        ("search, distinct 2-word queries, 64 conn: req/s, p99 (ms)", w("search_distinct"), ""),
        ("offline script table: pairs, brotli bytes", lambda r: f"{r['script_fold'][0]:,}, "
         f"{r['script_fold'][1]:,} B", ""),
    ]
    head = "| N articles | " + " | ".join(f"{n:,}" for n in ns) + " | target |"
    lines = [head, "|---" * (len(ns) + 2) + "|"]
    for label, fmt, target in rows:
        lines.append(f"| {label} | " + " | ".join(fmt(results[n]) for n in ns) + f" | {target} |")
    return "\n".join(lines)


def table(results: dict[int, dict]) -> str:
    ns = sorted(results)
    rows = [
        ("release build, cold (s)", lambda r: f"{r['build_cold_s']:.1f}", ""),
        ("release build, nothing changed (s)", lambda r: f"{r['build_noop_s']:.1f}", ""),
        ("publish 1 article: translation cycle (s)", lambda r: f"{r['publish_cycle_s']:.1f}", ""),
        ("publish 1 article: release build (s)", lambda r: f"{r['publish_build_s']:.1f}",
         "cycle + build < 10"),
        ("catalog a translator opens (KB)", lambda r: f"{r['catalog_kb']:.0f}", "one article"),
        ("gunicorn start to first 200 (s)", lambda r: f"{r['first_200_s']:.2f}", "< 10"),
        (f"RSS per worker after 1,000 random pages each ({WORKERS} workers, MB)", lambda r: f"{r['rss_mb']:.0f}", "< 120"),
        ("cold render, median / p99 (ms)", spread("cold_render_ms"), "< 50"),
        ("hot article, 64 conn: req/s, p99 (ms)", under_load("hot_article"), "p99 < 50"),
        ("random articles, 64 conn: req/s, p99 (ms)", under_load("random_articles"), ""),
        ("front page, brotli (KB)", lambda r: f"{r['front_br'] / 1024:.1f}", "< 30"),
        ("/sw.js, brotli (KB)", lambda r: f"{r['sw_br'] / 1024:.1f}", ""),
        ("worker's first install, brotli (KB)", lambda r: f"{r['first_install_br'] / 1024:.0f}",
         "< 300"),
        ("sitemap index / parts", lambda r: f"{r['sitemap_index_br']} B / {r['sitemap_parts']}", ""),
        ("largest sitemap part, raw / brotli (KB)",
         lambda r: f"{r['sitemap_part_max'][0] / 1024:.0f} / {r['sitemap_part_max'][1] / 1024:.0f}",
         "< 50 MB, 50,000 URLs"),
        ("feed, brotli (KB)", lambda r: f"{r['feed_br'] / 1024:.0f}", ""),
        ("search index / text it indexes (MB)", lambda r: f"{r['search']['index_bytes'] / 2**20:.1f} / "
         f"{r['search']['text_bytes'] / 2**20:.1f} ({r['search']['index_bytes'] / r['search']['text_bytes']:.0%})",
         "< 30 %"),
        ("search index step, publishing 1 article (s)", lambda r: f"{r['search']['seconds']:.2f}",
         "< 1"),
        ("search recall (synthetic queries)", lambda r: f"{r['search_recall']:.0%}", "100 %"),
        ("search, 24-query mix, 64 conn: req/s, p99 (ms)", under_load("search_mix"), "p99 < 20"),
        ("search miss in-process (distinct query), median / p99 (ms)", spread("search_miss_ms"),
         ""),
        ("search, distinct 2-word queries, 64 conn: req/s, p99 (ms)", under_load("search_distinct"),
         ""),
    ]
    head = "| N articles | " + " | ".join(f"{n:,}" for n in ns) + " | target |"
    lines = [head, "|---" * (len(ns) + 2) + "|"]
    for label, fmt, target in rows:
        lines.append(f"| {label} | " + " | ".join(fmt(results[n]) for n in ns) + f" | {target} |")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    only_search = "--search" in argv
    ns = [int(a) for a in argv if a != "--search"] or [10, 100, 1000, 5000]
    results = {}
    for n in ns:
        print(f"measuring {n} articles ...", file=sys.stderr, flush=True)
        results[n] = measure_search(n) if only_search else measure(n)
        print(json.dumps({n: results[n]}), file=sys.stderr, flush=True)
    print(search_table(results) if only_search else table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

"""Process lifecycle through the real servers: a publish whose stylesheet changes never gives a
reader a page without its CSS (every worker serves every hashed file of the pool, old workers
included, during the HUP hand-off), directly and through nginx."""

from __future__ import annotations

import signal
import time

import pytest

from tests.ops.conftest import dump_log, require
from scripts.servers import ARTICLE, Nginx, PageLoads, wrk, wrk_result

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

"""The static pool as a worker serves it (webapp.web.delivery.StaticPool): hashed files a later
build adds are served with the same headers as those indexed at boot; nothing else is."""

from __future__ import annotations

from werkzeug.test import Client
from werkzeug.wrappers import Response

from webapp import contract
from webapp.publish import assets
from webapp.web.delivery import StaticPool

CSS = b"body { color: black }\n" * 200   # large enough to be compressed


def not_found(environ, start_response):
    return Response("app 404", status=404)(environ, start_response)


def pool_client(root) -> Client:
    app = StaticPool(not_found, root=str(root), prefix="static/", hashed=contract.HASHED_RE,
                     immutable_file_test=lambda path, url: bool(contract.HASHED_RE.search(url)),
                     max_age=60, allow_all_origins=False)
    return Client(app)


def test_a_hashed_file_added_after_boot_is_served_immutable(tmp_path):
    pool, src = tmp_path / "static", tmp_path / "src"
    (src / "css").mkdir(parents=True)
    (src / "css" / "site.css").write_bytes(CSS + b"/* old */")
    first = assets.build(src, pool)["css/site.css"]
    client = pool_client(pool)                       # the worker boots: pool indexed
    (src / "css" / "site.css").write_bytes(CSS)
    added = assets.build(src, pool)["css/site.css"]  # the next release's build
    assert added != first
    for name in (first, added):
        resp = client.get(f"/static/{name}", headers={"Accept-Encoding": "gzip"})
        resp.close()
        assert resp.status_code == 200, name
        assert "immutable" in resp.headers["Cache-Control"]
        assert resp.headers["Content-Type"].startswith("text/css")
        assert resp.headers["Content-Encoding"] == "gzip"


def test_only_existing_hashed_names_inside_the_pool(tmp_path):
    pool = tmp_path / "static"
    pool.mkdir()
    client = pool_client(pool)
    (pool / "site.0123456789ab.css").write_bytes(CSS)
    (pool / "site.0123456789ab.css.gz").write_bytes(b"x")
    (tmp_path / "secret.0123456789ab.css").write_bytes(b"secret")
    (pool / "plain.css").write_bytes(CSS)
    resp = client.get("/static/site.0123456789ab.css")
    resp.close()
    assert resp.status_code == 200
    for path in ("/static/../secret.0123456789ab.css", "/static//site.0123456789ab.css",
                 "/static/site.0123456789ab.css.gz", "/static/plain.css",
                 "/static/missing.0123456789ab.css", "/site.0123456789ab.css"):
        resp = client.get(path)
        assert resp.status_code == 404 and resp.data == b"app 404", path

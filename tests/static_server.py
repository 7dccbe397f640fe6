"""A plain static file server for the exported site (tests only): Python's http.server with
the MIME types a PWA needs and per-locale 404 pages, as the README's nginx config does."""

from __future__ import annotations

import functools
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class Handler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map,
                      ".js": "text/javascript", ".webmanifest": "application/manifest+json",
                      ".atom": "application/atom+xml", ".xml": "application/xml",
                      ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8"}

    def send_error(self, code, message=None, explain=None):
        """404: the locale's exported not-found page (``/<segment>/404.html``), else
        ``/404.html``."""
        if code != 404:
            return super().send_error(code, message, explain)
        root = Path(self.directory)
        segment = self.path.lstrip("/").split("/", 1)[0].split("?", 1)[0]
        page = root / segment / "404.html"
        body = (page if segment and page.is_file() else root / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, *args):  # keep test output quiet
        pass


class StaticServer:
    """Serve ``root`` on a free 127.0.0.1 port in a daemon thread; ``stop()`` shuts it down."""

    def __init__(self, root: Path | str):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0),
                                         functools.partial(Handler, directory=str(root)))
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

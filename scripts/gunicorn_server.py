"""A real gunicorn (the project's gunicorn.conf.py) on a free loopback port, serving a release
built into a folder of its own: for the benchmarks, the screenshots and the tests.

``GunicornServer(workdir).start()`` runs ``python -m webapp.publish.build`` with
``JINTAN_BUILD_DIR=<workdir>/build`` (the project's content and catalogs unless ``env`` names
others with ``JINTAN_CONTENT_DIR``/``JINTAN_TRANSLATIONS_DIR``), then gunicorn with the same
``JINTAN_`` settings, and waits for ``/healthz``. Absolute URLs (``JINTAN_SITE_URL``) are the
server's own address unless ``env`` says otherwise. ``build()`` then ``hup()`` publishes a new
release the way an operator does (``make release``, ``kill -HUP``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from scripts.processes import free_port, stop_process
from webapp import contract

ROOT = Path(__file__).resolve().parent.parent


class GunicornServer:
    """gunicorn with gunicorn.conf.py on 127.0.0.1:<free port>, serving its own release.

    :param workdir: folder for the build output (``build/``) and the log.
    :param env: extra environment for the build and gunicorn (``JINTAN_*``, ``GUNICORN_*``).
    """

    def __init__(self, workdir: Path, env: dict | None = None):
        self.workdir = Path(workdir)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.build_dir = self.workdir / "build"
        self.env = {"JINTAN_BUILD_DIR": str(self.build_dir), "JINTAN_SITE_URL": self.url,
                    **(env or {})}
        self.proc: subprocess.Popen | None = None
        self.log = self.workdir / f"gunicorn-{self.port}.log"

    def _environ(self) -> dict:
        return {**os.environ, "PYTHONPATH": str(ROOT), **self.env}

    def build(self) -> None:
        """Build and switch to a release of the current content (``make release``).
        :raises RuntimeError: with the build's ``file:line: message`` output when it fails."""
        proc = subprocess.run([sys.executable, "-m", "webapp.publish.build"], cwd=ROOT,
                              env=self._environ(), capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"release build failed:\n{proc.stderr}")

    def start(self, timeout: float = 30) -> GunicornServer:
        """Build a release if there is none yet, start gunicorn and wait for ``/healthz``."""
        if not contract.current_link(self.build_dir).exists():
            self.build()
        env = {**self._environ(), "GUNICORN_BIND": f"127.0.0.1:{self.port}",
               "WEB_CONCURRENCY": self.env.get("WEB_CONCURRENCY", "2")}
        gunicorn = Path(sys.executable).with_name("gunicorn")
        with self.log.open("ab") as log:  # the child keeps its own copy of the descriptor
            self.proc = subprocess.Popen([str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py")],
                                         cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as resp:
                    if resp.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f} s")

    def hup(self) -> None:
        """``kill -HUP`` the master: new workers load the current release."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGHUP)

    def stop(self) -> None:
        stop_process(self.proc, 10)

    def restart(self) -> None:
        self.stop()
        self.start()

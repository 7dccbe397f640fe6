"""A real gunicorn (the project's gunicorn.conf.py) on a free loopback port, for browser,
slow-client and deploy tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from webapp.config import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class GunicornServer:
    """gunicorn with the project's gunicorn.conf.py on a free loopback port (whitenoise's
    AppServer idea, but the real production server). ``restart()`` picks up changed files."""

    def __init__(self, workdir: Path, env: dict | None = None):
        self.workdir, self.extra_env = workdir, env or {}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log = workdir / f"gunicorn-{self.port}.log"

    def start(self) -> "GunicornServer":
        env = {**os.environ, "GUNICORN_BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": "2",
               "JINTAN_BUILD_DIR": str(self.workdir / "build" / "static"), **self.extra_env}
        gunicorn = Path(sys.executable).with_name("gunicorn")
        with self.log.open("ab") as log:  # the child keeps its own copy of the descriptor
            self.proc = subprocess.Popen([str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py")],
                                         cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1) as resp:
                    if resp.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer /healthz within 30 s")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def restart(self) -> None:
        self.stop()
        self.start()

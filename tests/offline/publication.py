"""A publication of its own for the offline tests: copies of content/ and translations/ in a
temporary folder, releases built by ``python -m webapp.publish.build`` into a temporary
``JINTAN_BUILD_DIR``, and the production server (gunicorn with the project's gunicorn.conf.py,
two workers) on a free loopback port. A test "deploys" as the newsroom does: edit an article,
build the release, ``kill -HUP`` the master, and wait until every worker serves the new release.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from webapp.config import ROOT
from scripts.processes import free_port, stop_process
from webapp import contract

START_TIMEOUT = 120   # seconds; a worker loads the release index at boot (~1 s at 5,000 articles)


def children(pid: int) -> set[int]:
    """Process ids whose parent is ``pid`` (read from /proc)."""
    out = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        if int(fields[1]) == pid:
            out.add(int(stat.parent.name))
    return out


class Publication:
    """Article and catalog sources that a test may edit, and the releases built from them."""

    def __init__(self, root: Path, copy: bool = True):
        """Sources in ``root/content`` and ``root/translations``: copies of the project's
        unless ``copy`` is false (they are there already)."""
        self.root = root
        self.content = root / "content"
        self.translations = root / "translations"
        self.build_dir = root / "build"
        if copy:
            shutil.copytree(ROOT / "content", self.content)
            shutil.copytree(ROOT / "translations", self.translations,
                            ignore=shutil.ignore_patterns("*.mo"))

    @classmethod
    def synthetic(cls, root: Path, articles: int) -> Publication:
        """A synthetic archive of ``articles`` articles (scripts/synth.py), written into
        ``root`` unless it holds that archive already (a folder kept between runs)."""
        from scripts import synth
        if len(list((root / "content").glob("*.md"))) != articles:
            synth.generate(articles, root)
        publication = cls(root, copy=False)
        publication.render_check = "smoke"   # 30,000 pages of generated text: one of each type
        return publication

    render_check = "changed"    # JINTAN_RENDER_CHECK of its builds

    def env(self, **extra: str) -> dict:
        """Environment of the build and the server: this publication's folders."""
        return {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1",
                "JINTAN_RENDER_CHECK": self.render_check,
                "JINTAN_CONTENT_DIR": str(self.content),
                "JINTAN_TRANSLATIONS_DIR": str(self.translations),
                "JINTAN_BUILD_DIR": str(self.build_dir), **extra}

    def build(self) -> str:
        """Build a release and switch ``current`` to it (``python -m webapp.publish.build``); its id.

        :raises AssertionError: with the build's output when it fails."""
        done = subprocess.run([sys.executable, "-m", "webapp.publish.build"], cwd=ROOT, env=self.env(),
                              capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stdout + done.stderr
        return self.current()

    def current(self) -> str:
        """Id of the release ``current`` points at."""
        return contract.current_id(self.build_dir)

    def article(self, slug: str) -> Path:
        return self.content / f"{slug}.md"

    def replace(self, slug: str, old: str, new: str) -> None:
        """Edit article ``slug``: its one occurrence of ``old`` becomes ``new``."""
        path = self.article(slug)
        text = path.read_text("utf-8")
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
        path.write_text(text.replace(old, new), "utf-8")


class Server:
    """gunicorn serving a :class:`Publication`'s current release; :meth:`deploy` publishes."""

    def __init__(self, publication: Publication, workers: int = 2, **env: str):
        self.publication = publication
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = publication.env(GUNICORN_BIND=f"127.0.0.1:{self.port}",
                                   WEB_CONCURRENCY=str(workers), **env)
        self.log = publication.root / f"gunicorn-{self.port}.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> Server:
        gunicorn = Path(sys.executable).with_name("gunicorn")
        with self.log.open("ab") as log:  # the child keeps its own descriptor
            self.proc = subprocess.Popen([str(gunicorn), "-c", str(ROOT / "gunicorn.conf.py")],
                                         cwd=ROOT, env=self.env, stdout=log,
                                         stderr=subprocess.STDOUT)
        self._wait(lambda: len(self.worker_pids()) == self.workers
                   and self.ready_release() == self.publication.current(), "start")
        return self

    def stop(self) -> None:
        stop_process(self.proc, 30)

    def worker_pids(self) -> set[int]:
        return children(self.proc.pid)

    def get(self, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
        """``(status, headers, body)`` of a GET, without following redirects' targets."""
        request = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=10) as resp:
                return resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as err:
            return err.code, dict(err.headers), err.read()

    def ready_release(self) -> str | None:
        """The release id ``/readyz`` reports (one worker's answer), or None if unreachable."""
        try:
            status, _headers, body = self.get("/readyz")
        except OSError:
            return None
        return json.loads(body)["release"] if status == 200 else None

    def deploy(self) -> str:
        """Build a release from the edited sources, ``kill -HUP`` the master, and return once
        the old workers are gone and the new ones report the new release id."""
        release = self.publication.build()
        old = self.worker_pids()
        os.kill(self.proc.pid, signal.SIGHUP)

        def served() -> bool:
            pids = self.worker_pids()
            # every worker answering now booted after the HUP, so each loaded `release`
            return (len(pids) == self.workers and not pids & old
                    and all(self.ready_release() == release for _ in range(2 * self.workers)))
        self._wait(served, f"deploy {release}")
        return release

    def _wait(self, condition, what: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while not condition():
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited during {what}:\n{self.log.read_text()[-3000:]}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"{what}: not ready after {START_TIMEOUT} s:\n"
                                   f"{self.log.read_text()[-3000:]}")
            time.sleep(0.1)  # polling another process: there is no event to await

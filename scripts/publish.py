"""Publish: build the release, then make each gunicorn origin serve it, signalling only a
process that really is our gunicorn master.

    python scripts/publish.py                        # `make publish`: one origin (make run's)
    python scripts/publish.py --node BUILD_DIR,PIDFILE,URL --node ...   # several origins
    python scripts/publish.py --phase build          # on every node first: prints the id
    python scripts/publish.py --phase switch --release ID             # then on every node

Two phases, so that no origin serves a page whose files another origin lacks:

1. **build** (``python -m webapp.publish.build --no-switch``) on every origin: validates, compiles and
   adds the release's hashed static files to that origin's pool, without switching. Builds
   are deterministic: the same commit gives the same release id everywhere, which is checked
   (different ids: nothing is switched anywhere, exit 1).
2. **switch**, one origin after the other: point ``releases/current`` at the id, send ``HUP``
   to the master named by the pidfile, and wait until ``/readyz`` on new connections reports
   the id (``after_reload.wait_for_release``). Every worker of every origin serves every hashed
   file of its pool, the old release's and the new one's (``webapp.web.delivery.StaticPool``), so
   during the switch a reader may get a page of either release, each whole and styled.

The pidfile is trusted only if its pid is a live gunicorn master started with this project's
``gunicorn.conf.py`` and older than the file (``serving.is_our_master``): a file left by a
crash whose pid now belongs to another program is refused with a message, and nothing is
signalled. Exit status: 0 published; 1 a build failed, ids differ, a pidfile names no master
of ours, or an origin did not serve the release within ``--timeout`` seconds.
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import serving  # noqa: E402 - the pidfile check gunicorn.conf.py also uses
from scripts.after_reload import wait_for_release  # noqa: E402
from webapp import contract  # noqa: E402


@dataclass
class Node:
    """One origin: its build directory, its master's pidfile and its URL (None: no wait)."""

    build_dir: Path
    pidfile: Path
    url: str | None

    @classmethod
    def parse(cls, spec: str) -> Node:
        """``BUILD_DIR,PIDFILE[,URL]``. :raises argparse.ArgumentTypeError: otherwise."""
        parts = spec.split(",")
        if len(parts) not in (2, 3) or not all(parts[:2]):
            raise argparse.ArgumentTypeError(f"{spec!r}: give BUILD_DIR,PIDFILE[,URL]")
        return cls(Path(parts[0]), Path(parts[1]), parts[2] if len(parts) == 3 else None)

    @classmethod
    def default(cls) -> Node:
        """The origin ``make run`` starts: ``JINTAN_BUILD_DIR`` (``build``), its
        ``gunicorn.pid`` (or ``GUNICORN_PIDFILE``), ``GUNICORN_BIND`` (or ``PORT``)."""
        build = Path(os.environ.get("JINTAN_BUILD_DIR") or ROOT / "build")
        pidfile = Path(os.environ.get("GUNICORN_PIDFILE") or build / "gunicorn.pid")
        bind = os.environ.get("GUNICORN_BIND") or "127.0.0.1:" + os.environ.get("PORT", "8000")
        return cls(build, pidfile, "http://" + bind)


def build(node: Node) -> str:
    """Phase 1 on ``node``: build without switching; returns the release id.
    :raises SystemExit: with the build's own ``file:line`` messages when it fails."""
    proc = subprocess.run([sys.executable, "-m", "webapp.publish.build", "--no-switch"], cwd=ROOT,
                          capture_output=True, text=True, check=False,
                          env={**os.environ, "JINTAN_BUILD_DIR": str(node.build_dir)})
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    m = re.search(r"^release ([0-9a-f]{16})\b", proc.stdout + proc.stderr, re.MULTILINE)
    if proc.returncode or not m:
        sys.exit(f"publish: {node.build_dir}: build failed; nothing switched")
    return m.group(1)


def master(node: Node) -> int:
    """The verified master pid of ``node``. :raises SystemExit: when its pidfile names none."""
    pid = serving.pidfile_master(str(node.pidfile))
    if pid is None:
        sys.exit(f"publish: {node.pidfile} does not name a running gunicorn master of this "
                 "site (stale after a crash?); nothing signalled. Start it with `make run`.")
    return pid


def switch(node: Node, release: str, timeout: float) -> None:
    """Phase 2 on ``node``: ``current`` -> ``release``, HUP its master, wait until served.
    :raises SystemExit: when the release is not built there or is not served in time."""
    target = contract.release_dir(node.build_dir, release)
    if not (target / contract.RELEASE_INFO).exists():
        sys.exit(f"publish: {target}: not built here (run phase build first)")
    pid = master(node)
    contract.switch_current(node.build_dir, release)
    os.kill(pid, signal.SIGHUP)
    if node.url and not wait_for_release(node.url, release, timeout):
        sys.exit(f"publish: {node.url} did not serve release {release} within {timeout:.0f} s")
    print(f"publish: {node.url or node.build_dir}: release {release} is live (HUP to {pid})")


def main(argv: list[str] | None = None) -> int:
    """Command line entry point (see the module docstring); returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--node", type=Node.parse, action="append",
                        help="BUILD_DIR,PIDFILE[,URL] of an origin (repeat; default: make run's)")
    parser.add_argument("--phase", choices=("all", "build", "switch"), default="all")
    parser.add_argument("--release", help="release id to switch to (phase switch)")
    parser.add_argument("--timeout", type=float, default=120)
    args = parser.parse_args(argv)
    nodes = args.node or [Node.default()]
    if args.phase == "switch" and not args.release:
        parser.error("--phase switch needs --release ID (printed by --phase build)")
    release = args.release
    if args.phase in ("all", "build"):
        ids = {str(n.build_dir): build(n) for n in nodes}
        if len(set(ids.values())) != 1:
            sys.exit(f"publish: the origins built different releases {ids}; nothing switched")
        release = next(iter(ids.values()))
        print(f"publish: release {release} built on {len(nodes)} origin(s)")
        if args.phase == "build":
            return 0
    for n in nodes:         # every master checked before any origin switches
        master(n)
    for n in nodes:
        switch(n, release, args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())

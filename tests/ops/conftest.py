"""Fixtures for the operations tests: a release built by ``python -m webapp.publish.build`` into a
temporary ``JINTAN_BUILD_DIR``, and real servers on free loopback ports (scripts/harness.py, scripts/servers.py).

Debian tools (wrk, nginx, varnishd, systemd-analyze, runuser) are installed by ``make test``
(the ``browser`` target). A test whose tool is missing is skipped on a developer's machine and
fails in CI (``CI=true``), where the test command should have installed it.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from scripts.harness import Gunicorn, ReleaseTree
from scripts.servers import tool


def require(*names: str) -> None:
    """Skip (or, in CI, fail) unless every command in ``names`` is installed."""
    missing = [n for n in names if not tool(n)]
    if missing:
        message = f"missing tools: {', '.join(missing)} (make browser installs them)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def built_tree(tmp_path_factory) -> ReleaseTree:
    """One release built from copies of content/ and translations/ (shared, do not edit)."""
    tree = ReleaseTree(tmp_path_factory.mktemp("built"))
    tree.build()
    return tree


@pytest.fixture
def tree(built_tree, tmp_path) -> ReleaseTree:
    """A private, writable copy of the built tree (sources, objects, releases, cache)."""
    root = tmp_path / "tree"
    shutil.copytree(built_tree.root, root, symlinks=True,
                    ignore=shutil.ignore_patterns("*.log"))
    return ReleaseTree(root)


@pytest.fixture
def server(tree, request):
    """A factory starting gunicorn on ``tree`` (keyword ``env``), stopped after the test."""
    started: list[Gunicorn] = []

    def start(env: dict | None = None, wait: bool = True, **kwargs) -> Gunicorn:
        g = Gunicorn(kwargs.pop("tree", tree), env=env, **kwargs)
        started.append(g)
        return g.start(wait=wait)

    yield start
    for g in started:
        g.stop()


def dump_log(path: Path, lines: int = 40) -> str:
    """The last ``lines`` lines of a log, for assertion messages."""
    if not path.exists():
        return ""
    return "\n".join(path.read_text("utf-8", errors="replace").splitlines()[-lines:])

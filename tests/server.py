"""The production server in tests: scripts/gunicorn_server.py's GunicornServer (gunicorn with
gunicorn.conf.py on a free loopback port, on a release built into its own BUILD_DIR), serving
the fixture site of tests/data."""

from __future__ import annotations

from pathlib import Path

from scripts.gunicorn_server import GunicornServer, free_port
from tests.helpers import FIXTURE_CONTENT, translations_tree

__all__ = ["GunicornServer", "fixture_server", "free_port"]


def fixture_server(workdir: Path, env: dict | None = None) -> GunicornServer:
    """A server (not started) of the fixture articles and catalogs, in ``workdir``."""
    translations = translations_tree(Path(workdir) / "translations")
    return GunicornServer(workdir, env={"JINTAN_CONTENT_DIR": str(FIXTURE_CONTENT),
                                        "JINTAN_TRANSLATIONS_DIR": str(translations),
                                        **(env or {})})

"""The production server in tests: scripts/harness.py's :func:`site_server` (gunicorn with
gunicorn.conf.py on a free loopback port, on a release built into its own BUILD_DIR), serving
the fixture site of tests/data."""

from __future__ import annotations

from pathlib import Path

from scripts.harness import Gunicorn, site_server
from tests.helpers import FIXTURE_CONTENT, translations_tree

__all__ = ["fixture_server"]


def fixture_server(workdir: Path, env: dict | None = None) -> Gunicorn:
    """A server (built, not started) of the fixture articles and catalogs, in ``workdir``."""
    translations = translations_tree(Path(workdir) / "translations")
    return site_server(workdir, env={"JINTAN_CONTENT_DIR": str(FIXTURE_CONTENT),
                                     "JINTAN_TRANSLATIONS_DIR": str(translations),
                                     **(env or {})})

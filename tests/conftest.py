"""Shared fixtures (Flask tutorial style: a fresh app per test) on releases built once.

- ``fixture_site``: a release of tests/data (the fixture articles and catalogs), built once per
  session into a temporary BUILD_DIR; ``app``/``client`` serve it, ``make_app(**config)``
  serves it with other settings (PAGE_SIZE, TRUSTED_HOSTS...).
- ``site_copy``: writable copies of the fixture files for tests that edit content or catalogs;
  ``site_copy.app()`` builds a release of them (about a second) and serves it.
- ``seed_site``/``seed_client``: the project's own content/ and translations/ (the seed
  article), only for tests/test_seed_article.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import (FIXTURE_CONTENT, SiteCopy, build_release, site_config, start_app,
                           translations_tree)
from webapp.config import ROOT

# Test tiers (pyproject.toml markers), by folder: ``make unit`` runs ``-m unit`` only.
TIERS = {"browser": ("browser",), "offline": ("offline", "browser"), "engines": ("browser",),
         "ops": ("ops",)}


def pytest_collection_modifyitems(items):
    """Mark every test with its tier: tests/browser, tests/offline (Chromium too), tests/ops,
    and ``unit`` for the rest (Flask's test client, no server, no browser)."""
    here = Path(__file__).parent
    for item in items:
        rel = Path(str(item.fspath)).relative_to(here).parts
        for name in TIERS.get(rel[0] if len(rel) > 1 else "", ("unit",)):
            item.add_marker(name)


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory) -> dict:
    """Configuration (CONTENT_DIR, TRANSLATIONS_DIR, BUILD_DIR) of the built fixture release."""
    root = tmp_path_factory.mktemp("fixture-site")
    config = site_config(FIXTURE_CONTENT, translations_tree(root / "translations"),
                         root / "build")
    build_release(config)
    return config


@pytest.fixture
def make_app(fixture_site):
    """Start an app on the fixture release; keyword overrides go to ``create_app``."""
    def factory(**config):
        return start_app({**fixture_site, **config})
    return factory


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def site_copy(tmp_path) -> SiteCopy:
    return SiteCopy(tmp_path / "site")


@pytest.fixture(scope="session")
def seed_site(tmp_path_factory) -> dict:
    """Configuration of a release of the project's own content and catalogs."""
    root = tmp_path_factory.mktemp("seed-site")
    config = site_config(ROOT / "content", ROOT / "translations", root / "build")
    build_release(config)
    return config


@pytest.fixture
def seed_app(seed_site):
    return start_app(seed_site)


@pytest.fixture
def seed_client(seed_app):
    return seed_app.test_client()

"""Shared fixtures: a fresh app per test (Flask tutorial style) and its test client."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from webapp import create_app
from webapp.config import ROOT

SEED_SLUG = "jintan-new-energy"


@pytest.fixture
def make_app(tmp_path):
    """Build an app; keyword overrides go to ``create_app(test_config)``."""
    def factory(**config):
        config.setdefault("BUILD_DIR", str(tmp_path / "build" / "static"))
        return create_app({"TESTING": True, **config})
    return factory


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def content_copy(tmp_path) -> Path:
    """A writable copy of content/ for tests that edit articles."""
    dest = tmp_path / "content"
    shutil.copytree(ROOT / "content", dest)
    return dest


@pytest.fixture
def translations_copy(tmp_path) -> Path:
    """A writable copy of translations/ (with compiled .mo files) for catalog tests."""
    dest = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", dest)
    return dest

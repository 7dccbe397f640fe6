"""The JavaScript unit tests (tests/js/*.test.mjs: the service worker's functions and LRU, Listen's
voice choice) under node's test runner, on the real static/js files, with the app's own locale
table and page patterns."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest

from webapp.config import ROOT
from webapp.locales import client_table
from webapp.web.pages import READ, offline_patterns


def test_worker_functions_pass_their_node_tests(app):
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node not found: the service worker's unit tests cannot run")
        pytest.skip("node not found (apt-get install nodejs)")
    with app.app_context():
        patterns = offline_patterns(READ)
    env = {**os.environ, "LOCALE_TABLE": json.dumps(client_table()),
           "READ_PATTERNS": json.dumps(patterns)}
    proc = subprocess.run([node, "--test", *sorted(str(p) for p in (ROOT / "tests/js").glob("*.test.mjs"))],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "# fail 0" in proc.stdout

"""The release contract (webapp/contract.py): the code version covers every file the web app
runs, so a change to a view or a template is a new release that is render-checked again."""

from __future__ import annotations

import shutil

import pytest

from webapp import contract
from webapp.config import ROOT


@pytest.fixture
def tree(tmp_path):
    for name in ("webapp", "templates"):
        shutil.copytree(ROOT / name, tmp_path / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("wsgi.py", "serving.py"):
        shutil.copy(ROOT / name, tmp_path / name)
    return tmp_path


@pytest.mark.parametrize("changed", [
    "webapp/web/views/articles.py",      # a view, two folders down (hashed *.py only: issue 19)
    "webapp/web/templating.py",
    "templates/article.html",
    "templates/_block.html",
    "wsgi.py",
])
def test_any_file_the_app_runs_changes_the_code_version(tree, changed):
    before = contract.code_version(root=tree)
    path = tree / changed
    path.write_text(path.read_text("utf-8") + "\n# raise RuntimeError\n", "utf-8")
    assert contract.code_version(root=tree) != before


def test_a_template_change_does_not_invalidate_parsed_articles(tree):
    before = contract.code_version(contract.PARSER_GLOBS, root=tree)
    (tree / "templates/article.html").write_text("changed", "utf-8")
    assert contract.code_version(contract.PARSER_GLOBS, root=tree) == before


def test_the_layout_is_spelled_once(tmp_path):
    assert contract.current_link(tmp_path) == tmp_path / "releases" / "current"
    assert contract.ui_mo(tmp_path / "r", "zh") == tmp_path / "r/translations/zh/LC_MESSAGES/messages.mo"
    assert contract.object_path(tmp_path, "ab" + "0" * 62) == tmp_path / "ab" / ("ab" + "0" * 62)
    contract.releases_dir(tmp_path).mkdir()
    (contract.releases_dir(tmp_path) / "r1").mkdir()
    assert contract.current_id(tmp_path) is None
    contract.switch_current(tmp_path, "r1")
    assert contract.current_id(tmp_path) == "r1"

"""The docs a newcomer follows point at things that exist: every relative link, every module
path and ``python -m`` module, every ``make`` target; and the configuration table is the one the
code generates (scripts/config_table.py)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from scripts import config_table
from webapp.config import ROOT

DOCS = sorted([ROOT / "README.md", ROOT / "deploy/README.md", *(ROOT / "docs").glob("*.md"),
               ROOT / "translations/STYLE.md", ROOT / "translations/GLOSSARY.md"])
DOC_IDS = [p.relative_to(ROOT).as_posix() for p in DOCS]
TARGETS = {t for line in re.findall(r"^([a-z][\w -]*):", (ROOT / "Makefile").read_text("utf-8"), re.M)
           for t in line.split()}


@pytest.mark.parametrize("doc", DOCS, ids=DOC_IDS)
def test_relative_links_resolve(doc):
    text = re.sub(r"`[^`\n]*`", "", doc.read_text("utf-8"))   # code spans are examples
    broken = []
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        if not (doc.parent / target).exists():
            broken.append(target)
    assert broken == []


def _has_main(module: str) -> bool:
    """Whether ``python -m module`` does something (an ``if __name__ == "__main__"`` block)."""
    return '__name__ == "__main__"' in Path(importlib.util.find_spec(module).origin).read_text("utf-8")


@pytest.mark.parametrize("doc", DOCS, ids=DOC_IDS)
def test_named_modules_files_and_targets_exist(doc):
    text = doc.read_text("utf-8")
    missing = [p for p in set(re.findall(r"\b(?:webapp|scripts|tests)/[\w/]+\.(?:py|js|html|md)\b", text))
               if not (ROOT / p).exists()]
    missing += [m for m in set(re.findall(r"python -m (webapp[\w.]*)", text))
                if importlib.util.find_spec(m) is None or not _has_main(m)]
    missing += [f"make {t}" for t in set(re.findall(r"`make ([a-z][\w-]*)", text)) if t not in TARGETS]
    assert sorted(missing) == []


def test_the_configuration_table_is_the_generated_one():
    documented = config_table.documented((ROOT / "docs/operators.md").read_text("utf-8"))
    assert documented == config_table.table(), "run: python scripts/config_table.py --write"

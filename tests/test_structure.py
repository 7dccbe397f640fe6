"""The package's shape (docs/contributors.md): three programs over shared low-level modules,
imports that point down or sideways only, and no import circle. Read from the source (every
``import``, also inside functions), so a lazy import cannot hide a circle."""

from __future__ import annotations

import ast
import subprocess
import sys
from graphlib import CycleError, TopologicalSorter

import pytest

from webapp.config import ROOT

PACKAGE = ROOT / "webapp"
PROGRAMS = ("desk", "publish", "web")
# which program may import which (shared modules are below all three)
ALLOWED = {
    "shared": set(),
    "desk": {"desk"},
    "publish": {"publish", "web"},   # the renderer, through webapp.web.pages / factory only
    "web": {"web"},
}
# the app, its renderer, the complete page registry (reserved slugs) and block localisation
PUBLISH_MAY_USE = {"webapp.web.factory", "webapp.web.pages", "webapp.web.views", "webapp.web.i18n"}


def module_name(path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def program(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 and parts[1] in PROGRAMS else \
        (parts[1] if len(parts) == 2 and parts[1] in PROGRAMS else "shared")


def imports_of(path) -> set[str]:
    """Every ``webapp`` module ``path`` imports, anywhere in the file."""
    tree = ast.parse(path.read_text("utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("webapp")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("webapp"):
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                found.add(sub if (ROOT / (sub.replace(".", "/") + ".py")).exists()
                          or (ROOT / sub.replace(".", "/")).is_dir() else node.module)
    return found


@pytest.fixture(scope="module")
def graph() -> dict[str, set[str]]:
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {name: {m for m in imports_of(path) if m in modules and m != name}
            for name, path in modules.items()}


def test_no_module_imports_itself_back_through_others(graph):
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        pytest.fail("import circle: " + " -> ".join(exc.args[1]))


def test_imports_point_down_or_sideways_only(graph):
    wrong = []
    for mod, targets in graph.items():
        here = program(mod)
        for target in targets:
            there = program(target)
            if there == "shared" or there == here:
                continue
            if there not in ALLOWED[here] or (here == "publish" and target not in PUBLISH_MAY_USE):
                wrong.append(f"{mod} -> {target}")
    assert wrong == []


@pytest.mark.parametrize("module, absent", [
    ("webapp", ["flask", "babel", "whitenoise", "webapp.web"]),
    ("webapp.desk.qa", ["flask", "whitenoise", "webapp.web"]),
    ("webapp.desk.catalogs", ["flask", "whitenoise", "webapp.web"]),
    ("webapp.contract", ["flask", "whitenoise", "webapp.web"]),
    ("webapp.web.state", ["webapp.web.views"]),
    ("webapp.web.templating", ["webapp.web.views"]),
])
def test_importing_a_program_loads_only_what_it_runs(module, absent):
    code = (f"import sys, {module}; print(' '.join(m for m in {absent!r} if m in sys.modules))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == []

"""The configuration table of docs/operators.md, generated from the code that reads each setting,
so the defaults have one owner: ``webapp/config.py`` (``Defaults``: ``JINTAN_<NAME>``) and every
``os.environ.get("NAME", default)`` in ``gunicorn.conf.py`` and ``serving.py``. The meaning is
the comment on the line, or the comment lines just above it.

``python scripts/config_table.py`` prints the table; ``--write`` replaces the table between the
``<!-- config-table -->`` markers of docs/operators.md (tests/test_docs.py checks they agree).
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "operators.md"
START, END = "<!-- config-table -->", "<!-- /config-table -->"
ENV_SOURCES = ("gunicorn.conf.py", "serving.py")


def _comment(lines: list[str], lineno: int) -> str:
    """The trailing comment of line ``lineno`` (1-based), else the comment lines above it."""
    line = lines[lineno - 1]
    if "  # " in line:
        return line.split("  # ", 1)[1].strip()
    above = []
    for prev in reversed(lines[:lineno - 1]):
        stripped = prev.strip()
        if not stripped.startswith("#") or stripped.startswith("# ---"):
            break
        above.insert(0, stripped.lstrip("# ").strip())
    return " ".join(above)


def _shown(value) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return f"`{text}`" if text != "" else '`""`'


def defaults_rows() -> list[tuple[str, str, str]]:
    """(variable, default, meaning) for every ``Defaults`` attribute of webapp/config.py."""
    path = ROOT / "webapp" / "config.py"
    source = path.read_text("utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Defaults")
    rows = []
    for node in cls.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            segment = ast.get_source_segment(source, node.value)
            try:
                default = _shown(ast.literal_eval(node.value))
            except ValueError:   # str(ROOT / "content"): a folder of the checkout
                match = re.fullmatch(r'str\(ROOT / "([^"]+)"\)', segment)
                default = f"`{match[1]}/` in the checkout" if match else f"`{segment}`"
            rows.append((f"`JINTAN_{name}`", default, _comment(lines, node.lineno)))
    return rows


def environ_rows() -> list[tuple[str, str, str]]:
    """(variable, default, meaning) for each ``os.environ.get(NAME, default)`` in
    :data:`ENV_SOURCES`, first occurrence of a name only."""
    rows, seen = [], set()
    for name in ENV_SOURCES:
        path = ROOT / name
        source = path.read_text("utf-8")
        lines = source.splitlines()
        for node in ast.walk(ast.parse(source)):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "get" and ast.unparse(node.func.value) == "os.environ"
                    and node.args and isinstance(node.args[0], ast.Constant)):
                continue
            var = node.args[0].value
            if var in seen:
                continue
            seen.add(var)
            default = ast.unparse(node.args[1]) if len(node.args) > 1 else "unset"
            try:
                default = _shown(ast.literal_eval(node.args[1])) if len(node.args) > 1 else "unset"
            except ValueError:
                default = f"`{default}`"
            meaning = _comment(lines, node.lineno) or f"`{name}`"
            rows.append((f"`{var}`", default, f"{meaning} ({name})" if meaning != f"`{name}`" else meaning))
    return sorted(rows)


def table() -> str:
    """The whole table as Markdown (text, ending in a newline)."""
    out = ["| variable | default | meaning |", "|---|---|---|"]
    for row in defaults_rows() + environ_rows():
        out.append("| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |")
    return "\n".join(out) + "\n"


def documented(text: str) -> str:
    """The table between the markers of ``text`` (docs/operators.md)."""
    return text.split(START, 1)[1].split(END, 1)[0].strip("\n") + "\n"


def main(argv: list[str]) -> int:
    if "--write" in argv:
        text = DOC.read_text("utf-8")
        head, rest = text.split(START, 1)
        tail = rest.split(END, 1)[1]
        DOC.write_text(f"{head}{START}\n{table()}{END}{tail}", "utf-8")
        return 0
    sys.stdout.write(table())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

"""`make audit`: pip-audit over the pinned requirements, saying plainly what it could check.

pip-audit (pinned with its tree in requirements-audit.txt, installed in .venv-audit so it never
mixes with the app's packages) asks a vulnerability service about every pinned package
(``--no-deps``: the files pin the whole tree). On a machine that cannot reach PyPI's JSON API or
OSV, every package comes back "could not be audited": then this says that nothing was checked,
instead of reporting a clean bill of health. Exit status: 0 when nothing known is vulnerable or
nothing could be checked (said on stderr), 1 when a vulnerability is found.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv-audit"
FILES = ("requirements.txt", "requirements-dev.txt")


def ensure_tool() -> Path:
    """Create .venv-audit with the pinned pip-audit when missing; return its executable."""
    tool = VENV / "bin" / "pip-audit"
    if not tool.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "-r",
                        str(ROOT / "requirements-audit.txt")], check=True)
    return tool


def main() -> int:
    tool = ensure_tool()
    args = [str(tool), "--no-deps", "--progress-spinner", "off", "--format", "json"]
    for name in FILES:
        args += ["-r", str(ROOT / name)]
    proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
    try:
        report = json.loads(proc.stdout)
    except json.JSONDecodeError:
        print(f"audit: pip-audit failed: {proc.stderr.strip()[-500:]}", file=sys.stderr)
        return 1
    deps = report.get("dependencies", [])
    skipped = [d for d in deps if d.get("skip_reason")]
    vulnerable = [d for d in deps if d.get("vulns")]
    for d in vulnerable:
        for v in d["vulns"]:
            print(f"{d['name']} {d['version']}: {v['id']} (fixed in {', '.join(v.get('fix_versions') or ['?'])})")
    checked = len(deps) - len(skipped)
    if deps and not checked:
        print(f"audit: no vulnerability database reachable from this machine: none of the "
              f"{len(deps)} pinned packages could be checked (nothing is known, either way)",
              file=sys.stderr)
        return 0
    print(f"audit: {checked} packages checked, {len(skipped)} could not be, "
          f"{len(vulnerable)} with known vulnerabilities", file=sys.stderr)
    return 1 if vulnerable else 0


if __name__ == "__main__":
    sys.exit(main())

"""Publishing one article at scale: ``python scripts/bench_publish.py [N]`` (default 5,000).

Uses the synthetic archive of ``scripts/synth.py`` under ``build/scale/N`` (made, and built
once, when missing), then times what the newsroom runs to publish one new article: the
translation cycle for it (``make translations``) and the release build, which checks its
catalogs with GNU msgfmt and renders every page of it (issue 22). Prints seconds; the target
is < 10 s for both together at 5,000 articles.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts import synth  # noqa: E402
from scripts.harness import ReleaseTree  # noqa: E402

PY = sys.executable


def run(args: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run([PY, *args], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv else 5000
    base = ROOT / "build" / "scale" / str(n)
    if not (base / "content").exists():
        synth.generate(n, base)
    tree = ReleaseTree(base)
    env = {**os.environ, "PYTHONPATH": str(ROOT), **tree.env}
    if tree.current is None:
        print(f"cold build: {run(['-m', 'webapp.publish.build'], env):.1f} s")
    print(f"build, nothing changed: {run(['-m', 'webapp.publish.build'], env):.1f} s")
    slug = f"zz-bench-{int(time.time())}"
    text = (base / "content" / "synthetic-00001.md").read_text("utf-8").replace("（1）", "（新）")
    (base / "content" / f"{slug}.md").write_text(text, "utf-8")
    cycle = run(["-m", "webapp.desk.catalogs", "update", "--no-ui", slug], env)
    build = run(["-m", "webapp.publish.build"], env)
    print(f"publish one article at {n:,}: cycle {cycle:.1f} s + release {build:.1f} s = "
          f"{cycle + build:.1f} s (target < 10 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

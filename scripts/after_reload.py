"""After ``kill -HUP``: wait until gunicorn serves the release ``make release`` made current,
then (with ``--varnish``) ``BAN`` every page in Varnish (hashed static files stay).

    python scripts/after_reload.py [--app http://127.0.0.1:8000] [--timeout 60]
                                   [--varnish http://127.0.0.1:6081]

The systemd unit's third ``ExecReload=`` line runs it, so ``systemctl reload`` returns once the
new release is live (systemd wants reloads to be synchronous) and fails if it never goes live.
Banning before the new workers answer would let Varnish fetch the old release again from the
old workers, which keep serving until the new ones are ready (``serving.Handoff``); so the
script first polls ``/readyz`` on new connections until ten answers in a row name the new
release id. Without a ban, Varnish and nginx serve the new page within the pages' ``s-maxage``.

The BAN is accepted from loopback only (``acl purgers`` in deploy/varnish/default.vcl).
Exit status: 0 live (and banned); 1 the app did not switch within the timeout, or Varnish
refused the ban.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

# run as a plain script by systemd's ExecReload: the package is beside this folder
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from webapp import contract  # noqa: E402


def current_release(build_dir: Path) -> str:
    """The release id ``build_dir/releases/current`` points at."""
    return contract.current_id(build_dir)


def served_release(app: str, timeout: float = 5) -> str | None:
    """The release id one new connection to ``app`` reports (``/readyz``), or None."""
    req = urllib.request.Request(app + "/readyz", headers={"Connection": "close"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return json.loads(resp.read())["release"]
    except (OSError, ValueError, KeyError):
        return None


def wait_for_release(app: str, release: str, timeout: float, streak: int = 10) -> bool:
    """Poll until ``streak`` answers in a row report ``release``; False after ``timeout``."""
    deadline, seen = time.monotonic() + timeout, 0
    while time.monotonic() < deadline:
        seen = seen + 1 if served_release(app) == release else 0
        if seen >= streak:
            return True
        time.sleep(0.05 if seen else 0.2)
    return False


def ban(varnish: str) -> int:
    """Send ``BAN /`` to Varnish; returns the HTTP status."""
    req = urllib.request.Request(varnish + "/", method="BAN")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns the exit status (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--app", default=os.environ.get(
        "JINTAN_APP_URL", "http://" + os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")))
    parser.add_argument("--varnish", default=os.environ.get("JINTAN_VARNISH_URL"),
                        help="Varnish to BAN pages in (default: none)")
    parser.add_argument("--build-dir", type=Path, default=Path(os.environ.get(
        "JINTAN_BUILD_DIR", Path(__file__).resolve().parent.parent / "build")))
    parser.add_argument("--timeout", type=float, default=60)
    args = parser.parse_args(argv)
    release = current_release(args.build_dir)
    if not wait_for_release(args.app, release, args.timeout):
        print(f"after reload: {args.app} did not serve release {release} within "
              f"{args.timeout:.0f} s", file=sys.stderr)
        return 1
    print(f"after reload: release {release} is live")
    if args.varnish:
        status = ban(args.varnish)
        if status != 200:
            print(f"after reload: Varnish at {args.varnish} answered {status} to BAN",
                  file=sys.stderr)
            return 1
        print("after reload: Varnish pages banned")
    return 0


if __name__ == "__main__":
    sys.exit(main())

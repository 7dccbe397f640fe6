"""After ``kill -HUP``: wait until gunicorn serves the release ``make release`` made current,
then (with ``--varnish``) ban in Varnish the pages that release changed, by cache tag.

    python scripts/after_reload.py [--app http://127.0.0.1:8000] [--timeout 60]
                                   [--varnish http://127.0.0.1:6081]

The systemd unit's third ``ExecReload=`` line runs it, so ``systemctl reload`` returns once the
new release is live (systemd wants reloads to be synchronous) and fails if it never goes live.
Banning before the new workers answer would let Varnish fetch the old release again from the
old workers, which keep serving until the new ones are ready (``serving.Handoff``); so the
script first polls ``/readyz`` on new connections until ten answers in a row name the new
release id. Without a ban, Varnish and nginx serve the new page within the pages' ``s-maxage``.

What to ban: the tags (``Surrogate-Key``: ``article-<slug>``, ``listing``) whose pages differ
between the release this script last banned for that Varnish (recorded in
``BUILD_DIR/varnish-bans.json`` after a ban succeeded) and the current one
(``webapp.publish.build.changed_tags``): one ``BAN /`` with ``X-Surrogate-Key: <tag>`` per tag,
nothing when no page changed, and ``BAN /`` without a tag (every page but hashed static
files) when the code, templates, UI catalogs, static files or photos changed, or when there is
no record (first run) or the recorded release has been pruned.

The BAN is accepted from loopback only (``acl purgers`` in deploy/varnish/default.vcl).
Exit status: 0 live (and banned); 1 the app did not switch within the timeout, or Varnish
refused a ban.
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


def ban(varnish: str, tag: str | None = None) -> int:
    """Send ``BAN /`` to Varnish (base URL, text), with ``X-Surrogate-Key: <tag>`` when a tag
    is given (the pages carrying that cache tag), else every page; returns the HTTP status."""
    req = urllib.request.Request(varnish + "/", method="BAN",
                                 headers={"X-Surrogate-Key": tag} if tag else {})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


BANS_RECORD = "varnish-bans.json"   # {varnish base URL: id of the release last banned for}


def tags_to_ban(build_dir: Path, varnish: str, release: str) -> list[str] | None:
    """The cache tags to ban in ``varnish`` for ``release`` (``[]``: none), or None for every
    page: the difference between the release last banned there and ``release``."""
    from webapp.publish.build import changed_tags
    try:
        done = json.loads((build_dir / BANS_RECORD).read_text("utf-8")).get(varnish)
    except (OSError, ValueError, AttributeError):
        done = None
    if not done:
        return None
    if done == release:
        return []
    return changed_tags(contract.release_dir(build_dir, done),
                        contract.release_dir(build_dir, release))


def record_bans(build_dir: Path, varnish: str, release: str) -> None:
    """Remember that ``varnish`` holds nothing older than ``release`` (atomic rewrite)."""
    path = build_dir / BANS_RECORD
    try:
        record = json.loads(path.read_text("utf-8"))
        record = record if isinstance(record, dict) else {}
    except (OSError, ValueError):
        record = {}
    record[varnish] = release
    tmp = path.with_name(f".{BANS_RECORD}-{os.getpid()}")
    tmp.write_text(json.dumps(record, indent=1), "utf-8")
    os.replace(tmp, path)


def ban_changes(build_dir: Path, varnish: str, release: str) -> int:
    """Ban in ``varnish`` what changed up to ``release`` (:func:`tags_to_ban`) and record it;
    returns the exit status (1 when Varnish refused a ban: nothing is recorded then)."""
    tags = tags_to_ban(build_dir, varnish, release)
    for tag in [None] if tags is None else tags:
        status = ban(varnish, tag)
        if status != 200:
            print(f"after reload: Varnish at {varnish} answered {status} to BAN "
                  f"{tag or 'every page'}", file=sys.stderr)
            return 1
    record_bans(build_dir, varnish, release)
    print("after reload: Varnish: " + ("every page banned" if tags is None else
                                       f"banned {', '.join(tags)}" if tags else
                                       "no page changed, nothing banned"))
    return 0


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
        return ban_changes(args.build_dir, args.varnish.rstrip("/"), release)
    return 0


if __name__ == "__main__":
    sys.exit(main())

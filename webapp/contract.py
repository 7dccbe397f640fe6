"""The release contract: the one module that knows the layout of a build directory and of a
release (docs/architecture.md §1). The publisher writes these paths, a web worker reads them,
scripts and tests ask for them here; nobody else joins path parts.

```
BUILD_DIR/
  cache.sqlite                    the build's memory between runs (publish only)
  objects/<2 hex>/<sha256>        every input and compiled catalog, by content hash, immutable
  static/<name>.<12 hex>.<ext>    the static pool (+ .gz/.br): grows, old names stay
  releases/<id>/                  one release (immutable once switched to)
    release.json                  id, code version, counts, asset names (RELEASE_INFO)
    release.sqlite                the article index (INDEX_DB)
    worker.json                   the service worker's data (WORKER_DATA), written by the build
    search.sqlite                 the search index (SEARCH_INDEX, webapp.search)
    translations/<locale>/LC_MESSAGES/messages.mo   the compiled UI catalogs
  releases/current -> <id>        the release a worker serves (atomic symlink switch)
```
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import tempfile
from pathlib import Path

from webapp.config import ROOT

RELEASES = "releases"
CURRENT = "current"
OBJECTS = "objects"
STATIC_POOL = "static"
BUILD_CACHE = "cache.sqlite"
RELEASE_INFO = "release.json"
INDEX_DB = "release.sqlite"
WORKER_DATA = "worker.json"
SEARCH_INDEX = "search.sqlite"
UI_DOMAIN = "messages"
TRANSLATIONS = "translations"

# A content-hashed static name: ``css/site.0123456789ab.css`` (12 hex of its SHA-256).
HASHED_RE = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")

# Static files a page carries inline instead of linking (issue 25, docs/architecture.md
# "Inline by hash"): the reading preferences script and the stylesheet, the two requests that
# held back the first paint. The release records the CSP hash of each (RELEASE_INFO "inline");
# the worker puts them in every page and its Content-Security-Policy.
INLINE_ASSETS = ("js/prefs.js", "css/site.css")


def csp_hash(data: bytes) -> str:
    """The CSP hash source of an inline ``<script>``/``<style>`` whose text is ``data`` (UTF-8
    bytes): ``sha256-<base64 of the SHA-256 digest>`` (CSP Level 3 §8.4, "Does an element match
    source list"), without the quotes the header puts around it."""
    return "sha256-" + base64.b64encode(hashlib.sha256(data).digest()).decode("ascii")

# What the web app runs: a change to any of these files makes a new code version, so the build
# renders again and writes new worker data (a bug when only webapp/*.py was hashed: issue 19).
CODE_GLOBS = ("webapp/**/*.py", "templates/**/*", "wsgi.py", "serving.py")
# What an article's cached summary (parsed blocks, statuses) depends on: the Python code only,
# so a template change re-renders but does not re-parse 5,000 articles.
PARSER_GLOBS = ("webapp/**/*.py",)


def releases_dir(build_dir: Path | str) -> Path:
    """``BUILD_DIR/releases``: every release directory and the ``current`` link."""
    return Path(build_dir) / RELEASES


def current_link(build_dir: Path | str) -> Path:
    """``BUILD_DIR/releases/current``, the symlink a worker follows at boot."""
    return releases_dir(build_dir) / CURRENT


def release_dir(build_dir: Path | str, release_id: str) -> Path:
    """``BUILD_DIR/releases/<release_id>``."""
    return releases_dir(build_dir) / release_id


def objects_dir(build_dir: Path | str) -> Path:
    """``BUILD_DIR/objects``, the content-addressed store."""
    return Path(build_dir) / OBJECTS


def object_path(objects: Path | str, digest: str) -> Path:
    """Where the object with SHA-256 ``digest`` (64 hex) lives under ``objects``."""
    return Path(objects) / digest[:2] / digest


def static_pool(build_dir: Path | str) -> Path:
    """``BUILD_DIR/static``: hashed, pre-compressed static files of every release."""
    return Path(build_dir) / STATIC_POOL


def build_cache(build_dir: Path | str) -> Path:
    """``BUILD_DIR/cache.sqlite``: file hashes and summaries kept between builds."""
    return Path(build_dir) / BUILD_CACHE


def ui_catalogs_dir(release: Path | str) -> Path:
    """The release's compiled UI catalogs folder (Flask-Babel's translation directory)."""
    return Path(release) / TRANSLATIONS


def ui_mo(release: Path | str, locale: str) -> Path:
    """``<release>/translations/<locale>/LC_MESSAGES/messages.mo``."""
    return ui_catalogs_dir(release) / locale / "LC_MESSAGES" / f"{UI_DOMAIN}.mo"


def served_release(config) -> Path:
    """The release directory a worker serves: ``config["RELEASE"]`` when set, else
    ``BUILD_DIR/releases/current`` (a Flask config mapping in, a path out; not resolved)."""
    return Path(config["RELEASE"] or current_link(config["BUILD_DIR"]))


def switch_current(build_dir: Path | str, release_id: str) -> None:
    """Point ``releases/current`` at ``releases/<release_id>`` atomically: a new symlink
    renamed over the old one (``rename(2)`` replaces atomically on POSIX).

    :raises OSError: if the link cannot be written."""
    releases = releases_dir(build_dir)
    link = releases / CURRENT
    tmp = releases / f".{CURRENT}-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(release_id)
    os.replace(tmp, link)


def current_id(build_dir: Path | str) -> str | None:
    """The id of the release ``current`` points at, or None before the first release."""
    link = current_link(build_dir)
    return link.resolve().name if link.exists() else None


def code_version(globs: tuple[str, ...] = CODE_GLOBS, root: Path | str = ROOT) -> str:
    """16 hex of a SHA-256 over the files matching ``globs`` under ``root``, by relative path
    and bytes. The default, :data:`CODE_GLOBS`, is every file the web app runs (the Python
    package, templates, the WSGI entry points): a release built by other code is another
    release, so it is render-checked again."""
    root = Path(root)
    h = hashlib.sha256()
    files = sorted({p for pattern in globs for p in root.glob(pattern) if p.is_file()
                    and "__pycache__" not in p.parts})
    for path in files:
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def tree_version(root: Path | str) -> str:
    """SHA-256 (64 hex) over the relative names and bytes of every file under ``root`` (the
    configured templates folder, which may lie outside the project)."""
    root = Path(root)
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def revision(body: bytes) -> str:
    """The precache revision of an identity body (bytes): the first 12 hex digits of its
    SHA-256, which is also the start of its ETag. The build lists it in the worker data; the
    service worker fetches ``<url>?__rev=<revision>``; the app refuses any other revision."""
    return hashlib.sha256(body).hexdigest()[:12]


def write_once(target: Path, data: bytes) -> None:
    """Write ``data`` (bytes) to ``target`` unless it exists: through a temporary file in the
    same folder renamed over it (atomic on POSIX), mode 0644. The build's one way of writing
    an immutable, content-addressed file (objects, photo renditions), so a worker never reads
    half a file. :raises OSError: if the folder cannot be written."""
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)

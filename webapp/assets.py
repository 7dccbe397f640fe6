"""Static assets: content-hashed copies of ``static/`` with a manifest, pre-compressed.

``build()`` copies every file of ``static/`` to ``<name>.<12 hex of its SHA-256>.<ext>`` in the
build folder, writes ``manifest.json`` (source path -> hashed path) and adds ``.gz``/``.br``
siblings with whitenoise's compressor, so whitenoise can serve them compressed and cache them
as immutable. A deploy that changes a byte changes that file's URL; one that changes nothing
keeps every URL.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from whitenoise.compress import Compressor

HASHED_RE = re.compile(r"\.[0-9a-f]{12}\.[A-Za-z0-9]+$")
MANIFEST = "manifest.json"


def file_hash(data: bytes) -> str:
    """The 12-hex-digit content hash (SHA-256 prefix) used in asset names and revisions."""
    return hashlib.sha256(data).hexdigest()[:12]


def hashed_name(rel: str, data: bytes) -> str:
    """``css/site.css`` + bytes -> ``css/site.<hash>.css``."""
    stem, dot, ext = rel.rpartition(".")
    return f"{stem}.{file_hash(data)}.{ext}" if dot else f"{rel}.{file_hash(data)}"


def build(src: Path | str, dest: Path | str) -> dict[str, str]:
    """Build hashed, compressed copies of ``src`` into ``dest``; return the manifest.

    :param src: folder of hand-written static files (``static/``).
    :param dest: output folder; replaced atomically (built beside it, then renamed), so
        concurrent readers never see half a build.
    :returns: mapping of source path (``/``-separated, relative) to hashed path.
    :raises OSError: if ``src`` cannot be read or ``dest`` written.
    """
    src, dest = Path(src), Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".assets-", dir=dest.parent))
    manifest: dict[str, str] = {}
    for path in sorted(p for p in src.rglob("*") if p.is_file()):
        rel = path.relative_to(src).as_posix()
        if any(part.startswith(".") for part in path.relative_to(src).parts):
            continue
        data = path.read_bytes()
        out = hashed_name(rel, data)
        (tmp / out).parent.mkdir(parents=True, exist_ok=True)
        (tmp / out).write_bytes(data)
        manifest[rel] = out
    compressor = Compressor(quiet=True)
    for out in manifest.values():
        if compressor.should_compress(out):
            list(compressor.compress(str(tmp / out)))
    (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), "utf-8")
    old = dest.with_name(dest.name + ".old")
    if dest.exists():
        shutil.rmtree(old, ignore_errors=True)
        os.replace(dest, old)
    os.replace(tmp, dest)
    shutil.rmtree(old, ignore_errors=True)
    return manifest

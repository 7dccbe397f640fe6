"""Static assets: content-hashed, pre-compressed copies of ``static/`` in a shared pool.

``build()`` (called by the release build) copies every file of ``static/`` to
``<name>.<12 hex of its SHA-256>.<ext>`` in ``BUILD_DIR/static`` (stylesheets minified) with ``.gz``/``.br`` siblings
from whitenoise's compressor, and returns the manifest (source path -> hashed path) that the
release records. whitenoise serves the pool and caches hashed names as immutable. A release that
changes a byte changes that file's URL; one that changes nothing keeps every URL.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from whitenoise.compress import Compressor

from webapp.contract import HASHED_RE, INLINE_ASSETS, csp_hash  # noqa: F401 - the contract owns hashed names


def file_hash(data: bytes) -> str:
    """The 12-hex-digit content hash (SHA-256 prefix) used in asset names and revisions."""
    return hashlib.sha256(data).hexdigest()[:12]


def hashed_name(rel: str, data: bytes) -> str:
    """``css/site.css`` + bytes -> ``css/site.<hash>.css``."""
    stem, dot, ext = rel.rpartition(".")
    return f"{stem}.{file_hash(data)}.{ext}" if dot else f"{rel}.{file_hash(data)}"


def minified(rel: str, data: bytes) -> bytes:
    """The bytes to publish for static file ``rel``: a stylesheet minified by rcssmin (comments
    and needless whitespace dropped: 35 kB -> 22 kB for site.css, 10 -> 6 kB gzipped; every
    page carries it inline), a script that pages carry inline (``contract.INLINE_ASSETS``)
    minified by rjsmin (prefs.js 0.8 -> 0.3 kB), anything else as it is. The hashed name stays
    the hash of the source, so an edit to a comment still gives a new URL."""
    if rel.endswith(".css"):
        import rcssmin
        return rcssmin.cssmin(data.decode("utf-8")).encode("utf-8")
    if rel.endswith(".js") and rel in INLINE_ASSETS:
        import rjsmin
        return rjsmin.jsmin(data.decode("utf-8")).encode("utf-8")
    return data


def inline_hashes(pool: Path | str, manifest: dict[str, str]) -> dict[str, str]:
    """CSP hashes (:func:`webapp.contract.csp_hash`) of the pool files pages carry inline
    (``contract.INLINE_ASSETS``), by source path, computed from the published bytes.

    :raises ValueError: ``path: message`` if one of them is missing from the release or
        could end its element early (a ``</script`` or ``</style`` in its text)."""
    out: dict[str, str] = {}
    for rel in INLINE_ASSETS:
        if rel not in manifest:
            raise ValueError(f"static/{rel}: missing (pages carry it inline)")
        data = (Path(pool) / manifest[rel]).read_bytes()
        tag = "script" if rel.endswith(".js") else "style"
        if f"</{tag}".encode() in data.lower():
            raise ValueError(f"static/{rel}: contains </{tag}, which would end the inline "
                             f"<{tag}> element early")
        out[rel] = csp_hash(data)
    return out


def build(src: Path | str, pool: Path | str) -> dict[str, str]:
    """Add hashed, compressed copies of ``src``'s files to the ``pool`` folder; return the
    manifest (source path, ``/``-separated, -> hashed path).

    The pool only grows: a hashed name never changes content, so files of earlier releases stay
    for pages (and CDN copies of pages) that still link them; ``make prune`` does not touch
    them. Each new file is written under a temporary name and renamed, with its ``.gz``/``.br``
    siblings from whitenoise's compressor, so a concurrent reader never sees half a file.
    Dotfiles are skipped. :raises OSError: if ``src`` cannot be read or ``pool`` written.
    """
    src, pool = Path(src), Path(pool)
    pool.mkdir(parents=True, exist_ok=True)
    manifest: dict[str, str] = {}
    compressor = Compressor(quiet=True)
    for path in sorted(p for p in src.rglob("*") if p.is_file()):
        rel = path.relative_to(src)
        if any(part.startswith(".") for part in rel.parts):
            continue
        data = path.read_bytes()
        out = hashed_name(rel.as_posix(), data)
        manifest[rel.as_posix()] = out
        target = pool / out
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as fh:
            fh.write(minified(rel.as_posix(), data))
        if compressor.should_compress(out):
            for compressed in compressor.compress(tmp):
                os.replace(compressed, str(target) + compressed[len(tmp):])
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    return manifest


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".avif")


def image_sizes(src: Path | str, manifest: dict[str, str]) -> dict[str, list[int]]:
    """Intrinsic ``[width, height]`` in pixels of every raster image in ``src`` (source path
    -> size), read with Pillow (only the header), so pages can write ``width``/``height`` on
    ``<img>`` and the browser keeps the photo's place before it loads (no layout shift).

    :returns: only images Pillow can read; another file gets no size attributes."""
    from PIL import Image, UnidentifiedImageError
    out: dict[str, list[int]] = {}
    for rel in manifest:
        if rel.lower().endswith(IMAGE_SUFFIXES):
            try:
                with Image.open(Path(src) / rel) as img:
                    out[rel] = [img.width, img.height]
            except (OSError, UnidentifiedImageError):
                continue
    return out

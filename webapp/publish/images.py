"""Release-time photo pipeline: a newsroom's photo in, sized, private, content-hashed files out.

:func:`process` turns the bytes of one source photo (JPEG, PNG, WebP, AVIF, HEIC/HEIF, TIFF, as
a phone or a photo desk sends them) into a :class:`Photo` record and its renditions, written
once into the build's static pool (``BUILD_DIR/static/photos/``) under names that carry the
hash of their bytes, so whitenoise serves them as immutable. Each photo is

- decoded once (a JPEG at the smallest DCT scale that still covers the largest width,
  Pillow's ``draft``), with a pixel limit against decompression bombs (:data:`MAX_PIXELS`);
- turned upright (``ImageOps.exif_transpose``: EXIF orientation, then the tag is gone);
- converted to sRGB (an embedded ICC profile through LittleCMS, ``PIL.ImageCms``; CMYK without
  a profile by Pillow's conversion); transparency is flattened on white;
- stripped of every piece of metadata: nothing of ``Image.info`` (EXIF with GPS and camera
  serial numbers, XMP, IPTC, ICC, comments) reaches an encoder; the outputs are plain sRGB;
- written at each width of :data:`WIDTHS` up to its own width (never upscaled) as AVIF and as
  a JPEG fallback, plus a 1200-pixel JPEG for sharing cards (Open Graph, JSON-LD), and a tiny
  blurred placeholder (an SVG data URI well under 1 KB) shown until the photo arrives.

AVIF + JPEG, no WebP: every browser with ``<picture>`` that lacks AVIF decodes JPEG, and a
third format would cost 60% more encoding time for the same readers (docs/photos.md has the
figures). SVG is refused: a vector file is not a photo, and an SVG can carry scripts and
external references that a sanitiser would have to be trusted to remove.

The work is incremental by content: :func:`process` is only called for a source whose hash
(with :data:`VERSION`) has no record yet, so an unchanged photo costs a ``stat()``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import warnings
from pathlib import Path

from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

from webapp import contract
from webapp.photos import Photo, Rendition

try:  # HEIC/HEIF (iPhone photos): pillow-heif registers an opener with Pillow
    import pillow_heif
    pillow_heif.register_heif_opener()
except ImportError:  # pragma: no cover - pinned in requirements.txt
    pillow_heif = None

VERSION = "1"              # bump when the outputs of the same source would change
WIDTHS = (320, 480, 640, 800, 1080, 1280, 1600)   # CSS px × DPR steps (Next.js deviceSizes)
SHARE_WIDTH = 1200         # Open Graph / schema.org image (Facebook's and Google's 1200 px)
# Refused above this many pixels: 100 MP is twice a 50 MP phone sensor (Pillow's default,
# ~179 MP, only warns up to twice that). A bigger file is a bomb or a scan to downscale first.
MAX_PIXELS = 100_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS   # Pillow warns above it and raises above twice it
AVIF_OPTIONS = {"quality": 50, "speed": 9}
JPEG_OPTIONS = {"quality": 78, "optimize": True, "progressive": True}
PLACEHOLDER_WIDTH = 12     # pixels of the blurred preview inside the placeholder SVG
READABLE = ("JPEG", "MPO", "PNG", "WEBP", "AVIF", "HEIF", "TIFF")


class PhotoError(ValueError):
    """A source photo cannot be published; ``str()`` is the reason, for ``file:line: reason``."""


def _is_svg(data: bytes) -> bool:
    head = data[:1024].lstrip().lower()
    return head.startswith((b"<svg", b"<?xml", b"<!doctype svg")) or b"<svg" in head


def decode(data: bytes, max_width: int = WIDTHS[-1]) -> Image.Image:
    """Decode ``data`` (the bytes of a source photo) into an upright, metadata-free RGB image
    in sRGB, at least ``max_width`` pixels wide where the source is.

    :raises PhotoError: for an SVG, bytes that are no image Pillow reads, a truncated or
        corrupt file, or more than :data:`MAX_PIXELS` pixels (a decompression bomb).
    """
    if _is_svg(data):
        raise PhotoError("SVG is not accepted as a photo (it can carry scripts and external "
                         "references): export it as PNG or JPEG")
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data))
            if im.width * im.height > MAX_PIXELS:
                raise Image.DecompressionBombError("too many pixels")
            if im.format not in READABLE:
                raise PhotoError(f"{im.format} is not a photo format we publish: use JPEG, "
                                 "PNG, WebP, AVIF or HEIC")
            _draft(im, max_width)
            im.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(f"image is too large to decode safely (more than {MAX_PIXELS:,} "
                         "pixels): downscale it first") from None
    except UnidentifiedImageError:
        raise PhotoError("not an image (or not a format we can read: JPEG, PNG, WebP, AVIF, "
                         "HEIC)") from None
    except (OSError, SyntaxError, ValueError) as exc:  # truncated / corrupt data
        raise PhotoError(f"the image file is damaged or truncated ({exc}): export it "
                         "again") from None
    return _clean(im)


def _draft(im: Image.Image, max_width: int) -> None:
    """Let a JPEG decode at 1/2, 1/4 or 1/8 scale when that still covers ``max_width`` once
    upright (orientation 5–8 swap width and height)."""
    if im.format not in ("JPEG", "MPO"):
        return
    swapped = im.getexif().get(0x0112, 1) in (5, 6, 7, 8)
    im.draft(None, (1, max_width) if swapped else (max_width, 1))


def _clean(im: Image.Image) -> Image.Image:
    icc = im.info.get("icc_profile")
    im = ImageOps.exif_transpose(im)
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        im = Image.new("RGB", rgba.size, (255, 255, 255))
        im.paste(rgba, mask=rgba.getchannel("A"))
    elif icc and im.mode in ("RGB", "CMYK", "L"):
        try:
            im = ImageCms.profileToProfile(im, ImageCms.ImageCmsProfile(io.BytesIO(icc)),
                                           ImageCms.createProfile("sRGB"), outputMode="RGB")
        except (ImageCms.PyCMSError, OSError):
            im = im.convert("RGB")   # a broken profile: its pixels as they are
    if im.mode != "RGB":
        im = im.convert("RGB")
    im.info = {}   # EXIF (GPS, serials), XMP, IPTC, ICC, comments: none reaches an encoder
    return im


def _encode(im: Image.Image, fmt: str) -> bytes:
    buf = io.BytesIO()
    if fmt == "AVIF":
        im.save(buf, "AVIF", exif=b"", xmp=b"", **AVIF_OPTIONS)
    else:
        im.save(buf, "JPEG", **JPEG_OPTIONS)
    return buf.getvalue()


def _write(pool: Path, stem: str, data: bytes, ext: str) -> str:
    """Store ``data`` as ``photos/<stem>.<12 hex of its SHA-256>.<ext>`` (written once,
    atomically); return that pool path."""
    rel = f"photos/{stem}.{hashlib.sha256(data).hexdigest()[:12]}.{ext}"
    contract.write_once(pool / rel, data)
    return rel


def widths_for(width: int) -> list[int]:
    """The rendition widths for an upright source ``width`` pixels wide: each of
    :data:`WIDTHS` below it, and its own width when it is narrower than the largest (never an
    upscale)."""
    out = [w for w in WIDTHS if w < width]
    if width <= WIDTHS[-1]:
        out.append(width)
    return out or [width]


def _resized(im: Image.Image, width: int) -> Image.Image:
    height = max(1, round(im.height * width / im.width))
    return im if width == im.width else im.resize((width, height), Image.Resampling.LANCZOS)


def placeholder(im: Image.Image) -> tuple[str, str]:
    """A tiny blurred preview of ``im`` as an SVG data URI (text, a few hundred bytes: a
    12-pixel WebP under a Gaussian blur) and the dominant colour ``#rrggbb`` (the mean)."""
    r, g, b = im.resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    color = f"#{r:02x}{g:02x}{b:02x}"
    small = _resized(im, PLACEHOLDER_WIDTH)
    buf = io.BytesIO()
    small.save(buf, "WEBP", quality=40, method=6)
    b64 = base64.b64encode(buf.getvalue()).decode("ascii")
    w, h = small.size
    svg = (f"<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 {w} {h}'>"
           f"<filter id='b' x='0' y='0'><feGaussianBlur stdDeviation='.8'/></filter>"
           f"<rect width='100%' height='100%' fill='{color}'/>"
           f"<image filter='url(#b)' width='{w}' height='{h}' preserveAspectRatio='none' "
           f"href='data:image/webp;base64,{b64}'/></svg>")
    return "data:image/svg+xml," + svg.replace("#", "%23").replace("<", "%3C").replace(">", "%3E"), color


def process(data: bytes, pool: Path | str, stem: str) -> Photo:
    """Decode one source photo (``data``, bytes) and write its renditions into ``pool`` (the
    build's static folder) as ``photos/<stem>-<width>.<hash>.<avif|jpg>``.

    :returns: the :class:`Photo` record (sizes in pixels, pool paths, placeholder).
    :raises PhotoError: for input that cannot be published (see :func:`decode`).
    """
    pool = Path(pool)
    im = decode(data)
    sources: dict[str, list[Rendition]] = {"image/avif": [], "image/jpeg": []}
    current = im
    for width in sorted(widths_for(im.width), reverse=True):   # each from the next larger
        current = _resized(current, width)
        for mime, fmt, ext in (("image/avif", "AVIF", "avif"), ("image/jpeg", "JPEG", "jpg")):
            path = _write(pool, f"{stem}-{width}", _encode(current, fmt), ext)
            sources[mime].insert(0, Rendition(current.width, current.height, path))
    share_im = _resized(im, min(SHARE_WIDTH, im.width))
    share = Rendition(share_im.width, share_im.height,
                      _write(pool, f"{stem}-share", _encode(share_im, "JPEG"), "jpg"))
    uri, color = placeholder(current)
    largest = sources["image/jpeg"][-1]
    return Photo(largest.width, largest.height, sources, share, uri, color)


def stem_for(source: str, digest: str) -> str:
    """The file-name stem of a source's renditions: its own name made URL-safe (ASCII letters,
    digits, hyphens) and 8 hex of its content hash, so two ``IMG_0001.jpg`` never meet."""
    base = Path(source).stem.lower()
    safe = "".join(c if c.isascii() and c.isalnum() else "-" for c in base).strip("-")
    return f"{'-'.join(filter(None, safe.split('-')))[:40] or 'photo'}-{digest[:8]}"

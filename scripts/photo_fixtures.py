"""Fixture photos made with Pillow (no real photograph, nothing invented about the seed): a
gradient with coloured shapes and sensor-like noise, saved as a phone would, with EXIF that
the release must strip (GPS position, camera serial number, orientation).

``write_photo(path)`` writes one; ``python -m scripts.photo_fixtures DIR`` writes the three
4,000 × 3,000 photos of the fixture article (``tests/data/photo-article``) into DIR. The big
ones are generated when needed (tests, benchmark, screenshots), never committed.
"""

from __future__ import annotations

import io
import random
import sys
from pathlib import Path

from PIL import Image, ImageDraw

GPS_IFD, ORIENTATION, SERIAL = 0x8825, 0x0112, 0xA431   # EXIF tags (CIPA DC-008)
# Where the fixture "photographer lives": Jintan, 31.72 N 119.57 E, as EXIF rationals
GPS = {1: "N", 2: (31.0, 43.0, 12.0), 3: "E", 4: (119.0, 34.0, 12.0)}
SERIAL_NUMBER = "SN-FIXTURE-123456"

# the three photos of the fixture article: (file name, seed, orientation tag)
ARTICLE_PHOTOS = (("harbour.jpg", 1, 1), ("turbines.jpg", 2, 6), ("meeting.jpg", 3, 1))


def picture(size: tuple[int, int], seed: int) -> Image.Image:
    """An RGB test picture of ``size`` pixels: gradients, ellipses and a little noise (so it
    compresses like a photo, not like a flat drawing), the same for the same ``seed``."""
    w, h = size
    rnd = random.Random(seed)
    base = Image.merge("RGB", (Image.linear_gradient("L").resize(size),
                               Image.linear_gradient("L").rotate(90).resize(size),
                               Image.radial_gradient("L").resize(size)))
    draw = ImageDraw.Draw(base)
    for _ in range(120):
        x, y = rnd.randrange(w), rnd.randrange(h)
        rw, rh = rnd.randrange(w // 80 + 2, w // 6 + 3), rnd.randrange(h // 80 + 2, h // 6 + 3)
        draw.ellipse((x, y, x + rw, y + rh), fill=tuple(rnd.randrange(256) for _ in range(3)))
    noise = Image.effect_noise(size, 30).convert("RGB")
    return Image.blend(base, noise, 0.12)


def exif(orientation: int = 1) -> Image.Exif:
    """EXIF with a GPS position, a camera serial number and an ``orientation`` tag."""
    data = Image.Exif()
    data[ORIENTATION] = orientation
    data[0x010F] = "Fixture Camera Co."          # Make
    data.get_ifd(0x8769)[SERIAL] = SERIAL_NUMBER   # Exif IFD: BodySerialNumber
    data.get_ifd(GPS_IFD).update(GPS)
    return data


def photo_bytes(size=(4000, 3000), seed: int = 1, orientation: int = 1, fmt: str = "JPEG",
                **options) -> bytes:
    """A fixture photo as bytes, stored ``size`` (width, height in pixels, before the
    orientation is applied), with :func:`exif` and an XMP packet naming the position."""
    buf = io.BytesIO()
    xmp = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/'
           b'22-rdf-syntax-ns#"><rdf:Description exif:GPSLatitude="31,43.2N" xmlns:exif='
           b'"http://ns.adobe.com/exif/1.0/"/></rdf:RDF></x:xmpmeta>')
    picture(size, seed).save(buf, fmt, exif=exif(orientation), xmp=xmp,
                             **({"quality": 90} if fmt == "JPEG" else {}) | options)
    return buf.getvalue()


def write_photo(path: Path | str, **kwargs) -> Path:
    """Write :func:`photo_bytes` (same keywords) to ``path``; returns it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(photo_bytes(**kwargs))
    return path


def write_article_photos(folder: Path | str, size=(4000, 3000)) -> list[Path]:
    """The fixture article's three photos in ``folder`` (``turbines.jpg`` stored sideways,
    EXIF orientation 6, as a phone held upright writes it)."""
    folder = Path(folder)
    out = []
    for name, seed, orientation in ARTICLE_PHOTOS:
        stored = size if orientation == 1 else (size[1], size[0])
        out.append(write_photo(folder / name, size=stored, seed=seed, orientation=orientation))
    return out


if __name__ == "__main__":
    for p in write_article_photos(sys.argv[1] if len(sys.argv) > 1 else "photos"):
        print(p, p.stat().st_size, "bytes")

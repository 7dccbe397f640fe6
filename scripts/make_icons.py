"""Render the app icons from the one SVG source, so a redesign is one edit.

Usage: ``make icons`` (or ``.venv/bin/python scripts/make_icons.py``). Reads
``static/icons/icon.svg`` and writes PNG files beside it:

=========================  =======  ==========================================================
file                       size     use
=========================  =======  ==========================================================
icon-192.png, icon-512.png 192, 512 manifest ``purpose: any``: rounded corners, transparent
icon-maskable-512.png      512      manifest ``purpose: maskable``: full bleed (the art stays in
                                    the central 80 % circle, the W3C safe zone)
apple-touch-icon.png       180      iOS home screen: opaque RGB (iOS fills transparency black
                                    and rounds the corners itself)
=========================  =======  ==========================================================

Rasterising is CairoSVG (needs the cairo library, which Debian's chromium pulls in); Pillow
adds the rounded mask and writes optimised PNG. Same SVG + same versions = same bytes, so
an unchanged icon keeps its hashed URL and its precache entry.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import cairosvg
from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"
CORNER = 0.22  # radius of the rounded "any" icons, as a fraction of the side


def render(svg: bytes, size: int) -> Image.Image:
    """Rasterise SVG bytes to a ``size`` x ``size`` RGBA image."""
    png = cairosvg.svg2png(bytestring=svg, output_width=size, output_height=size)
    return Image.open(io.BytesIO(png)).convert("RGBA")


def rounded(img: Image.Image) -> Image.Image:
    """The image with transparent rounded corners (drawn at 4x, then downsampled: smooth)."""
    big = img.size[0] * 4
    mask = Image.new("L", (big, big), 0)
    ImageDraw.Draw(mask).rounded_rectangle((0, 0, big - 1, big - 1), radius=int(big * CORNER), fill=255)
    out = img.copy()
    out.putalpha(mask.resize(img.size, Image.LANCZOS))
    return out


def main(icons: Path = ICONS) -> list[Path]:
    """Write the PNG icons into ``icons``; return their paths. :raises OSError: on I/O errors."""
    svg = (icons / "icon.svg").read_bytes()
    outputs = {
        "icon-192.png": rounded(render(svg, 192)),
        "icon-512.png": rounded(render(svg, 512)),
        "icon-maskable-512.png": render(svg, 512),
        "apple-touch-icon.png": render(svg, 180).convert("RGB"),
    }
    written = []
    for name, img in outputs.items():
        img.save(icons / name, "PNG", optimize=True)
        written.append(icons / name)
    # /favicon.ico for browsers and crawlers that ask for it at the root (ICO with 16-48 px)
    rounded(render(svg, 192)).save(icons / "favicon.ico", sizes=[(16, 16), (32, 32), (48, 48)])
    written.append(icons / "favicon.ico")
    return written


if __name__ == "__main__":
    for path in main(Path(sys.argv[1]) if len(sys.argv) > 1 else ICONS):
        print(path)

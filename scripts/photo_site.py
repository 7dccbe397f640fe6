"""A site with photos, for the photo benchmark, Lighthouse and the screenshots: the project's
seed article (captions, no photos) plus the fixture article ``tests/data/photo-article``
with its three 4,000 × 3,000 generated photos (scripts/photo_fixtures.py), written into a
folder of its own. ``photo_site(root)`` returns the ``JINTAN_*`` environment for it."""

from __future__ import annotations

import shutil
from pathlib import Path

from scripts.photo_fixtures import write_article_photos

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "data" / "photo-article"
SLUG = "photo-fixture"


def photo_site(root: Path | str, size=(4000, 3000)) -> dict[str, str]:
    """Write ``root/content`` (seed + fixture article), ``root/photos`` (generated once: kept
    when present) and ``root/translations`` (the project's catalogs + the fixture's); return
    the environment (``JINTAN_CONTENT_DIR``, ``JINTAN_TRANSLATIONS_DIR``) naming them."""
    root = Path(root)
    content, translations = root / "content", root / "translations"
    shutil.rmtree(content, ignore_errors=True)
    shutil.rmtree(translations, ignore_errors=True)
    shutil.copytree(ROOT / "content", content)
    shutil.copy2(FIXTURE / "content" / f"{SLUG}.md", content)
    shutil.copytree(ROOT / "translations", translations)
    shutil.copytree(FIXTURE / "translations", translations, dirs_exist_ok=True)
    if not (root / "photos").is_dir():
        write_article_photos(root / "photos", size)
    return {"JINTAN_CONTENT_DIR": str(content), "JINTAN_TRANSLATIONS_DIR": str(translations)}

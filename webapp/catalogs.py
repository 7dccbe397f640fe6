"""Catalog coverage check: every article block translated, nothing fuzzy, in every locale.

Run as ``python -m webapp.catalogs`` (``make check-catalogs``); exits 1 and lists each
problem as ``<po file>:<line>: <message>`` so an editor can jump to it. It reads the ``.po``
files with Babel (``pybabel compile --statistics`` counts fuzzy entries as translated).
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po

from webapp.config import Defaults
from webapp.content import load_articles
from webapp.i18n import ARTICLE_DOMAIN, LOCALES, SOURCE_LOCALE


def article_catalog_problems(content_dir: str | Path, translations_dir: str | Path) -> list[str]:
    """List the gaps in the article catalogs (``[]`` when complete).

    :param content_dir: folder of article files (``content/``).
    :param translations_dir: folder holding ``<locale>/LC_MESSAGES/article.po``.
    :returns: one ``path:line: message`` text per block that is missing, empty or fuzzy in
        a non-source locale, and per catalog file that is missing.
    :raises webapp.content.ContentError: if an article file is malformed.
    """
    problems: list[str] = []
    articles = load_articles(content_dir)
    for locale in LOCALES:
        if locale == SOURCE_LOCALE:
            continue
        po = Path(translations_dir) / locale / "LC_MESSAGES" / f"{ARTICLE_DOMAIN}.po"
        if not po.exists():
            problems.append(f"{po}: missing catalog")
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=locale, abort_invalid=True)
        for article in articles.values():
            for block in article.blocks:
                msg = catalog.get(block.text, context=block.msgctxt)
                where = f"{article.path}:{block.line}"
                if msg is None:
                    problems.append(f"{po}: no entry for {block.msgctxt} ({where})")
                elif not msg.string:
                    problems.append(f"{po}:{msg.lineno}: empty translation for {block.msgctxt}")
                elif msg.fuzzy:
                    problems.append(f"{po}:{msg.lineno}: fuzzy translation for {block.msgctxt}")
    return problems


def main() -> int:
    problems = article_catalog_problems(Defaults.CONTENT_DIR, Defaults.TRANSLATIONS_DIR)
    for p in problems:
        print(p, file=sys.stderr)
    print(f"article catalogs: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

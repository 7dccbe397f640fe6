"""Catalog coverage check: every article block translated, nothing fuzzy, in every locale
(``en`` and ``zh_Hant``), and every UI string of the ``zh`` catalog present in ``zh_Hant``.

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


UI_SOURCE_LOCALE = "en"   # msgid language of the ``messages`` domain: it needs no catalog
UI_REFERENCE = "zh"       # the UI catalog kept up to date by ``pybabel update``


def ui_catalog_problems(translations_dir: str | Path) -> list[str]:
    """List the gaps in the UI (``messages``) catalogs of the locales other than ``zh``.

    The reference set of UI strings is ``zh/LC_MESSAGES/messages.po`` (updated from the
    template by ``make update``; its own completeness is checked against a fresh extraction
    in tests/test_translations.py). :returns: ``path:line: message`` per missing, empty or
    fuzzy entry and per missing catalog; ``[]`` when complete.
    """
    root = Path(translations_dir)
    with (root / UI_REFERENCE / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        reference = read_po(fh, locale=UI_REFERENCE)
    problems: list[str] = []
    for locale in LOCALES:
        if locale in (UI_SOURCE_LOCALE, UI_REFERENCE):
            continue
        po = root / locale / "LC_MESSAGES" / "messages.po"
        if not po.exists():
            problems.append(f"{po}: missing catalog")
            continue
        with po.open("rb") as fh:
            catalog = read_po(fh, locale=locale, abort_invalid=True)
        for ref in reference:
            if not ref.id:
                continue
            msg = catalog.get(ref.id, context=ref.context)
            key = ref.id[0] if isinstance(ref.id, (tuple, list)) else ref.id
            if msg is None:
                problems.append(f"{po}: no entry for UI string {key!r}")
            elif not msg.string or (isinstance(msg.string, (tuple, list)) and not all(msg.string)):
                problems.append(f"{po}:{msg.lineno}: empty translation for UI string {key!r}")
            elif msg.fuzzy:
                problems.append(f"{po}:{msg.lineno}: fuzzy translation for UI string {key!r}")
    return problems


def _entries(text: str) -> list[list[str]]:
    return [block.split("\n") for block in text.split("\n\n")]


def _key(entry: list[str]) -> tuple[str, str]:
    ctxt = next((l for l in entry if l.startswith("msgctxt ")), "")
    msgid = next((l for l in entry if l.startswith("msgid ")), "")
    return ctxt, msgid


def _previous(entry: list[str]) -> list[str]:
    """The entry's ``#|`` lines, joined one per field (``#| msgid "..."``)."""
    out: list[str] = []
    for line in entry:
        if not line.startswith("#|"):
            continue
        if line.startswith(("#| msgid", "#| msgctxt")) or not out:
            out.append(line)
        elif line.startswith('#| "'):          # a wrapped string: continue the quoted text
            head, piece = out[-1], line[4:-1]
            out[-1] = head[:-1] + piece + '"' if head.endswith('"') else f'{head} "{piece}"'
        else:                                  # a comment wrapped at a space (textwrap)
            out[-1] = f"{out[-1]} {line[3:]}"
    return out


def update_keeping_previous(args: list[str], po_files: list[Path]) -> None:
    """Run ``pybabel update args`` and keep every fuzzy entry's previous source (``#|``).

    Babel 2.19 writes ``#| msgid`` (wrapped at 76 columns) when it marks an entry fuzzy, but
    its ``read_po`` does not parse ``#|``: the next update rewrites those lines as ``# |``
    translator comments, and Poedit and Weblate stop showing the translator what changed.
    So: read the ``#|`` lines of each ``po_files`` entry first, run the update, then give
    each entry that is still fuzzy its previous lines back (one line per field, as the
    gettext manual's "PO File Format" shows) and drop the ``# |`` leftovers.

    :param args: ``pybabel update`` arguments. :param po_files: the catalogs it writes.
    :raises SystemExit: when pybabel fails.
    """
    from babel.messages.frontend import CommandLineInterface

    kept = {}
    for po in po_files:
        if po.exists():
            for entry in _entries(po.read_text("utf-8")):
                if _previous(entry):
                    kept[(po, _key(entry))] = _previous(entry)
    CommandLineInterface().run(["pybabel", "update", *args])
    for po in po_files:
        if not po.exists():
            continue
        entries = []
        for entry in _entries(po.read_text("utf-8")):
            clean, skipping = [], False
            for line in entry:
                if line.startswith("# |"):
                    skipping = True      # Babel's rewrite of an old "#|" comment, and its
                    continue             # wrapped continuation lines below
                if skipping and line.startswith("# ") and not line.startswith("#|"):
                    continue
                skipping = False
                clean.append(line)
            previous = _previous(clean) or kept.get((po, _key(clean)), [])
            fuzzy = any(l.startswith("#,") and "fuzzy" in l for l in clean)
            body = [l for l in clean if not l.startswith("#|")]
            if fuzzy and previous:
                at = next(i for i, l in enumerate(body) if l.startswith(("msgctxt ", "msgid ")))
                body[at:at] = previous
            entries.append(body)
        po.write_text("\n\n".join("\n".join(e) for e in entries), "utf-8")


def main() -> int:
    if sys.argv[1:2] == ["update"]:  # python -m webapp.catalogs update <pybabel update args>
        args = sys.argv[2:]
        domain, directory = args[args.index("-D") + 1], Path(args[args.index("-d") + 1])
        locale = args[args.index("-l") + 1] if "-l" in args else "*"
        update_keeping_previous(args, list(directory.glob(f"{locale}/LC_MESSAGES/{domain}.po")))
        return 0
    problems = article_catalog_problems(Defaults.CONTENT_DIR, Defaults.TRANSLATIONS_DIR)
    problems += ui_catalog_problems(Defaults.TRANSLATIONS_DIR)
    for p in problems:
        print(p, file=sys.stderr)
    print(f"catalogs: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

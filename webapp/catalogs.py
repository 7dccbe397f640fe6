"""Reading catalogs safely, and the coverage checks of ``make check-catalogs``.

:func:`read_catalog` is the one way the project reads a ``.po`` file: every problem becomes a
:class:`CatalogError` whose text is ``path:line: message``, never a Babel traceback and never
an entry silently dropped. ``make compile`` runs it over every catalog before ``pybabel
compile`` (``python -m webapp.qa --syntax``), so compiling and checking agree on what is an
error. The checks themselves (coverage and translation QA) live in :mod:`webapp.qa`;
``python -m webapp.catalogs`` with no arguments runs them too (kept for old habits).
``python -m webapp.catalogs update ...`` is the ``make update`` step (see
:func:`update_keeping_previous`).
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

from babel.core import UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po, unescape


BOM = b"\xef\xbb\xbf"


class CatalogError(ValueError):
    """A catalog file cannot be read. ``str()`` is ``path:line: message`` (or ``path: message``
    when no line applies); ``path``, ``line`` and ``message`` are attributes."""

    def __init__(self, path: Path | str, line: int | None, message: str):
        self.path, self.line, self.message = str(path), line, message
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")


_STRING = r'"(?:[^"\\]|\\.)*"'
_KEYWORD = re.compile(rf"^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)[ \t]+({_STRING})[ \t]*$")
_CONTINUATION = re.compile(rf"^({_STRING})[ \t]*$")


def _scan(path: Path, text: str) -> None:
    """Check every non-comment line's syntax and that no msgctxt/msgid pair appears twice.

    Babel silently drops an entry with an unterminated string and keeps only one of two
    duplicate entries; GNU msgfmt refuses both. :raises CatalogError: at the first problem.
    """
    seen: dict[tuple, int] = {}
    ctxt = msgid = field = None
    start = 0
    for n, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            if not stripped:
                ctxt = msgid = field = None
            continue
        m = _KEYWORD.match(stripped)
        if m:
            keyword, value = m.group(1), unescape(m.group(2))
            if keyword == "msgctxt":
                ctxt, msgid, field, start = value, None, "msgctxt", n
            elif keyword == "msgid":
                if field not in ("msgctxt",):
                    ctxt, start = None, n
                msgid, field = value, "msgid"
            elif keyword.startswith("msgstr") and field == "msgid":
                key = (ctxt, msgid)
                if key in seen:
                    what = f"msgctxt {ctxt!r} " if ctxt is not None else ""
                    raise CatalogError(path, start, f"duplicate entry: {what}msgid {msgid!r} "
                                                    f"is already defined on line {seen[key]}")
                seen[key] = start
                field = "msgstr"
            elif keyword == "msgid_plural" and field == "msgid":
                field = "msgid_plural"
            else:
                field = "msgstr" if keyword.startswith("msgstr") else keyword
            continue
        m = _CONTINUATION.match(stripped)
        if m and field is not None:
            if field == "msgctxt":
                ctxt += unescape(m.group(1))
            elif field == "msgid":
                msgid += unescape(m.group(1))
            continue
        if stripped.startswith(("msgctxt", "msgid", "msgstr", '"')):
            raise CatalogError(path, n, "malformed or unterminated string (a .po string is "
                                        'one line in double quotes, with \\" for a quote)')
        raise CatalogError(path, n, f"not a .po line: {stripped[:40]!r} (expected a comment, "
                                    'msgctxt/msgid/msgstr "..." or a quoted continuation)')


def read_catalog(path: Path | str, locale: str | None = None) -> Catalog:
    """Read one ``.po`` file with Babel, refusing anything gettext tools would misread.

    :param path: the catalog file. :param locale: its locale id (``en``, ``zh_Hant``), or
        None for a template.
    :returns: the :class:`babel.messages.catalog.Catalog` (obsolete entries in ``.obsolete``).
    :raises CatalogError: ``path:line: message`` when the file is missing or unreadable,
        starts with a UTF-8 byte order mark (refused: ``pybabel compile`` reads the BOM as
        part of the first line and drops it with only a warning, so the file would compile
        differently from how it reads; ``make compile`` runs this check first, so both
        refuse it), is not UTF-8, has a malformed or unterminated string, a line that is not
        .po syntax, an entry defined twice, or anything Babel's parser rejects.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogError(path, None, f"cannot read the catalog: {exc.strerror or exc}") from exc
    if data.startswith(BOM):
        raise CatalogError(path, 1, "starts with a UTF-8 byte order mark (BOM): save it as "
                                    "UTF-8 without BOM (gettext tools misread the first line)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise CatalogError(path, line, f"not valid UTF-8 (byte {data[exc.start]:#04x}): "
                                       "save the catalog as UTF-8") from exc
    _scan(path, text)
    try:
        return read_po(io.BytesIO(data), locale=locale, abort_invalid=True)
    except PoFileError as exc:
        message = re.sub(r" on \d+$", "", str(exc.args[0]))
        raise CatalogError(path, exc.lineno + 1, message) from exc
    except (UnknownLocaleError, ValueError) as exc:
        raise CatalogError(path, None, f"cannot parse the catalog: {exc}") from exc


def article_catalog_problems(content_dir: str | Path, translations_dir: str | Path) -> list[str]:
    """The coverage gaps of the article catalogs (``[]`` when complete).

    :param content_dir: folder of article files (``content/``).
    :param translations_dir: the translations folder (layout: :func:`webapp.qa.find_catalogs`).
    :returns: one ``path:line: coverage: message`` text per block that is missing, empty or
        fuzzy in a translated locale, per obsolete or stale entry, and per missing catalog.
    :raises webapp.content.ContentError: if an article file is malformed.
    Translation QA (numbers, glossary ...) is :func:`webapp.qa.check_all`.
    """
    from webapp import qa
    from webapp.content import load_articles
    articles = load_articles(content_dir)
    out: list[str] = []
    for cat in qa.find_catalogs(translations_dir, sorted(articles)):
        if cat.domain == qa.ARTICLE_DOMAIN:
            out += [str(f) for f in qa.check_catalog_file(cat, articles, (), None)
                    if f.problem.rule in ("coverage", "syntax")]
    return out


def ui_catalog_problems(translations_dir: str | Path) -> list[str]:
    """The coverage gaps of the UI (``messages``) catalogs: every UI string of
    ``zh/LC_MESSAGES/messages.po`` (kept up to date by ``make update``; its own completeness
    is checked against a fresh extraction in tests/test_translations.py) present, not empty
    and not fuzzy in the other UI catalogs. :returns: ``path:line: coverage: message`` texts.
    """
    from webapp import qa
    files = qa.find_catalogs(translations_dir, ())
    reference = qa.ui_reference(files)
    out: list[str] = []
    for cat in files:
        if cat.domain == qa.UI_DOMAIN and cat.locale != qa.UI_REFERENCE:
            out += [str(f) for f in qa.check_catalog_file(cat, {}, (), reference)
                    if f.problem.rule in ("coverage", "syntax")]
    return out


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
    """``python -m webapp.catalogs update <pybabel update args>`` (``make update``); with no
    arguments, the same checks as ``python -m webapp.qa`` (``make check-catalogs``)."""
    if sys.argv[1:2] == ["update"]:  # python -m webapp.catalogs update <pybabel update args>
        args = sys.argv[2:]
        domain, directory = args[args.index("-D") + 1], Path(args[args.index("-d") + 1])
        locale = args[args.index("-l") + 1] if "-l" in args else "*"
        update_keeping_previous(args, list(directory.glob(f"{locale}/LC_MESSAGES/{domain}.po")))
        return 0
    from webapp import qa
    return qa.main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())

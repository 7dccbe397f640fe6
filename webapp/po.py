"""Catalog files on disk: where each lives, and the one way the project reads a ``.po``.

Layout (the Sphinx gettext builder's, ``gettext_compact = False``)::

    translations/<locale>/LC_MESSAGES/articles/<slug>.po   domain articles/<slug> (Chinese msgids)
    translations/<locale>/LC_MESSAGES/messages.po          domain messages (English msgids)

:func:`read_catalog` reads a catalog for the desk's cycle and QA (:mod:`webapp.desk`) and for
the release build (:mod:`webapp.publish.build`) alike: every problem is a
:class:`CatalogError` ``path:line: message`` (never a Babel traceback, never an entry silently
dropped), so building and ``make check-catalogs`` agree on what is an error.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

from babel.core import UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po, unescape

ARTICLE_DOMAIN_DIR = "articles"         # domain articles/<slug>
UI_DOMAIN = "messages"


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


class _EntryScanner:
    """The state of :func:`_scan` while it reads a catalog line by line: the entry being read
    (its msgctxt, msgid, the field the last string belongs to, the line it starts on) and the
    line of every msgctxt/msgid pair already complete.

    GNU msgfmt refuses a catalog that defines one msgctxt/msgid pair twice ("duplicate message
    definition"); Babel keeps one of the two silently, hence this check before Babel reads it.
    """

    def __init__(self, path: Path):
        self.path = path
        self.seen: dict[tuple[str | None, str | None], int] = {}   # (msgctxt, msgid) -> line
        self.ctxt: str | None = None
        self.msgid: str | None = None
        self.field: str | None = None     # msgctxt, msgid, msgid_plural, msgstr or None
        self.start = 0                    # line of the entry's msgctxt, or of its msgid

    def end_entry(self) -> None:
        """A blank line: the entry is over, a continuation string has nothing to extend."""
        self.ctxt = self.msgid = self.field = None

    def keyword(self, n: int, keyword: str, value: str) -> None:
        """Line ``n`` is ``keyword "value"`` (``value`` unescaped).

        A msgctxt starts an entry; so does a msgid not preceded by a msgctxt. The first msgstr
        after a msgid completes the entry's key (see :meth:`_complete`).

        :raises CatalogError: at the entry's first line when its key is already defined.
        """
        if keyword == "msgctxt":
            self.ctxt, self.msgid, self.field, self.start = value, None, "msgctxt", n
        elif keyword == "msgid":
            if self.field != "msgctxt":
                self.ctxt, self.start = None, n
            self.msgid, self.field = value, "msgid"
        elif keyword.startswith("msgstr") and self.field == "msgid":
            self._complete()
            self.field = "msgstr"
        elif keyword == "msgid_plural" and self.field == "msgid":
            self.field = "msgid_plural"
        else:
            self.field = "msgstr" if keyword.startswith("msgstr") else keyword

    def continuation(self, quoted: str) -> None:
        """A quoted string alone on its line extends the field before it; only msgctxt and
        msgid are kept (they make the key), other fields' text does not matter here."""
        if self.field == "msgctxt":
            self.ctxt += unescape(quoted)
        elif self.field == "msgid":
            self.msgid += unescape(quoted)

    def _complete(self) -> None:
        """Record the entry's msgctxt/msgid pair.

        :raises CatalogError: ``duplicate entry: [msgctxt '…' ]msgid '…' is already defined on
            line N`` at the entry's first line when the pair was seen before.
        """
        key = (self.ctxt, self.msgid)
        if key in self.seen:
            what = f"msgctxt {self.ctxt!r} " if self.ctxt is not None else ""
            raise CatalogError(self.path, self.start, f"duplicate entry: {what}msgid {self.msgid!r} "
                                                      f"is already defined on line {self.seen[key]}")
        self.seen[key] = self.start


def _bad_line(path: Path, n: int, stripped: str) -> CatalogError:
    """The error for line ``n`` (``stripped``), which is neither a comment, a keyword with one
    well-formed string nor a continuation string: a malformed or unterminated string when it
    starts like a keyword or a string (Babel would drop the entry silently), else not .po."""
    if stripped.startswith(("msgctxt", "msgid", "msgstr", '"')):
        return CatalogError(path, n, "malformed or unterminated string (a .po string is "
                                     'one line in double quotes, with \\" for a quote)')
    return CatalogError(path, n, f"not a .po line: {stripped[:40]!r} (expected a comment, "
                                 'msgctxt/msgid/msgstr "..." or a quoted continuation)')


def _scan_line(scanner: _EntryScanner, n: int, stripped: str) -> None:
    """Feed line ``n`` (``stripped``: not blank, not a comment) to ``scanner``.

    :raises CatalogError: for a line that is not .po syntax (:func:`_bad_line`), a continuation
        string with no field before it in its entry, or a duplicate entry.
    """
    m = _KEYWORD.match(stripped)
    if m:
        scanner.keyword(n, m.group(1), unescape(m.group(2)))
        return
    m = _CONTINUATION.match(stripped)
    if m and scanner.field is not None:
        scanner.continuation(m.group(1))
        return
    raise _bad_line(scanner.path, n, stripped)


def _scan(path: Path, text: str) -> None:
    """Check every non-comment line's syntax and that no msgctxt/msgid pair appears twice.

    Babel silently drops an entry with an unterminated string and keeps only one of two
    duplicate entries; GNU msgfmt refuses both. Blank lines end an entry; ``#`` lines
    (comments, flags, obsolete ``#~`` entries) are skipped.

    :raises CatalogError: at the first problem (see :func:`_scan_line`).
    """
    scanner = _EntryScanner(path)
    for n, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if not stripped:
            scanner.end_entry()
        elif not stripped.startswith("#"):
            _scan_line(scanner, n, stripped)


def gettext_tool(name: str) -> str:
    """Absolute path of a GNU gettext program (``msgmerge``, ``msgattrib``).

    :raises RuntimeError: naming the Debian package when it is not installed."""
    path = shutil.which(name)
    if not path:
        raise RuntimeError(f"{name} not found: install GNU gettext (apt-get install gettext)")
    return path


_MSGFMT_LINE = re.compile(r"^(?P<file>.+?):(?P<line>\d+):(?:(?P<col>\d+):)?\s*(?P<msg>.*)$")


def msgfmt_problems(path: Path | str, formats: bool = True) -> list[tuple[int | None, str]]:
    """What GNU ``msgfmt --check-format --check-header -o /dev/null`` refuses in ``path``
    (without ``--check-format`` when ``formats`` is false): the
    referee of ``.po`` syntax (gettext manual, "msgfmt Invocation"), so the project and the
    translators' tools (Poedit, Weblate and msgfmt itself) never disagree on what is an error.

    :returns: ``[(line or None, message)]``, empty when msgfmt exits 0 (warnings, such as a
        header field left at its default, are not errors).
    :raises RuntimeError: when msgfmt is not installed (naming the Debian package).
    """
    checks = ["--check-format", "--check-header"] if formats else ["--check-header"]
    proc = subprocess.run([gettext_tool("msgfmt"), *checks, "-o", os.devnull, str(path)], capture_output=True, text=True,
                          env={**os.environ, "LC_ALL": "C.UTF-8"})
    if proc.returncode == 0:
        return []
    out: list[tuple[int | None, str]] = []
    for raw in proc.stderr.splitlines():
        m = _MSGFMT_LINE.match(raw)
        if m and m["file"] == str(path) and "warning:" not in m["msg"]:
            col = f" (column {m['col']})" if m["col"] else ""
            out.append((int(m["line"]), f"msgfmt: {m['msg']}{col}"))
    if not out:   # an error without a line (a header problem): msgfmt's own words
        text = " ".join(x.strip() for x in proc.stderr.splitlines()
                        if x.strip() and not x.startswith("msgfmt: found"))
        out.append((None, f"msgfmt: {text.replace(str(path) + ': ', '') or 'refused the file'}"))
    return out


def read_catalog(path: Path | str, locale: str | None = None,
                 referee: str | None = None) -> Catalog:
    """Read one ``.po`` file with Babel, refusing anything gettext tools would misread.

    :param path: the catalog file. :param locale: its locale id (``en``, ``zh_Hant``), or
        None for a template. :param referee: ``"all"`` or ``"syntax"`` to first have GNU
        msgfmt check it (:func:`msgfmt_problems`, with or without format strings; about 6 ms
        a file): the release build does (``"all"``), ``make check-catalogs`` too
        (``"syntax"``: it reports placeholders entry by entry), so an entry with two
        ``msgstr`` lines is refused as msgfmt refuses it, at msgfmt's line.
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
    if referee:
        try:
            problems = msgfmt_problems(path, formats=referee == "all")
        except RuntimeError as exc:
            raise CatalogError(path, None, str(exc)) from exc
        if problems:
            raise CatalogError(path, *problems[0])
    _scan(path, text)
    try:
        return read_po(io.BytesIO(data), locale=locale, abort_invalid=True)
    except PoFileError as exc:
        message = re.sub(r" on \d+$", "", str(exc.args[0]))
        raise CatalogError(path, exc.lineno + 1, message) from exc
    except (UnknownLocaleError, ValueError) as exc:
        raise CatalogError(path, None, f"cannot parse the catalog: {exc}") from exc


def article_po(translations_dir: Path | str, locale: str, slug: str) -> Path:
    """Path of the article catalog of ``slug`` in ``locale`` (may not exist)."""
    return Path(translations_dir) / locale / "LC_MESSAGES" / ARTICLE_DOMAIN_DIR / f"{slug}.po"


def ui_po(translations_dir: Path | str, locale: str) -> Path:
    """Path of the UI (``messages``) catalog of ``locale``."""
    return Path(translations_dir) / locale / "LC_MESSAGES" / f"{UI_DOMAIN}.po"

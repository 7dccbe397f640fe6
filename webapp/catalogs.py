"""The translation cycle: one catalog per article, one for the UI, updated with GNU gettext.

Layout (the Sphinx gettext builder's, ``gettext_compact = False``: translators and tools such as
Weblate and Poedit open one document's file, never the archive's)::

    translations/<locale>/LC_MESSAGES/articles/<slug>.po   domain articles/<slug> (Chinese msgids)
    translations/<locale>/LC_MESSAGES/messages.po          domain messages (English msgids)
    build/gettext/articles/<slug>.pot, build/gettext/messages.pot   templates (build output)

``python -m webapp.catalogs update [SLUG ...]`` (``make translations``) runs, for each article
whose source changed since its template was written (or the named ones):

1. extract its template with our Babel extraction method (:mod:`webapp.extract`);
2. ``msgmerge --previous`` it into the article's catalog of every translated locale (created
   when missing), then ``msgattrib --no-obsolete``: a changed paragraph becomes ``#, fuzzy``
   with its old source kept as ``#|`` for the translator (gettext manual, "msgmerge
   Invocation"); fuzzy entries are never compiled, so the reader sees the Chinese until a
   translator reviews it;
3. refresh its Traditional Chinese catalog with OpenCC (:mod:`webapp.hant`).

The UI domain goes through the same steps from ``pybabel extract`` over ``webapp/`` and
``templates/``. Cost is per changed article: publishing one article touches its own files only.
Compiling happens in the release build (:mod:`webapp.build`), which reads every catalog with
:func:`read_catalog`: the one way the project reads a ``.po`` file, where every problem is a
:class:`CatalogError` ``path:line: message`` (never a Babel traceback, never an entry silently
dropped), so building and ``make check-catalogs`` (:mod:`webapp.qa`) agree on what is an error.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from babel.core import UnknownLocaleError
from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po, unescape, write_po

from webapp.content import (
    Article,
    ContentError,
    ContentErrors,
    find_article_files,
    parse_article,
)
from webapp.extract import extract_article
from webapp.locales import LOCALES, SOURCE_LOCALE, UI_SOURCE_LOCALE

HANT = "zh_Hant"                        # filled by OpenCC, not by translators
ARTICLE_DOMAIN_DIR = "articles"         # domain articles/<slug>
UI_DOMAIN = "messages"
PROJECT = "Jintan Reader"
STAMP = "source sha256: "              # header comment line of a template: the article's hash

# Locales whose article catalogs translators fill (msgmerge); zh_Hant is generated.
TRANSLATED_LOCALES = tuple(c for c in LOCALES if c not in (SOURCE_LOCALE, HANT))


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


def gettext_tool(name: str) -> str:
    """Absolute path of a GNU gettext program (``msgmerge``, ``msgattrib``).

    :raises RuntimeError: naming the Debian package when it is not installed."""
    path = shutil.which(name)
    if not path:
        raise RuntimeError(f"{name} not found: install GNU gettext (apt-get install gettext)")
    return path


def _run(args: list[str]) -> None:
    proc = subprocess.run(args, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:1])} failed:\n{proc.stderr.strip()}")


def article_template(article: Article, source_sha256: str) -> Catalog:
    """The gettext template of one article: one message per block (msgctxt ``<slug>/<id>``,
    msgid the Chinese text, a translator note), from :func:`webapp.extract.extract_article`.
    The header records the source file's SHA-256 so an unchanged article is skipped."""
    cat = Catalog(project=PROJECT, copyright_holder=PROJECT, domain=f"articles/{article.slug}",
                  charset="utf-8", fuzzy=False,
                  header_comment=f"# Translations of {article.path.name} for {PROJECT}.\n"
                                 f"# {STAMP}{source_sha256}")
    fileobj = io.BytesIO(article.path.read_bytes())
    fileobj.name = str(article.path)
    options = {"content_dir": str(article.path.parent)}
    for lineno, _funcname, (ctxt, msgid), comments in extract_article(fileobj, (), (), options):
        cat.add(msgid, "", locations=[(project_path(article.path), lineno)],
                auto_comments=comments, context=ctxt)
    return cat


def project_path(path: Path | str) -> str:
    """A source file as a ``#:`` location names it: relative to the project root when it is
    inside it (``content/x.md``), so catalogs do not change with the checkout's folder."""
    from webapp.config import ROOT
    try:
        return Path(path).resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return Path(path).as_posix()


def _write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("wb") as fh:
        write_po(fh, catalog, width=0, omit_header=False, sort_output=False)
    tmp.replace(path)


def _stamp_of(pot: Path) -> str | None:
    if not pot.exists():
        return None
    for line in pot.read_text("utf-8").splitlines()[:10]:
        if line.startswith(f"# {STAMP}"):
            return line[len(STAMP) + 2:].strip()
    return None


def _entry_meaning(block: str) -> tuple:
    """What a ``.po`` entry (``block``: its lines, no blank line) says, whatever its line
    wrapping: comments and flags as sets and lists, each field's strings joined (``#|``
    previous fields too). Two blocks with the same meaning are the same entry to gettext."""
    refs: list[str] = []
    flags: set[str] = set()
    comments: list[str] = []
    fields: list[list[str]] = []
    for line in block.split("\n"):
        prefix, _, rest = line.partition(" ")
        if prefix == "#:":
            refs += rest.split()
        elif prefix == "#,":
            flags.update(f.strip() for f in rest.split(","))
        elif line.startswith(("#|", '"')):
            body = line[2:].strip() if line.startswith("#|") else line
            if body.startswith('"') and fields:
                fields[-1][1:] = ["".join(fields[-1][1:]) + unescape(body)]
            else:
                key, _, value = body.partition(" ")
                fields.append([("#|" if line.startswith("#|") else "") + key,
                               unescape(value.strip()) if value.strip() else ""])
        elif line.startswith("msg"):
            key, _, value = line.partition(" ")
            fields.append([key, unescape(value.strip())])
        else:
            comments.append(line)
    return tuple(refs), frozenset(flags), tuple(comments), tuple(tuple(f) for f in fields)


def keep_unchanged_entries(before: str, after: str) -> str:
    """``after`` (a catalog as msgmerge wrote it) with every entry whose meaning
    (:func:`_entry_meaning`) is the same as in ``before`` written exactly as ``before`` had it.

    So the cycle never re-wraps an entry it did not change: a catalog saved by Weblate or
    Poedit (translate-toolkit wraps at 77 columns by default, GNU gettext at 79, with other
    rules for CJK text) and then one changed article differs only in the changed entries and
    the header. Entries are the blank-line-separated blocks of the file."""
    old = {}
    for block in before.strip("\n").split("\n\n"):
        old.setdefault(_entry_meaning(block), block)
    blocks = after.strip("\n").split("\n\n")
    return "\n\n".join(old.get(_entry_meaning(b), b) for b in blocks) + "\n"


def merge(po: Path, pot: Path, locale: str) -> str:
    """Bring catalog ``po`` up to date with template ``pot`` (GNU msgmerge, keeping the
    previous msgid of fuzzy entries, no line wrapping), dropping obsolete entries; create it
    from the template when missing. Entries msgmerge did not change keep their bytes, however
    another tool wrapped them (:func:`keep_unchanged_entries`; the wrap rule is in
    docs/translating.md). Returns ``"created"`` or ``"merged"``.

    :raises RuntimeError: when msgmerge/msgattrib fail (their message names the file and line).
    """
    if not po.exists():
        with pot.open("rb") as fh:
            template = read_po(fh)
        template.locale = locale
        template.fuzzy = False
        template.revision_date = template.creation_date
        _write(template, po)
        return "created"
    before = po.read_text("utf-8")
    _run([gettext_tool("msgmerge"), "--quiet", "--previous", "--no-wrap", "--update",
          "--backup=none", str(po), str(pot)])
    _run([gettext_tool("msgattrib"), "--no-obsolete", "--no-wrap", "-o", str(po), str(po)])
    after = po.read_text("utf-8")
    kept = keep_unchanged_entries(before, after)
    if kept != after:
        po.write_text(kept, "utf-8")
    return "merged"


def up_to_date(path: Path, translations_dir: Path, gettext_dir: Path) -> bool:
    """Whether the catalogs of the article file ``path`` were made from its current bytes: its
    template's stamp is the SHA-256 of the file, and every locale's catalog exists. Reads the
    file's bytes and the template's first lines only: no parsing."""
    slug = path.stem
    pot = gettext_dir / ARTICLE_DOMAIN_DIR / f"{slug}.pot"
    targets = [article_po(translations_dir, loc, slug) for loc in (*TRANSLATED_LOCALES, HANT)]
    return (_stamp_of(pot) == hashlib.sha256(path.read_bytes()).hexdigest()
            and all(p.exists() for p in targets))


def update_article(article: Article, translations_dir: Path, gettext_dir: Path,
                   force: bool = False) -> list[str]:
    """Run the cycle for one article: template, merge into each translated locale, OpenCC
    refresh of zh_Hant. Returns what it did, one line each (empty when it was up to date)."""
    from webapp import hant
    if not force and up_to_date(article.path, translations_dir, gettext_dir):
        return []
    digest = hashlib.sha256(article.path.read_bytes()).hexdigest()
    pot = gettext_dir / ARTICLE_DOMAIN_DIR / f"{article.slug}.pot"
    targets = [article_po(translations_dir, loc, article.slug) for loc in TRANSLATED_LOCALES]
    hant_po = article_po(translations_dir, HANT, article.slug)
    _write(article_template(article, digest), pot)
    done = []
    for loc, po in zip(TRANSLATED_LOCALES, targets, strict=True):
        done.append(f"{po}: {merge(po, pot, loc)}")
    report = hant.refresh_domain("article", pot, hant_po)
    done.append(f"{hant_po}: {report.summary()}")
    return done


def update_ui(translations_dir: Path, gettext_dir: Path, roots: list[Path]) -> list[str]:
    """Extract the UI strings (``pybabel extract`` over ``roots`` with babel.cfg), merge them
    into every locale's ``messages.po`` but the msgid language's, and refresh zh_Hant's from
    zh's with OpenCC."""
    from babel.messages.frontend import CommandLineInterface

    from webapp import hant
    from webapp.config import ROOT
    pot = gettext_dir / f"{UI_DOMAIN}.pot"
    pot.parent.mkdir(parents=True, exist_ok=True)
    CommandLineInterface().run(
        ["pybabel", "-q", "extract", "-F", str(ROOT / "babel.cfg"), "--no-wrap",
         "--sort-by-file", "-c", "TRANSLATORS:", "-k", "lazy_gettext", f"--project={PROJECT}",
         f"--copyright-holder={PROJECT}", "-o", str(pot), *map(str, roots)])
    from babel.messages.pofile import read_po
    with pot.open("rb") as fh:
        template = read_po(fh)
    for msg in template:
        msg.locations = [(project_path(f), line) for f, line in msg.locations]
    _write(template, pot)
    done = []
    for loc in LOCALES:
        if loc in (UI_SOURCE_LOCALE, HANT):
            continue
        done.append(f"{ui_po(translations_dir, loc)}: {merge(ui_po(translations_dir, loc), pot, loc)}")
    zh = read_catalog(ui_po(translations_dir, SOURCE_LOCALE), SOURCE_LOCALE)
    report = hant.refresh_domain(UI_DOMAIN, pot, ui_po(translations_dir, HANT), zh)
    done.append(f"{ui_po(translations_dir, HANT)}: {report.summary()}")
    return done


def update(content_dir: Path, translations_dir: Path, gettext_dir: Path,
           slugs: list[str] | None = None, ui: bool = True) -> list[str]:
    """The whole cycle: every article whose source changed (or only ``slugs``, forced), then
    the UI strings. An unchanged article is recognised by its bytes (:func:`up_to_date`) and
    not parsed, so a run costs one hash per article plus the work for the changed ones. Every
    changed article is parsed before any catalog is written, so a broken one leaves every
    catalog as it was (and parsed again when its turn comes: memory stays one article).

    :raises webapp.content.ContentErrors: every malformed article (one ``file:line: message``
        per line), like ``make release``."""
    from webapp.config import ROOT
    changed: list[Path] = []
    problems: list[ContentError] = []
    for path in find_article_files(content_dir):
        if slugs and path.stem not in slugs:
            continue
        if not slugs and up_to_date(path, translations_dir, gettext_dir):
            continue
        try:
            parse_article(path)
            changed.append(path)
        except ContentErrors as exc:
            problems += exc.errors
        except ContentError as exc:
            problems.append(exc)
    if problems:
        raise ContentErrors(problems)
    done: list[str] = []
    for path in changed:
        done += update_article(parse_article(path), translations_dir, gettext_dir,
                               force=bool(slugs))
    if ui:
        done += update_ui(translations_dir, gettext_dir, [ROOT / "webapp", ROOT / "templates"])
    return done


def main(argv: list[str]) -> int:
    """``python -m webapp.catalogs update [--no-ui] [SLUG ...]`` (``make translations``), or
    ``... check [--report]`` (:mod:`webapp.qa`)."""
    from webapp import hant
    from webapp.config import load
    if argv[:1] == ["check"]:   # make check-catalogs: coverage and translation QA
        from webapp import qa
        return qa.main(argv[1:])
    config = load()
    if not argv or argv[0] != "update":
        print("usage: python -m webapp.catalogs update [--no-ui] [SLUG ...] | check",
              file=sys.stderr)
        return 2
    args = argv[1:]
    ui = "--no-ui" not in args
    slugs = [a for a in args if not a.startswith("-")]
    try:
        done = update(Path(config["CONTENT_DIR"]), Path(config["TRANSLATIONS_DIR"]),
                      Path(config["BUILD_DIR"]) / "gettext", slugs or None, ui)
    except ContentError as exc:
        print("translations: no catalog changed; fix these first:\n"
              + "\n".join(f"    {line}" for line in str(exc).splitlines()), file=sys.stderr)
        return 1
    except (CatalogError, hant.PhraseError, RuntimeError) as exc:
        print(f"translations: {exc}", file=sys.stderr)
        return 1
    for line in done:
        print(line)
    if not done:
        print("translations: every catalog is up to date")
    return 0


if __name__ == "__main__":
    # run the imported module's main: webapp.hant raises webapp.catalogs.CatalogError, which is
    # not this __main__ module's class of the same name
    from webapp.catalogs import main as imported_main
    sys.exit(imported_main(sys.argv[1:]))

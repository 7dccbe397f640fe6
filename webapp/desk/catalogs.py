"""The translation cycle: one catalog per article, one for the UI, updated with GNU gettext.

Layout (the Sphinx gettext builder's, ``gettext_compact = False``: translators and tools such as
Weblate and Poedit open one document's file, never the archive's)::

    translations/<locale>/LC_MESSAGES/articles/<slug>.po   domain articles/<slug> (Chinese msgids)
    translations/<locale>/LC_MESSAGES/messages.po          domain messages (English msgids)
    build/gettext/articles/<slug>.pot, build/gettext/messages.pot   templates (build output)

``python -m webapp.desk.catalogs update [SLUG ...]`` (``make translations``) runs, for each article
whose source changed since its template was written (or the named ones):

1. extract its template with our Babel extraction method (:mod:`webapp.desk.extract`);
2. ``msgmerge --previous`` it into the article's catalog of every translated locale (created
   when missing), then ``msgattrib --no-obsolete``: a changed paragraph becomes ``#, fuzzy``
   with its old source kept as ``#|`` for the translator (gettext manual, "msgmerge
   Invocation"); fuzzy entries are never compiled, so the reader sees the Chinese until a
   translator reviews it;
3. refresh its Traditional Chinese catalog with OpenCC (:mod:`webapp.desk.hant`).

The UI domain goes through the same steps from ``pybabel extract`` over ``webapp/`` and
``templates/``. Cost is per changed article: publishing one article touches its own files only.
Compiling happens in the release build (:mod:`webapp.publish.build`), which reads every catalog with
:func:`read_catalog`: the one way the project reads a ``.po`` file, where every problem is a
:class:`CatalogError` ``path:line: message`` (never a Babel traceback, never an entry silently
dropped), so building and ``make check-catalogs`` (:mod:`webapp.desk.qa`) agree on what is an error.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, unescape, write_po

from webapp.content import (
    Article,
    ContentError,
    ContentErrors,
    find_article_files,
    parse_article,
)
from webapp.desk.extract import extract_article
from webapp.locales import HANT, LOCALES, SOURCE_LOCALE, UI_SOURCE_LOCALE
from webapp.po import (  # noqa: F401 - the cycle's callers read catalogs through here too
    ARTICLE_DOMAIN_DIR,
    UI_DOMAIN,
    CatalogError,
    article_po,
    gettext_tool,
    read_catalog,
    ui_po,
)

PROJECT = "Jintan Reader"
STAMP = "source sha256: "              # header comment line of a template: the article's hash

# Locales whose article catalogs translators fill (msgmerge); zh_Hant is generated.
TRANSLATED_LOCALES = tuple(c for c in LOCALES if c not in (SOURCE_LOCALE, HANT))


def _run(args: list[str]) -> None:
    proc = subprocess.run(args, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:1])} failed:\n{proc.stderr.strip()}")


def article_template(article: Article, source_sha256: str) -> Catalog:
    """The gettext template of one article: one message per block (msgctxt ``<slug>/<id>``,
    msgid the Chinese text, a translator note), from :func:`webapp.desk.extract.extract_article`.
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
    from webapp.desk import hant
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

    from webapp.desk import hant
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
    """``python -m webapp.desk.catalogs update [--no-ui] [SLUG ...]`` (``make translations``), or
    ``... check [--report]`` (:mod:`webapp.desk.qa`)."""
    from webapp.desk import hant
    from webapp.config import load
    if argv[:1] == ["check"]:   # make check-catalogs: coverage and translation QA
        from webapp.desk import qa
        return qa.main(argv[1:])
    config = load()
    if not argv or argv[0] != "update":
        print("usage: python -m webapp.desk.catalogs update [--no-ui] [SLUG ...] | check",
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
    # run the imported module's main: webapp.desk.hant raises webapp.desk.catalogs.CatalogError, which is
    # not this __main__ module's class of the same name
    from webapp.desk.catalogs import main as imported_main
    sys.exit(imported_main(sys.argv[1:]))

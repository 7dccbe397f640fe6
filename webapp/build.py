"""The release build (``make release``, ``python -m webapp.build``): validate everything, then
switch the served release atomically. See docs/architecture.md §1.

Steps, each incremental (an unchanged input costs a ``stat()``):

1. hash every input file (a stat cache maps path, size, mtime and inode to its SHA-256) and
   store it once under ``BUILD_DIR/objects/`` by content hash;
2. parse and validate every article (:func:`webapp.content.parse_article`), read and compile
   its catalog in every locale, and summarise it per locale (title, subtitle, reading time,
   translation status) — summaries are cached by the hashes of their inputs;
3. compile the UI catalogs; hash and compress the static files into the ``BUILD_DIR/static``
   pool (old names are kept for pages rendered by the previous release);
4. write ``releases/<id>/`` (``release.sqlite``, ``release.json``, UI ``.mo`` files); the id
   is the hash of everything the release serves, so an unchanged build is a no-op;
5. start the app on the new release and render one page of every type; only then point
   ``releases/current`` at it (``rename`` of a symlink: atomic on POSIX).

Any error stops the build before step 5 with ``file:line: message`` lines: the running site and
``current`` are untouched. ``kill -HUP`` the gunicorn master afterwards to serve it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import pickle
import shutil
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from babel.messages.mofile import write_mo

from webapp import assets, catalogs
from webapp.catalogs import article_po, ui_po
from webapp.content import (
    Article,
    ContentError,
    decode_article,
    find_article_files,
    parse_article,
    xml_problem,
)
from webapp.i18n import localize
from webapp.locales import LOCALES, SOURCE_LOCALE, UI_SOURCE_LOCALE
from webapp.pages import reserved_slugs
from webapp.reading import article_minutes

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE articles (
  slug TEXT PRIMARY KEY,
  path TEXT NOT NULL,            -- content/<slug>.md, for messages
  md TEXT NOT NULL,              -- object hash of the article file
  parsed TEXT,                   -- object hash of the parsed Article (pickle), same code version
  sort_key TEXT,                 -- UTC ISO time of the listing date; NULL when undated
  day TEXT,                      -- listing date as the newsroom's calendar date (YYYY-MM-DD)
  date_kind TEXT,                -- 'published' or 'updated'
  published TEXT, updated TEXT   -- W3C Datetime (a date stays a date), when known
);
CREATE INDEX articles_order ON articles (sort_key IS NULL, sort_key DESC, slug);
CREATE TABLE localized (
  slug TEXT NOT NULL, locale TEXT NOT NULL,
  mo TEXT,                       -- object hash of the compiled article catalog, or NULL
  status TEXT NOT NULL,          -- 'complete', 'partial' or 'none'
  translated INTEGER NOT NULL, total INTEGER NOT NULL,
  title TEXT NOT NULL, title_lang TEXT,           -- HTML; fallback BCP 47 tag or NULL
  subtitle TEXT, subtitle_lang TEXT,
  minutes INTEGER NOT NULL,
  changed TEXT,                  -- UTC ISO time of the release that first showed this text,
                                 -- NULL while it is the text first published (visible table)
  PRIMARY KEY (slug, locale)
);
"""

CACHE_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER,
                                  ino INTEGER, sha256 TEXT);
CREATE TABLE IF NOT EXISTS compiled (key TEXT PRIMARY KEY, value TEXT);  -- .po hash -> .mo hash
CREATE TABLE IF NOT EXISTS summaries (key TEXT PRIMARY KEY, value TEXT);  -- inputs -> summary
-- what a reader sees of each article in each locale (hash of its localized blocks), and since
-- when: NULL for the text first built, else the creation time of the release that changed it
CREATE TABLE IF NOT EXISTS visible (slug TEXT, locale TEXT, hash TEXT NOT NULL, since TEXT,
                                    PRIMARY KEY (slug, locale));
"""


class BuildError(Exception):
    """The release cannot be built. ``problems`` holds ``file:line: message`` lines."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def code_version() -> str:
    """Hash of the package's Python sources: summaries cached by an older renderer are stale."""
    h = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()[:16]


class Objects:
    """Content-addressed store: ``<root>/<2 hex>/<sha256>``, files written once, never changed."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, digest: str) -> Path:
        return self.root / digest[:2] / digest

    def put_bytes(self, data: bytes, digest: str | None = None) -> str:
        digest = digest or hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.chmod(tmp, 0o644)
            os.replace(tmp, target)
        return digest


class Cache:
    """The build's memory between runs (``BUILD_DIR/cache.sqlite``): file hashes by stat,
    compiled catalogs by source hash, article summaries by input hashes."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path)
        self.db.executescript(CACHE_SCHEMA)

    def file_hash(self, path: Path, objects: Objects) -> str:
        """SHA-256 of ``path``'s bytes, stored in ``objects``; re-read only when its size,
        mtime or inode changed."""
        st = path.stat()
        key = str(path.resolve())
        row = self.db.execute("SELECT size, mtime_ns, ino, sha256 FROM files WHERE path = ?",
                              (key,)).fetchone()
        if row and tuple(row[:3]) == (st.st_size, st.st_mtime_ns, st.st_ino) \
                and objects.path(row[3]).exists():
            return row[3]
        digest = objects.put_bytes(path.read_bytes())
        self.db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)",
                        (key, st.st_size, st.st_mtime_ns, st.st_ino, digest))
        return digest

    def get(self, table: str, key: str) -> str | None:
        """The value stored under ``key`` in ``table`` (``compiled`` or ``summaries``)."""
        row = self.db.execute(f"SELECT value FROM {table} WHERE key = ?", (key,)).fetchone()  # noqa: S608
        return row[0] if row else None

    def put(self, table: str, key: str, value: str) -> None:
        self.db.execute(f"INSERT OR REPLACE INTO {table} VALUES (?, ?)", (key, value))  # noqa: S608

    def commit(self) -> None:
        self.db.commit()


def read_catalog(path: Path, locale: str):
    """Read a ``.po`` file (:func:`webapp.catalogs.read_catalog`) into a Babel ``Catalog`` that
    can be published: no msgstr holds a character HTML and XML cannot carry
    (:func:`webapp.content.xml_problem`).

    :raises BuildError: ``path:line: message`` for each problem."""
    try:
        catalog = catalogs.read_catalog(path, locale)
    except catalogs.CatalogError as exc:
        raise BuildError([str(exc)]) from exc
    problems = []
    for msg in catalog:
        for text in (msg.string if isinstance(msg.string, (list, tuple)) else [msg.string]):
            if text and (problem := xml_problem(text)):
                problems.append(f"{path}:{msg.lineno}: msgstr: {problem}")
    if problems:
        raise BuildError(problems)
    return catalog


def compile_catalog(path: Path, locale: str, po_hash: str, cache: Cache,
                    objects: Objects) -> tuple[str, dict]:
    """Compile ``path`` (a ``.po`` whose bytes hash to ``po_hash``) to a ``.mo`` stored in
    ``objects``, fuzzy entries left out as ``pybabel compile`` does without ``-f``. Returns
    (object hash of the .mo, lookup table ``{(msgctxt, msgid): msgstr}`` of usable entries).
    :raises BuildError: for a catalog that cannot be read, naming file and line."""
    catalog = read_catalog(path, locale)
    table = {(m.context or "", m.id): m.string for m in catalog
             if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}
    mo_hash = cache.get("compiled", po_hash)
    if mo_hash is None or not objects.path(mo_hash).exists():
        buf = io.BytesIO()
        write_mo(buf, catalog, use_fuzzy=False)
        mo_hash = objects.put_bytes(buf.getvalue())
        cache.put("compiled", po_hash, mo_hash)
    return mo_hash, table


@dataclass
class Inputs:
    """Directories a build reads and writes (from the app configuration)."""

    content: Path
    translations: Path
    static: Path
    templates: Path
    build: Path
    site_url: str

    @classmethod
    def from_config(cls, config) -> Inputs:
        return cls(Path(config["CONTENT_DIR"]), Path(config["TRANSLATIONS_DIR"]),
                   Path(config["STATIC_DIR"]), Path(config["TEMPLATES_DIR"]),
                   Path(config["BUILD_DIR"]), config["SITE_URL"])


def _date_fields(article: Article) -> dict:
    from webapp import dates
    value = article.listing_date
    if value is None:
        return {"sort_key": None, "day": None, "date_kind": None}
    return {"sort_key": dates.sort_key(value).astimezone(dt.timezone.utc).isoformat(),
            "day": dates.local_date(value).isoformat(),
            "date_kind": "published" if article.published is not None else "updated"}


def summarise(article: Article, locale: str, table: dict | None) -> dict:
    """One article as one locale's lists show it: status (``complete`` when every block has
    a translation, ``none`` when none has, else ``partial``; the source locale is complete),
    title and subtitle HTML with their fallback tags, the reading time in minutes, and ``seen``:
    the SHA-256 of every block as shown in that locale (what a reader sees changes iff it does)."""
    shown = {b.id: localize(b, locale, table) for b in article.blocks}
    seen = hashlib.sha256(json.dumps(
        [[i, str(s.html), s.fallback_lang] for i, s in shown.items()]).encode()).hexdigest()
    translated = sum(1 for s in shown.values() if s.translated)
    total = len(shown)
    status = "complete" if translated == total else "none" if translated == 0 else "partial"
    title = shown[article.title.id]
    subtitle = shown[article.subtitle.id] if article.subtitle else None
    return {"status": status, "translated": translated, "total": total,
            "title": str(title.html), "title_lang": title.fallback_lang,
            "subtitle": str(subtitle.html) if subtitle else None,
            "subtitle_lang": subtitle.fallback_lang if subtitle else None,
            "minutes": article_minutes(article, shown), "seen": seen}


def changed_since(cache: Cache, slug: str, locale: str, seen: str, created: str) -> str | None:
    """When what a reader sees of ``slug`` in ``locale`` (hash ``seen``) last changed: None
    while it is the text first built in this build folder, else the ``created`` time (UTC ISO)
    of the first release that showed it. Recorded in the cache's ``visible`` table, so a
    rebuild of the same text keeps the time, and the cost is one lookup per article and locale.
    A feed's ``<updated>`` is the later of this and the article's own date (RFC 4287 4.2.15)."""
    row = cache.db.execute("SELECT hash, since FROM visible WHERE slug = ? AND locale = ?",
                           (slug, locale)).fetchone()
    if row and row[0] == seen:
        return row[1]
    since = created if row else None
    cache.db.execute("INSERT OR REPLACE INTO visible VALUES (?, ?, ?, ?)", (slug, locale, seen, since))
    return since


def build_articles(inputs: Inputs, cache: Cache, objects: Objects, db: sqlite3.Connection,
                   created: str | None = None) -> int:
    """Validate, compile and summarise every article into ``db``; return the count.
    ``created``: the release's creation time (UTC ISO), recorded when an article's visible text
    changes (:func:`changed_since`).

    :raises BuildError: every problem found, each ``file:line: message``."""
    problems: list[str] = []
    try:
        paths = find_article_files(inputs.content)
    except ContentError as exc:   # ContentErrors: every problem of the folder, one per line
        raise BuildError(str(exc).splitlines()) from exc
    version = code_version()
    reserved = reserved_slugs()
    count = 0
    for path in paths:
        if path.stem in reserved:
            problems.append(f"{path}: the name {path.stem!r} is taken by a page of the site "
                            f"(/<locale>/{path.stem}/): rename the file")
            continue
        try:
            row = _summary(path, inputs, cache, objects, version)
        except ContentError as exc:
            problems += str(exc).splitlines()
            continue
        except BuildError as exc:
            problems += exc.problems
            continue
        missing = missing_images(path, row, inputs.static)
        if missing:
            problems += missing
            continue
        md, mos = row["md"], row["mos"]
        a = row["article"]
        db.execute("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (path.stem, a["path"], md, row.get("parsed"), a["sort_key"], a["day"],
                    a["date_kind"], a["published"], a["updated"]))
        for loc, s in row["locales"].items():
            since = changed_since(cache, path.stem, loc, s["seen"], created or _now())
            db.execute("INSERT INTO localized VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (path.stem, loc, mos[loc], s["status"], s["translated"], s["total"],
                        s["title"], s["title_lang"], s["subtitle"], s["subtitle_lang"],
                        s["minutes"], since))
        count += 1
    if problems:
        raise BuildError(problems)
    if not count:
        raise BuildError([f"{inputs.content}: no article (*.md) found"])
    return count


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def missing_images(path: Path, row: dict, static: Path) -> list[str]:
    """``file:line: message`` for each figure image of an article that is not a file under
    ``static`` (checked on every build: the image may go while the article stays the same)."""
    return [f"{path}:{line}: figure image static/{image} does not exist"
            for image, line in row["article"].get("images", []) if not (static / image).is_file()]


def _summary(path: Path, inputs: Inputs, cache: Cache, objects: Objects, version: str) -> dict:
    """The article's index rows (dates, per-locale summaries, object hashes), from the cache
    when its file, its catalogs and the code are unchanged; else parsed and compiled."""
    md = cache.file_hash(path, objects)
    pos = {}
    for locale in LOCALES:
        po = article_po(inputs.translations, locale, path.stem)
        if locale != SOURCE_LOCALE and po.exists():
            pos[locale] = (po, cache.file_hash(po, objects))
    key = hashlib.sha256(json.dumps(
        [version, md, {k: v[1] for k, v in pos.items()}], sort_keys=True).encode()).hexdigest()
    cached = cache.get("summaries", key)
    if cached:
        return json.loads(cached)
    mos: dict[str, str | None] = dict.fromkeys(LOCALES)
    tables: dict[str, dict | None] = dict.fromkeys(LOCALES)
    for locale, (po, po_hash) in pos.items():
        mos[locale], tables[locale] = compile_catalog(po, locale, po_hash, cache, objects)
    article = parse_article(path, decode_article(path, objects.path(md).read_bytes()))
    # the parsed article, so a worker never parses YAML and Markdown on a request (pickle:
    # written by this build only, read by the same code version; a worker falls back to
    # parsing the file when it cannot load it)
    parsed = objects.put_bytes(pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL))
    row = {"md": md, "mos": mos, "parsed": parsed,
           "article": {"path": str(path), **_date_fields(article),
                       "published": _w3c(article.published), "updated": _w3c(article.updated),
                       "images": [[f.image, f.image_line] for f in article.figures if f.image]},
           "locales": {loc: summarise(article, loc, tables[loc]) for loc in LOCALES}}
    cache.put("summaries", key, json.dumps(row, ensure_ascii=False))
    return row


def _w3c(value) -> str | None:
    from webapp import dates
    return dates.w3c_datetime(value) if value is not None else None


def build_ui_catalogs(inputs: Inputs, out: Path) -> list[str]:
    """Compile every locale's ``messages.po`` into ``out/<locale>/LC_MESSAGES/messages.mo``.
    Every locale but the msgid language must have one: a missing UI catalog would serve the
    site in English under another language's name. Returns the .mo hashes (for the id).
    :raises BuildError: naming the missing or unreadable catalog."""
    digests = []
    for locale in LOCALES:
        if locale == UI_SOURCE_LOCALE:
            continue
        po = ui_po(inputs.translations, locale)
        if not po.exists():
            raise BuildError([f"{po}: missing UI catalog for locale {locale}"])
        catalog = read_catalog(po, locale)
        buf = io.BytesIO()
        write_mo(buf, catalog, use_fuzzy=False)
        target = out / locale / "LC_MESSAGES" / "messages.mo"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(buf.getvalue())
        digests.append(hashlib.sha256(buf.getvalue()).hexdigest())
    return digests


def tree_hash(root: Path) -> str:
    """SHA-256 over the names and bytes of every file under ``root`` (templates)."""
    h = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def build(config, switch: bool = True, log=print) -> Path:
    """Build a release from ``config`` (a Flask config mapping) and, when ``switch``, make it
    the current one. Returns the release directory.

    :raises BuildError: with every problem found; nothing is switched then."""
    started = time.monotonic()
    inputs = Inputs.from_config(config)
    releases = inputs.build / "releases"
    releases.mkdir(parents=True, exist_ok=True)
    objects = Objects(inputs.build / "objects")
    cache = Cache(inputs.build / "cache.sqlite")
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=releases))
    try:
        db = sqlite3.connect(tmp / "release.sqlite")
        db.executescript(SCHEMA)
        created = _now()
        count = build_articles(inputs, cache, objects, db, created)
        cache.commit()
        ui = build_ui_catalogs(inputs, tmp / "translations")
        manifest = assets.build(inputs.static, inputs.build / "static")
        sizes = assets.image_sizes(inputs.static, manifest)
        rows = db.execute("SELECT slug, md FROM articles ORDER BY slug").fetchall()
        mos = db.execute("SELECT slug, locale, mo FROM localized ORDER BY slug, locale").fetchall()
        release_id = hashlib.sha256(json.dumps(
            [rows, mos, ui, manifest, tree_hash(inputs.templates), code_version(),
             inputs.site_url]).encode()).hexdigest()[:16]
        info = {"id": release_id, "created": created, "articles": count, "locales": list(LOCALES),
            "site_url": inputs.site_url, "assets": manifest, "image_sizes": sizes}
        db.executemany("INSERT INTO meta VALUES (?, ?)",
                       [(k, json.dumps(v)) for k, v in info.items()])
        db.commit()
        db.close()
        (tmp / "release.json").write_text(json.dumps(info, indent=1), "utf-8")
        final = releases / release_id
        if final.exists():
            shutil.rmtree(tmp)
            log(f"release {release_id}: unchanged ({count} article{'s' if count != 1 else ''})")
        else:
            check_release(config, tmp)
            os.chmod(tmp, 0o755)
            os.replace(tmp, final)
            log(f"release {release_id}: {count} article{'s' if count != 1 else ''}, built in "
                f"{time.monotonic() - started:.1f} s")
        if switch:
            switch_current(releases, release_id)
            log(f"current -> {release_id}; kill -HUP the gunicorn master to serve it")
        return final
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def check_release(config, release_dir: Path) -> None:
    """Start the app on ``release_dir`` and render one URL of every page type, plus the
    service worker's data. :raises BuildError: naming the URL and the error."""
    from webapp import create_app
    from webapp.pages import smoke_urls, render_path
    from webapp.site.offline import write_worker_data
    app = create_app({**{k: config[k] for k in config}, "RELEASE": str(release_dir),
                      "PROPAGATE_EXCEPTIONS": True})
    try:
        write_worker_data(app, release_dir)
        for url in smoke_urls(app):
            status, _body, _type = render_path(app, url)
            if status != 200:
                raise RuntimeError(f"answered {status}")
    except Exception as exc:  # any failure of the new release keeps the current one
        where = locals().get("url", "service worker data")
        raise BuildError([f"new release: {where}: {type(exc).__name__}: {exc}"]) from exc


def switch_current(releases: Path, release_id: str) -> None:
    """Point ``releases/current`` at ``releases/<release_id>`` atomically (a new symlink
    renamed over the old one, POSIX ``rename(2)``)."""
    link = releases / "current"
    tmp = releases / f".current-{os.getpid()}"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(release_id)
    os.replace(tmp, link)


def prune(build_dir: Path, keep: int = 3) -> list[str]:
    """Delete all releases but the current one and the ``keep`` newest others; returns the
    removed ids. Objects are kept (they are small and shared)."""
    releases = build_dir / "releases"
    current = (releases / "current").resolve().name if (releases / "current").exists() else None
    dirs = sorted((p for p in releases.iterdir() if p.is_dir() and not p.is_symlink()
                   and not p.name.startswith(".")), key=lambda p: p.stat().st_mtime, reverse=True)
    removed = []
    for old in [d for d in dirs if d.name != current][keep:]:
        shutil.rmtree(old)
        removed.append(old.name)
    return removed


def main(argv: list[str]) -> int:
    """``python -m webapp.build [--no-switch] [--prune]``: exit 1 with ``file:line: message``
    lines when the release cannot be built (the current release stays)."""
    from webapp.config import ConfigError, load
    try:
        config = load()
        build(config, switch="--no-switch" not in argv)
    except ConfigError as exc:
        print(f"release: {exc}", file=sys.stderr)
        return 1
    except BuildError as exc:
        print("release: not built; the current release is unchanged:", file=sys.stderr)
        for line in exc.problems:
            print(f"  {line}", file=sys.stderr)
        return 1
    if "--prune" in argv:
        for name in prune(Path(config["BUILD_DIR"])):
            print(f"pruned release {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

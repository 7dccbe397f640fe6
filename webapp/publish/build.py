"""The release build (``make release``, ``python -m webapp.publish.build``): validate everything, then
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
5. start the app on the new release and render one page of every type and every page of
   each article that is new or changed since the current release; only then point
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

from webapp import contract
from webapp import po
from webapp import safety
from webapp import search
from webapp.publish import assets, images
from webapp.po import article_po, ui_po
from webapp.content import (
    Article,
    ContentError,
    decode_article,
    find_article_files,
    parse_article,
    xml_problem,
)
from webapp.web.i18n import localize
from webapp.locales import LOCALES, SOURCE_LOCALE, Status, UI_SOURCE_LOCALE
from webapp.web.views import reserved_slugs
from webapp.publish.reading import article_minutes

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
CREATE TABLE photos (
  source TEXT PRIMARY KEY,       -- figure image path, relative to the photos folder
  data TEXT NOT NULL             -- webapp.publish.images.Photo as JSON (renditions, size, placeholder)
);
"""

CACHE_SCHEMA = """
CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER,
                                  ino INTEGER, sha256 TEXT);
CREATE TABLE IF NOT EXISTS compiled (key TEXT PRIMARY KEY, value TEXT);  -- .po hash -> .mo hash
CREATE TABLE IF NOT EXISTS summaries (key TEXT PRIMARY KEY, value TEXT);  -- inputs -> summary
CREATE TABLE IF NOT EXISTS search (key TEXT PRIMARY KEY, value TEXT);  -- index row -> columns
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


class Objects:
    """Content-addressed store: ``<root>/<2 hex>/<sha256>``, files written once, never changed."""

    def __init__(self, root: Path):
        self.root = root

    def path(self, digest: str) -> Path:
        return contract.object_path(self.root, digest)

    def put_bytes(self, data: bytes, digest: str | None = None) -> str:
        digest = digest or hashlib.sha256(data).hexdigest()
        contract.write_once(self.path(digest), data)
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
        key = str(path.absolute())   # no symbolic links in the inputs (webapp.safety)
        row = self.db.execute("SELECT size, mtime_ns, ino, sha256 FROM files WHERE path = ?",
                              (key,)).fetchone()
        if row and tuple(row[:3]) == (st.st_size, st.st_mtime_ns, st.st_ino) \
                and objects.path(row[3]).exists():
            return row[3]
        digest = objects.put_bytes(path.read_bytes())
        self.db.execute("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)",
                        (key, st.st_size, st.st_mtime_ns, st.st_ino, digest))
        return digest

    def content_hash(self, path: Path) -> str:
        """SHA-256 (hex) of ``path``'s bytes, re-read only when its size, mtime or inode
        changed; unlike :meth:`file_hash` the bytes are not copied into the object store
        (source photos are megabytes, and only their renditions are published)."""
        st = path.stat()
        key = "hash-only:" + str(path.resolve())
        row = self.db.execute("SELECT size, mtime_ns, ino, sha256 FROM files WHERE path = ?",
                              (key,)).fetchone()
        if row and tuple(row[:3]) == (st.st_size, st.st_mtime_ns, st.st_ino):
            return row[3]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
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

    def close(self) -> None:
        """Commit and close: the next build (in this process too) can write the cache."""
        self.db.commit()
        self.db.close()


def read_catalog(path: Path, locale: str, kind: str = "article"):
    """Read a ``.po`` file (:func:`webapp.po.read_catalog`) into a Babel ``Catalog`` that
    can be published: GNU msgfmt accepts it (the syntax referee, run on every catalog the
    build reads: only the catalogs of changed articles, the others' summaries are cached), no
    msgstr holds a character HTML and XML cannot carry
    (:func:`webapp.content.xml_problem`), and every usable (non-fuzzy) msgstr keeps the safety
    rules of :mod:`webapp.safety`: an article msgstr (``kind="article"``) has exactly its
    source's markup and link targets; a UI msgstr (``kind="ui"``) has exactly its msgid's
    placeholders. No comment in the catalog waives them.

    :raises BuildError: ``path:line: message`` for each problem (the msgstr's line)."""
    try:
        catalog = po.read_catalog(path, locale, referee="all")
    except po.CatalogError as exc:
        raise BuildError([str(exc)]) from exc
    found: list[tuple[int, str]] = []     # (Babel's line of the entry, message)
    for msg in catalog:
        texts = msg.string if isinstance(msg.string, (list, tuple)) else [msg.string]
        for text in texts:
            if text and (problem := xml_problem(text)):
                found.append((msg.lineno, f"msgstr: {problem}"))
        if msg.id and not msg.fuzzy:
            found += [(msg.lineno, p) for p in _safety_problems(msg, texts, kind)]
    if found:
        lines = path.read_text("utf-8").splitlines()
        raise BuildError([f"{path}:{msgstr_line(lines, n)}: {p}" for n, p in found])
    return catalog


def _safety_problems(msg, texts: list[str], kind: str) -> list[str]:
    """The :mod:`webapp.safety` problems of one entry's translations (each once)."""
    ids = msg.id if isinstance(msg.id, (list, tuple)) else (msg.id,)
    out: list[str] = []
    for text in texts:
        if not text:
            continue
        if kind == "ui":
            problem = safety.placeholder_problem(ids[0], text, ids[1] if len(ids) > 1 else None)
        else:
            problem = safety.markup_problem(ids[0], text)
        if problem and problem not in out:
            out.append(problem)
    return out


def msgstr_line(lines: list[str], lineno: int) -> int:
    """The line (1-based) of the first ``msgstr`` of the entry Babel reports at ``lineno`` in
    a catalog of ``lines``: where a translator looks for the translation (``lineno`` when
    none follows)."""
    for n in range(lineno, min(len(lines), lineno + 200) + 1):
        if lines[n - 1].startswith("msgstr"):
            return n
    return lineno


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
    photos: Path

    def folders(self) -> tuple[Path, ...]:
        """The folders a release is made from (content, translations, static, templates)."""
        return self.content, self.translations, self.static, self.templates

    def relative(self, problem: str) -> str:
        """``problem`` (``path:line: message``) with every path in it relative to the project
        root, or, for an input folder outside it, to that folder's parent (``content/x.md``)."""
        from webapp.config import ROOT
        bases = [ROOT, *(folder.absolute().parent for folder in self.folders())]
        for base in sorted({str(b) for b in bases}, key=len, reverse=True):
            problem = problem.replace(base + os.sep, "")   # the file, and any path in the message
        return problem

    @classmethod
    def from_config(cls, config) -> Inputs:
        content = Path(config["CONTENT_DIR"])
        return cls(content, Path(config["TRANSLATIONS_DIR"]),
                   Path(config["STATIC_DIR"]), Path(config["TEMPLATES_DIR"]),
                   Path(config["BUILD_DIR"]), config["SITE_URL"],
                   Path(config.get("PHOTOS_DIR") or content.parent / "photos"))


def _date_fields(article: Article) -> dict:
    from webapp import dates
    value = article.listing_date
    if value is None:
        return {"sort_key": None, "day": None, "date_kind": None}
    return {"sort_key": dates.sort_key(value).astimezone(dt.timezone.utc).isoformat(),
            "day": dates.local_date(value).isoformat(),
            "date_kind": "published" if article.published is not None else "updated"}


def summarise(article: Article, locale: str, table: dict | None,
              shown: dict | None = None) -> dict:
    """One article as one locale's lists show it: status (``complete`` when every block has
    a translation, ``none`` when none has, else ``partial``; the source locale is complete),
    title and subtitle HTML with their fallback tags, the reading time in minutes, and ``seen``:
    the SHA-256 of every block as shown in that locale (what a reader sees changes iff it does).
    ``shown``: the blocks already localized (``{block id: Localized}``), else done here."""
    shown = shown or {b.id: localize(b, locale, table) for b in article.blocks}
    seen = hashlib.sha256(json.dumps(
        [[i, str(s.html), s.fallback_lang] for i, s in shown.items()]).encode()).hexdigest()
    translated = sum(1 for s in shown.values() if s.translated)
    total = len(shown)
    status = (Status.COMPLETE if translated == total else Status.NONE if translated == 0
              else Status.PARTIAL)
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
                   index: list | None = None, created: str | None = None) -> int:
    """Validate, compile and summarise every article into ``db``; return the count. Each
    article's search index rows ``(slug, sort_key, row key, text bytes)`` are appended to
    ``index`` when given. ``created``: the release's creation time (UTC ISO), recorded when an
    article's visible text changes (:func:`changed_since`).

    :raises BuildError: every problem found, each ``file:line: message``."""
    problems: list[str] = []
    try:
        paths = find_article_files(inputs.content)
    except ContentError as exc:   # ContentErrors: every problem of the folder, one per line
        raise BuildError(str(exc).splitlines()) from exc
    version = contract.code_version(contract.PARSER_GLOBS)
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
        bad_photos = missing_images(path, row, inputs.photos) or build_photos(
            path, row, inputs, cache, db)
        if bad_photos:
            problems += bad_photos
            continue
        _insert(db, path.stem, row, cache, created or _now())
        if index is not None:
            index += [(path.stem, row["article"]["sort_key"], key, size)
                      for key, size in row["search"]]
        count += 1
    if problems:
        raise BuildError(problems)
    if not count:
        raise BuildError([f"{inputs.content}: no article (*.md) found"])
    return count


def _insert(db: sqlite3.Connection, slug: str, row: dict, cache: Cache, created: str) -> None:
    """One article's rows of the release index (articles, localized, with when what a reader
    sees last changed: :func:`changed_since`)."""
    md, mos = row["md"], row["mos"]
    a = row["article"]
    db.execute("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
               (slug, a["path"], md, row.get("parsed"), a["sort_key"], a["day"],
                a["date_kind"], a["published"], a["updated"]))
    for loc, s in row["locales"].items():
        since = changed_since(cache, slug, loc, s["seen"], created)
        db.execute("INSERT INTO localized VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (slug, loc, mos[loc], s["status"], s["translated"], s["total"],
                    s["title"], s["title_lang"], s["subtitle"], s["subtitle_lang"],
                    s["minutes"], since))


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def missing_images(path: Path, row: dict, photos: Path) -> list[str]:
    """``file:line: message`` for each figure image of an article that is not a file under
    ``photos`` (checked on every build: the image may go while the article stays the same)."""
    return [f"{path}:{line}: figure image {photos.name}/{image} does not exist (photos go in "
            f"{photos})" for image, line in row["article"].get("images", [])
            if not (photos / image).is_file()]


def build_photos(path: Path, row: dict, inputs: Inputs, cache: Cache,
                 db: sqlite3.Connection) -> list[str]:
    """Process each figure photo of one article (:func:`webapp.publish.images.process`) into the static
    pool and record it in the release's ``photos`` table; an unchanged photo (same bytes, same
    :data:`webapp.publish.images.VERSION`) whose files are all in the pool is taken from the cache.

    :returns: ``file:line: message`` for each photo that cannot be published (the line of its
        ``image:`` in the article)."""
    problems = []
    pool = inputs.build / "static"
    for image, line in row["article"].get("images", []):
        if db.execute("SELECT 1 FROM photos WHERE source = ?", (image,)).fetchone():
            continue    # the same photo in another figure or article
        source = inputs.photos / image
        digest = cache.content_hash(source)
        key = f"photo:{images.VERSION}:{digest}"
        cached = cache.get("summaries", key)
        if cached is None or not all((pool / f).exists()
                                     for f in images.Photo.from_json(json.loads(cached)).files()):
            try:
                photo = images.process(source.read_bytes(), pool, images.stem_for(image, digest))
            except (images.PhotoError, OSError) as exc:
                problems.append(f"{path}:{line}: figure image {inputs.photos.name}/{image}: {exc}")
                continue
            cached = json.dumps(photo.to_json())
            cache.put("summaries", key, cached)
            cache.commit()
        db.execute("INSERT INTO photos VALUES (?, ?)", (image, cached))
    return problems


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
    shown = {loc: {b.id: localize(b, loc, tables[loc]) for b in article.blocks} for loc in LOCALES}
    # the parsed article, so a worker never parses YAML and Markdown on a request (pickle:
    # written by this build only, read by the same code version; a worker falls back to
    # parsing the file when it cannot load it)
    parsed = objects.put_bytes(pickle.dumps(article, protocol=pickle.HIGHEST_PROTOCOL))
    row = {"md": md, "mos": mos, "parsed": parsed,
           "article": {"path": str(path), **_date_fields(article),
                       "published": _w3c(article.published), "updated": _w3c(article.updated),
                       "images": [[f.image, f.image_line] for f in article.figures if f.image]},
           "locales": {loc: summarise(article, loc, tables[loc], shown[loc]) for loc in LOCALES},
           "search": index_rows(article, shown, row_sort_key(article), cache)}
    cache.put("summaries", key, json.dumps(row, ensure_ascii=False))
    return row


def search_texts(article: Article, shown: dict) -> dict[str, tuple[str, list[str]]]:
    """Plain text of ``article`` in every locale as a reader sees it (a block without a
    translation shows its source), from ``shown`` (``{locale: {block id: Localized}}``):
    ``{locale: (headline, [other block texts])}``."""
    out = {}
    for loc in LOCALES:
        texts = [shown[loc][b.id].text for b in article.blocks
                 if b.kind not in search.NOT_SEARCHED and b.id != article.title.id]
        out[loc] = (shown[loc][article.title.id].text, texts)
    return out


def row_sort_key(article: Article) -> str | None:
    return _date_fields(article)["sort_key"]


def index_rows(article: Article, shown: dict, sort_key: str | None, cache: Cache) -> list:
    """The article's search index row (:func:`webapp.search.article_document`), its columns
    stored in the cache under its key; returns ``[[row key, text bytes]]`` (text bytes: UTF-8
    size of the plain text of every locale, what the index is measured against)."""
    texts = search_texts(article, shown)
    size = sum(len(t.encode()) + sum(len(b.encode()) for b in body) for t, body in texts.values())
    row = search.article_document(texts)
    key = search.row_key(row, sort_key)
    cache.put("search", key, json.dumps(row, ensure_ascii=False))
    return [[key, size]]


def build_search(inputs: Inputs, cache: Cache, entries: list, out: Path) -> dict:
    """``out/search.sqlite`` from the current release's index and the rows that changed
    (:func:`webapp.search.update_index`); returns its counts, the seconds it took, its size
    and the size of the text it indexes (bytes)."""
    started = time.monotonic()
    current = contract.current_link(inputs.build) / contract.SEARCH_INDEX

    def columns_of(key: str) -> dict | None:
        value = cache.get("search", key)
        return json.loads(value) if value else None

    stats = search.update_index(out / search.INDEX_FILE, current.resolve() if current.exists()
                                else None, [e[:3] for e in entries], columns_of)
    return {**stats, "seconds": round(time.monotonic() - started, 3),
            "index_bytes": (out / search.INDEX_FILE).stat().st_size,
            "text_bytes": sum(e[3] for e in entries)}


def _w3c(value) -> str | None:
    from webapp import dates
    return dates.w3c_datetime(value) if value is not None else None


def build_ui_catalogs(inputs: Inputs, out: Path) -> list[str]:
    """Compile every locale's ``messages.po`` into the release ``out`` (:func:`webapp.contract.ui_mo`).
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
        catalog = read_catalog(po, locale, kind="ui")
        buf = io.BytesIO()
        write_mo(buf, catalog, use_fuzzy=False)
        target = contract.ui_mo(out, locale)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(buf.getvalue())
        digests.append(hashlib.sha256(buf.getvalue()).hexdigest())
    return digests


def build(config, switch: bool = True, log=print) -> Path:
    """Build a release from ``config`` (a Flask config mapping) and, when ``switch``, make it
    the current one. Returns the release directory.

    :raises BuildError: with every problem found; nothing is switched then."""
    started = time.monotonic()
    inputs = Inputs.from_config(config)
    try:
        return _build(config, inputs, switch, log, started)
    except BuildError as exc:
        raise BuildError([inputs.relative(p) for p in exc.problems]) from exc


def _build(config, inputs: Inputs, switch: bool, log, started: float) -> Path:
    """:func:`build`'s steps; problems name files by their absolute paths."""
    links = [p for folder in inputs.folders()
             for p in safety.tree_problems(folder, inputs.relative(str(folder)))]
    if links:
        raise BuildError(links)
    releases = contract.releases_dir(inputs.build)
    releases.mkdir(parents=True, exist_ok=True)
    objects = Objects(contract.objects_dir(inputs.build))
    cache = Cache(contract.build_cache(inputs.build))
    tmp = Path(tempfile.mkdtemp(prefix=".build-", dir=releases))
    try:
        db = sqlite3.connect(tmp / contract.INDEX_DB)
        db.executescript(SCHEMA)
        entries: list = []
        created = _now()
        count = build_articles(inputs, cache, objects, db, entries, created)
        cache.commit()
        index_stats = build_search(inputs, cache, entries, tmp)
        ui = build_ui_catalogs(inputs, tmp)
        manifest = assets.build(inputs.static, contract.static_pool(inputs.build))
        sizes = assets.image_sizes(inputs.static, manifest)
        try:
            inline = assets.inline_hashes(contract.static_pool(inputs.build), manifest)
        except ValueError as exc:
            raise BuildError([str(exc)]) from exc
        rows = db.execute("SELECT slug, md FROM articles ORDER BY slug").fetchall()
        rows += db.execute("SELECT source, data FROM photos ORDER BY source").fetchall()
        mos = db.execute("SELECT slug, locale, mo FROM localized ORDER BY slug, locale").fetchall()
        shell = [ui, manifest, contract.code_version(), contract.tree_version(inputs.templates),
                 inputs.site_url, list(LOCALES), sizes,
                 db.execute("SELECT source, data FROM photos ORDER BY source").fetchall()]
        release_id = hashlib.sha256(json.dumps(
            [rows, mos, *shell[:5], sorted(e[2] for e in entries)]).encode()).hexdigest()[:16]
        info = {"id": release_id, "created": created, "articles": count, "locales": list(LOCALES),
                "site_url": inputs.site_url, "assets": manifest, "image_sizes": sizes,
                "inline": inline, "search": index_stats,
                # what every page shows besides its articles (changed_tags)
                SHELL_VERSION: hashlib.sha256(json.dumps(shell).encode()).hexdigest()[:16]}
        db.executemany("INSERT INTO meta VALUES (?, ?)",
                       [(k, json.dumps(v)) for k, v in info.items()])
        db.commit()
        db.close()
        (tmp / contract.RELEASE_INFO).write_text(json.dumps(info, indent=1), "utf-8")
        final = contract.release_dir(inputs.build, release_id)
        if final.exists():
            shutil.rmtree(tmp)
            log(f"release {release_id}: unchanged ({count} article{'s' if count != 1 else ''})")
        else:
            # every page of each new or changed article; "smoke": one page of each type only
            # (synthetic archives for benchmarks and the offline tier, validated as they are made)
            changed = (changed_articles(contract.current_link(inputs.build), tmp)
                       if config["RENDER_CHECK"] == "changed" else frozenset())
            check_release(config, tmp, changed)
            os.chmod(tmp, 0o755)
            os.replace(tmp, final)
            log(f"release {release_id}: {count} article{'s' if count != 1 else ''}, built in "
                f"{time.monotonic() - started:.1f} s")
        if switch:
            contract.switch_current(inputs.build, release_id)
            log(f"current -> {release_id}; kill -HUP the gunicorn master to serve it")
        return final
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        cache.close()   # what was hashed or compiled stays valid, even for a refused build


def _article_versions(release_dir: Path) -> dict[str, tuple]:
    """``{slug: (article hash, ((locale, catalog hash), ...))}`` of the release in
    ``release_dir``; ``{}`` when it has none (no release yet)."""
    path = release_dir / contract.INDEX_DB
    if not path.is_file():
        return {}
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        out = {slug: (md, []) for slug, md in db.execute("SELECT slug, md FROM articles")}
        for slug, locale, mo in db.execute(
                "SELECT slug, locale, mo FROM localized ORDER BY slug, locale"):
            out[slug][1].append((locale, mo))
    finally:
        db.close()
    return {slug: (md, tuple(mos)) for slug, (md, mos) in out.items()}


def changed_articles(current: Path, new: Path) -> set[str]:
    """Slugs of the articles of release ``new`` whose file or any catalog differs from
    release ``current``'s (every article when there is no current release)."""
    old = _article_versions(current)
    return {slug for slug, version in _article_versions(new).items() if old.get(slug) != version}


SHELL_VERSION = "shell_version"   # release.json: 16 hex over the code, templates, UI catalogs,
                                  # static files, site URL, locales and photos


def changed_tags(old: Path, new: Path) -> list[str] | None:
    """The cache tags (``Surrogate-Key`` values, :func:`webapp.web.pages.surrogate_key`) whose
    pages differ between the release in folder ``old`` and the one in ``new``: ``[]`` when no
    page changed, ``article-<slug>`` for each article added, removed or changed (its file or
    any of its catalogs) plus ``listing`` (front pages, archives, feeds, search list them),
    or None when every page may have changed (the code, templates, UI catalogs, static files,
    photos or site URL differ, or ``old`` is missing or predates the shell version)."""
    from webapp.web.pages import surrogate_key
    try:
        versions = [json.loads((d / contract.RELEASE_INFO).read_text("utf-8")).get(SHELL_VERSION)
                    for d in (old, new)]
    except (OSError, ValueError):
        return None
    if versions[0] is None or versions[0] != versions[1]:
        return None
    before, after = _article_versions(old), _article_versions(new)
    slugs = sorted(slug for slug in before.keys() | after.keys()
                   if before.get(slug) != after.get(slug))
    if not slugs:
        return []
    return [surrogate_key({"slug": slug}) for slug in slugs] + [surrogate_key({})]


def check_release(config, release_dir: Path, changed: set[str] = frozenset()) -> None:
    """Start the app on ``release_dir`` and render one URL of every page type, every page of
    the ``changed`` articles (each page type with a slug: article and parallel view, in every
    locale; the feeds that list them are among the first URLs), plus the service worker's
    data. :raises BuildError: naming the URL and the error."""
    from webapp.publish.worker import write_worker_data
    from webapp.web.factory import create_app
    from webapp.web.pages import article_pages, render_path, smoke_urls
    app = create_app({**{k: config[k] for k in config}, "RELEASE": str(release_dir),
                      "PROPAGATE_EXCEPTIONS": True})
    try:
        write_worker_data(app, release_dir)
        for url in smoke_urls(app) + article_pages(app, changed):
            status, _body, _type = render_path(app, url)
            if status != 200:
                raise RuntimeError(f"answered {status}")
    except Exception as exc:  # any failure of the new release keeps the current one
        where = locals().get("url", "service worker data")
        raise BuildError([f"new release: {where}: {type(exc).__name__}: {exc}"]) from exc


def prune(build_dir: Path, keep: int = 3) -> list[str]:
    """Delete all releases but the current one and the ``keep`` newest others; returns the
    removed ids. Objects are kept (they are small and shared)."""
    releases = contract.releases_dir(build_dir)
    current = contract.current_id(build_dir)
    dirs = sorted((p for p in releases.iterdir() if p.is_dir() and not p.is_symlink()
                   and not p.name.startswith(".")), key=lambda p: p.stat().st_mtime, reverse=True)
    removed = []
    for old in [d for d in dirs if d.name != current][keep:]:
        shutil.rmtree(old)
        removed.append(old.name)
    return removed


def main(argv: list[str]) -> int:
    """``python -m webapp.publish.build [--no-switch] [--prune]``: exit 1 with ``file:line: message``
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

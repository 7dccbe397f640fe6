"""The release a worker serves: what ``make release`` built (:mod:`webapp.publish.build`), read-only.

A worker opens one release when it boots and keeps it for its life (so a page never mixes two
releases; ``kill -HUP`` starts workers on the new one). Opening reads ``release.json`` and
connects to ``release.sqlite``: no article is parsed at boot, whatever the archive's size.
Listings are SQL queries; an article and its catalogs are read from the object store on first
use and kept in a bounded LRU.
"""

from __future__ import annotations

import datetime as dt
import gettext
import json
import pickle
import sqlite3
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from threading import Lock

from markupsafe import Markup

from webapp import contract
from webapp.content import Article, parse_article
from webapp.web.i18n import ArticleCatalog, Localized, read_article_catalog
from webapp.locales import LOCALES, Status
from webapp.photos import Photo
from webapp.search import INDEX_FILE, Index


class ReleaseError(RuntimeError):
    """The release directory is missing or incomplete. ``str()`` says what to run."""


@dataclass(frozen=True, slots=True)
class Availability:
    """Whether an article exists in one locale: ``status`` is ``complete``, ``partial`` or
    ``none`` (no block translated: the page shows the Chinese source)."""

    locale: str
    status: str

    @property
    def name(self) -> str:
        """The language's own name (``English``)."""
        return LOCALES[self.locale].name

    @property
    def tag(self) -> str:
        """BCP 47 tag (``zh-Hant``)."""
        return LOCALES[self.locale].tag


@dataclass(frozen=True, slots=True)
class Listing:
    """One article as a list in one locale shows it."""

    slug: str
    day: dt.date | None           # listing date, newsroom calendar day
    date_kind: str | None         # "published" or "updated"
    title: Localized
    subtitle: Localized | None
    minutes: int
    status: str                   # in the list's locale
    languages: tuple[Availability, ...]

    @property
    def url(self) -> str:
        """Path of the article in the current request's locale."""
        from flask import url_for
        return url_for("reader.article", slug=self.slug)

    @property
    def date(self) -> dt.date | None:
        return self.day

    @property
    def date_label(self) -> str:
        """"Added" (translated) when the date shown is not a publication date but the day our
        copy was added or last edited (no ``published``: the article page says "Added to Jintan
        Reader on …" for the same date), else ""."""
        from flask_babel import gettext
        return gettext("Added") if self.date_kind == "updated" else ""


class LRU:
    """A small thread-safe LRU mapping with a maximum number of entries."""

    def __init__(self, size: int):
        self.size, self._items, self._lock = size, OrderedDict(), Lock()

    def get(self, key, make):
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._items)


class Release:
    """A built release, opened read-only.

    :param root: ``build/releases/<id>`` (or the ``current`` symlink, resolved once here).
    :param objects: the object store (``build/objects``).
    :param cache_size: articles (with their catalogs) kept parsed.
    :raises ReleaseError: when the directory is not a complete release.
    """

    def __init__(self, root: Path | str, objects: Path | str, cache_size: int = 128):
        root = Path(root)
        if not (root / contract.RELEASE_INFO).exists():
            raise ReleaseError(f"no release at {root}: run `make release` first")
        self.root = root.resolve()
        self.objects = Path(objects)
        self.info = json.loads((self.root / contract.RELEASE_INFO).read_text("utf-8"))
        self.check_ui_catalogs()
        self.id: str = self.info["id"]
        self.assets: dict[str, str] = self.info["assets"]
        self.image_sizes: dict[str, list[int]] = self.info.get("image_sizes", {})
        # CSP hashes of the files pages carry inline, recorded by the build (absent in a
        # release built before issue 25: computed from the pool then)
        self.inline_hashes: dict[str, str] = self.info.get("inline", {})
        uri = f"file:{self.root / contract.INDEX_DB}?mode=ro&immutable=1"
        self.db = sqlite3.connect(uri, uri=True, check_same_thread=False)
        self._lock = Lock()
        self._articles = LRU(cache_size)
        self._catalogs = LRU(cache_size * len(LOCALES))
        self._photos = LRU(cache_size * 4)
        self.count: int = self.info["articles"]
        self.search = Index(self.root / INDEX_FILE)

    def inline_assets(self, pool: Path | str) -> dict[str, tuple[Markup, str]]:
        """The text and CSP hash (``sha256-...``) of each static file pages carry inline
        (``contract.INLINE_ASSETS``), read once from the static ``pool`` by its hashed name.

        :returns: source path (``css/site.css``) -> (its UTF-8 text as Markup, its hash).
        :raises ReleaseError: a file is missing from the release or the pool, or its bytes
            no longer match the hash the build recorded (the pool was edited)."""
        out: dict[str, tuple[Markup, str]] = {}
        for rel in contract.INLINE_ASSETS:
            path = Path(pool) / self.assets.get(rel, rel)
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise ReleaseError(f"{path}: {exc.strerror or exc} (pages carry "
                                   f"{rel} inline): run `make release`") from exc
            digest = contract.csp_hash(data)
            if self.inline_hashes.get(rel, digest) != digest:
                raise ReleaseError(f"{path}: changed since release {self.info['id']} was built "
                                   "(its CSP hash differs): run `make release`")
            out[rel] = (Markup(data.decode("utf-8")), digest)
        return out

    def check_ui_catalogs(self) -> None:
        """Open every compiled UI catalog of the release once, at boot: a damaged ``.mo``
        (bad magic number, truncated) would otherwise fail each request of its locale.
        :raises ReleaseError: ``path: message`` in one line."""
        for mo in sorted(self.translations_dir.glob("*/LC_MESSAGES/*.mo")):
            try:
                with mo.open("rb") as fh:
                    gettext.GNUTranslations(fh)
            except Exception as exc:  # OSError, struct.error, UnicodeDecodeError...
                reason = exc.args[1] if isinstance(exc, OSError) and len(exc.args) > 1 else exc
                raise ReleaseError(f"{mo}: damaged compiled catalog ({reason}); build a new "
                                   "release with `make release`") from exc

    # --- queries ------------------------------------------------------------------------------
    def _query(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self._lock:
            return self.db.execute(sql, args).fetchall()

    @property
    def translations_dir(self) -> Path:
        """Folder of the compiled UI catalogs (``<locale>/LC_MESSAGES/messages.mo``)."""
        return contract.ui_catalogs_dir(self.root)

    def slugs(self) -> list[str]:
        """Every article's slug, newest first (undated last)."""
        return [r[0] for r in self._query("SELECT slug FROM articles a" + self._ORDER)]

    def has(self, slug: str) -> bool:
        return bool(self._query("SELECT 1 FROM articles WHERE slug = ?", (slug,)))

    def row(self, slug: str) -> dict | None:
        """The article's dates and file: ``{path, md, day, date_kind, published, updated}``."""
        rows = self._query("SELECT path, md, parsed, day, date_kind, published, updated "
                           "FROM articles WHERE slug = ?", (slug,))
        if not rows:
            return None
        keys = ("path", "md", "parsed", "day", "date_kind", "published", "updated")
        return dict(zip(keys, rows[0], strict=True))

    def availability(self, slugs: list[str]) -> dict[str, tuple[Availability, ...]]:
        """Translation status of ``slugs`` in every locale, in the locale table's order."""
        if not slugs:
            return {}
        marks = ",".join("?" * len(slugs))
        found: dict[str, dict[str, str]] = {s: {} for s in slugs}
        for slug, locale, status in self._query(
                f"SELECT slug, locale, status FROM localized WHERE slug IN ({marks})", tuple(slugs)):  # noqa: S608
            found[slug][locale] = status
        return {s: tuple(Availability(loc, st[loc]) for loc in LOCALES if loc in st)
                for s, st in found.items()}

    _LIST = ("SELECT a.slug, a.day, a.date_kind, l.title, l.title_lang, l.subtitle, "
             "l.subtitle_lang, l.minutes, l.status FROM articles a JOIN localized l "
             "ON l.slug = a.slug AND l.locale = ? ")
    _ORDER = " ORDER BY a.sort_key IS NULL, a.sort_key DESC, a.slug"

    def _listings(self, rows: list[tuple]) -> list[Listing]:
        langs = self.availability([r[0] for r in rows])
        return [Listing(slug=r[0], day=dt.date.fromisoformat(r[1]) if r[1] else None,
                        date_kind=r[2], title=Localized(Markup(r[3]), r[4]),
                        subtitle=Localized(Markup(r[5]), r[6]) if r[5] is not None else None,
                        minutes=r[7], status=r[8], languages=langs[r[0]]) for r in rows]

    def listing(self, locale: str, offset: int = 0, limit: int = 20) -> list[Listing]:
        """Articles newest first (undated last), ``limit`` from ``offset``, in ``locale``."""
        return self._listings(self._query(self._LIST + self._ORDER + " LIMIT ? OFFSET ?",
                                          (locale, limit, offset)))

    def listings_of(self, locale: str, slugs: list[str]) -> list[Listing]:
        """The listings of ``slugs`` in ``locale``, in the order given (unknown slugs left out)."""
        if not slugs:
            return []
        marks = ",".join("?" * len(slugs))
        found = {item.slug: item for item in self._listings(self._query(
            self._LIST + f"WHERE a.slug IN ({marks})", (locale, *slugs)))}  # noqa: S608
        return [found[s] for s in slugs if s in found]

    def month_listing(self, locale: str, year: int, month: int) -> list[Listing]:
        """Articles whose listing date falls in ``year``-``month`` (newsroom time)."""
        prefix = f"{year:04d}-{month:02d}-"
        return self._listings(self._query(self._LIST + "WHERE a.day LIKE ?" + self._ORDER,
                                          (locale, prefix + "%")))

    def undated_listing(self, locale: str) -> list[Listing]:
        """Articles without any date, by slug."""
        return self._listings(self._query(self._LIST + "WHERE a.day IS NULL" + self._ORDER,
                                          (locale,)))

    def months(self) -> list[tuple[int, int, int]]:
        """``(year, month, article count)`` of every month with an article, newest first."""
        rows = self._query("SELECT substr(day, 1, 7) m, count(*) FROM articles "
                           "WHERE day IS NOT NULL GROUP BY m ORDER BY m DESC")
        return [(int(m[:4]), int(m[5:7]), n) for m, n in rows]

    def undated_count(self) -> int:
        return self._query("SELECT count(*) FROM articles WHERE day IS NULL")[0][0]

    def latest(self, locale: str, limit: int, statuses=(Status.COMPLETE, Status.PARTIAL)) -> list[str]:
        """Slugs of the newest dated articles available in ``locale`` (status in ``statuses``)."""
        marks = ",".join("?" * len(statuses))
        rows = self._query(
            "SELECT a.slug FROM articles a JOIN localized l ON l.slug = a.slug AND l.locale = ? "
            f"WHERE a.sort_key IS NOT NULL AND l.status IN ({marks})"  # noqa: S608
            " ORDER BY a.sort_key DESC, a.slug LIMIT ?", (locale, *statuses, limit))
        return [r[0] for r in rows]

    def slugs_in_month(self, year: int, month: int) -> list[tuple[str, str | None]]:
        """``(slug, lastmod)`` of the articles listed in a month (or undated when year is 0)."""
        if year == 0:
            rows = self._query("SELECT slug, updated, published FROM articles WHERE day IS NULL "
                               "ORDER BY slug")
        else:
            rows = self._query("SELECT slug, updated, published FROM articles WHERE day LIKE ? "
                               "ORDER BY slug", (f"{year:04d}-{month:02d}-%",))
        return [(s, u or p) for s, u, p in rows]

    def status(self, slug: str, locale: str) -> str:
        """Translation status of ``slug`` in ``locale``: complete, partial or none."""
        return self.localized(slug, locale)[0]

    def localized(self, slug: str, locale: str) -> tuple[str, int]:
        """``(status, reading minutes)`` of ``slug`` in ``locale``, as the build measured."""
        rows = self._query("SELECT status, minutes FROM localized WHERE slug = ? AND locale = ?",
                           (slug, locale))
        return (rows[0][0], rows[0][1]) if rows else (Status.NONE, 0)

    def photo(self, source: str) -> Photo | None:
        """The processed photo of a figure's ``image`` path (renditions, size, placeholder), or
        None when this release has none (a release built before photos were processed)."""
        def load() -> Photo | None:
            try:
                rows = self._query("SELECT data FROM photos WHERE source = ?", (source,))
            except sqlite3.OperationalError:   # no photos table: an older release
                return None
            return Photo.from_json(json.loads(rows[0][0])) if rows else None
        return self._photos.get(source, load)

    def photo_files(self) -> list[str]:
        """Every rendition path (in the static pool) of every photo of this release."""
        try:
            rows = self._query("SELECT data FROM photos ORDER BY source")
        except sqlite3.OperationalError:
            return []
        return [f for (data,) in rows for f in Photo.from_json(json.loads(data)).files()]

    def changed(self, slug: str, locale: str) -> dt.datetime | None:
        """When what a reader sees of ``slug`` in ``locale`` last changed (an aware datetime:
        the creation of the release that first showed the text), or None while it is the text
        first published or for a release built before this was recorded."""
        try:
            rows = self._query("SELECT changed FROM localized WHERE slug = ? AND locale = ?",
                               (slug, locale))
        except sqlite3.OperationalError:  # an older release: no such column
            return None
        return dt.datetime.fromisoformat(rows[0][0]) if rows and rows[0][0] else None

    # --- articles and catalogs (parsed on first use, LRU) -------------------------------------
    def article(self, slug: str) -> Article | None:
        """The parsed article ``slug``, or None if this release has none."""
        row = self.row(slug)
        if row is None:
            return None
        return self._articles.get(row["md"], lambda: self._load_article(row))

    def _load_article(self, row: dict) -> Article:
        """The article the build parsed (pickled by the same code version), else parsed now."""
        if row["parsed"]:
            try:
                article = pickle.loads(contract.object_path(self.objects, row["parsed"]).read_bytes())  # noqa: S301 - our own build's output
                if isinstance(article, Article):
                    return article
            except Exception:  # noqa: BLE001 - any unpickling problem: parse the file instead
                pass
        md = row["md"]
        return parse_article(Path(row["path"]), contract.object_path(self.objects, md).read_text("utf-8"))

    def catalog(self, slug: str, locale: str) -> ArticleCatalog | None:
        """The compiled catalog of ``slug`` in ``locale`` as a lookup table, or None."""
        rows = self._query("SELECT mo FROM localized WHERE slug = ? AND locale = ?",
                           (slug, locale))
        mo = rows[0][0] if rows else None
        if not mo:
            return None
        return self._catalogs.get(mo, lambda: read_article_catalog(
            contract.object_path(self.objects, mo).read_bytes()))

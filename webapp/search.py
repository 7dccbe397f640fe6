"""Full-text search over every article in every locale (SQLite FTS5). Design: docs/search.md.

Text goes through one pipeline at index time and at query time (:func:`fold`, then
:func:`tokens`), so a query finds exactly what the same words in an article would index:

1. **fold**: Unicode NFKC (full-width ``２０`` and ``ＡＢＣ`` become ``20`` and ``ABC``, compatibility
   ideographs their unified forms), then OpenCC ``t2s`` (Traditional characters to Simplified:
   ``電池`` and ``电池`` are one word). Case and Latin diacritics are folded by the FTS5 tokenizer
   (``unicode61 remove_diacritics 2``), English words stemmed by its ``porter`` wrapper
   (``batteries`` -> ``batteri`` <- ``battery``).
2. **transform**: every run of CJK characters becomes its overlapping character bigrams,
   space separated (``中创新航`` -> ``中创 创新 新航``, Lucene's ``CJKBigramFilter``); a run of one
   character stays itself. FTS5 then sees the bigrams as words with consecutive positions, so a
   query of any length ≥ 2 is a phrase of bigrams, and numbers with units (``20亿元`` ->
   ``20 亿元``) are a phrase of a number and a bigram.
3. One-character queries (``茶``) match a column of the distinct CJK characters of each
   document (``uni``; ``tuni`` for the headline), one token per character, no positions needed.

The index (``search.sqlite`` in the release) has one row per article and distinct folded text:
the Simplified and Traditional versions of an article fold to the same text and share a row;
an English translation has its own. It is contentless (``content=''``): the text a result shows
comes from the article itself (the release's parsed article and catalogs), never from FTS5's
``highlight()``. The build copies the previous release's index and replaces only the rows of
articles whose text changed (:func:`update_index`).

Queries are built from our own tokens, each an FTS5 string in double quotes (quotes inside
doubled), joined by implicit AND, so no user text is ever FTS5 syntax (``NEAR``, ``AND``,
``*``, ``(`` are words or nothing). Bounds: :data:`MAX_QUERY_CHARS` characters and
:data:`MAX_TERMS` terms are searched (the rest ignored, and the page says so), and a query runs
at most :data:`QUERY_BUDGET_S` seconds (a SQLite progress handler interrupts it).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sqlite3
import time
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from threading import Lock

from webapp import contract

TOKENIZER = "porter unicode61 remove_diacritics 2"
OPENCC_CONFIG = "t2s"
INDEX_FILE = contract.SEARCH_INDEX   # the release contract owns the name
# Bump when the tokens or the schema change: an index of another version is rebuilt, not copied.
INDEX_VERSION = "4"
MAX_QUERY_CHARS = 200           # characters of a query searched (after folding)
MAX_TERMS = 12                  # words or quoted phrases searched
QUERY_BUDGET_S = 0.25           # wall time a query may run before SQLite interrupts it
PROGRESS_STEPS = 1000           # SQLite VM steps between two checks of the budget
# Blocks a reader does not see as text (alt text stands in for an image; the byline label is
# a word such as 记者) are not searched.
NOT_SEARCHED = ("alt", "byline")

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS docs (
  id INTEGER PRIMARY KEY,        -- rowid in every FTS table
  slug TEXT NOT NULL UNIQUE,
  sort_key TEXT,                 -- the article's listing time (UTC ISO), NULL when undated
  key TEXT NOT NULL              -- hash of the row's columns and sort_key: unchanged = kept
);
-- results come in this order (newest first, undated last, then slug): no sort per query
CREATE INDEX IF NOT EXISTS docs_order ON docs (sort_key IS NULL, sort_key DESC, slug);
-- CJK words: the set of an article's bigrams (and the last character of each run), every
-- locale together; membership only (detail=none): 4-6 times smaller than with positions.
CREATE VIRTUAL TABLE IF NOT EXISTS cjk USING fts5(words, content='', detail=none,
  tokenize='unicode61');
-- Latin words and numbers in reading order, with positions (phrases: "salt cavern").
CREATE VIRTUAL TABLE IF NOT EXISTS latin USING fts5(words, content='', detail=full,
  tokenize='{TOKENIZER}');
-- Headlines, every token in order, with positions (headline matches rank first).
CREATE VIRTUAL TABLE IF NOT EXISTS head USING fts5(words, content='', detail=full,
  tokenize='{TOKENIZER}');
"""
TABLES = ("cjk", "latin", "head")

# CJK ideographs (unified, extension A, compatibility), kana and hangul syllables: written
# without spaces between words, indexed as bigrams.
CJK = ("\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
       "\U00020000-\U0002ebef\U00030000-\U0003134f")
_CJK_RUN = re.compile(f"[{CJK}]+")
_CJK_CHAR = re.compile(f"[{CJK}]")
_WORD = re.compile(r"[^\W_]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

_converter = None


def _opencc():
    global _converter
    if _converter is None:
        import opencc
        _converter = opencc.OpenCC(OPENCC_CONFIG)
    return _converter


def fold(text: str) -> str:
    """``text`` (str) folded for matching: control characters to spaces, NFKC, then
    Traditional Chinese to Simplified (OpenCC ``t2s``, the project's pinned OpenCC). Returns str;
    lengths may differ from the input (NFKC)."""
    text = unicodedata.normalize("NFKC", _CONTROL.sub(" ", text))
    if _CJK_CHAR.search(text):
        text = _opencc().convert(text)
    return text


def _run_tokens(run: str, complete: bool = True) -> list[str]:
    """A CJK run's tokens: its overlapping bigrams, then its last character when the run is
    ``complete`` (in a text, every run is; the run at the end of a query may go on in the
    text). A run of one character is that character."""
    if len(run) == 1:
        return [run]
    out = [run[i:i + 2] for i in range(len(run) - 1)]
    return out + [run[-1]] if complete else out


def tokens(folded: str, query: bool = False) -> list[str]:
    """Folded text -> its tokens in order: Latin words and numbers as the FTS5 tokenizer
    splits them (case, accents and stems are the tokenizer's), CJK runs as
    :func:`_run_tokens` (``20亿元`` -> ``20``, ``亿元``, ``元``). ``query``: the last run of the
    text is not complete."""
    out: list[str] = []
    runs = list(_CJK_RUN.finditer(folded))
    pos = 0
    for m in runs:
        out += _WORD.findall(folded[pos:m.start()])
        last = m is runs[-1] and not _WORD.search(folded[m.end():])
        out += _run_tokens(m.group(), complete=not (query and last))
        pos = m.end()
    return out + _WORD.findall(folded[pos:])


def _split(folded: str) -> tuple[list[str], list[str]]:
    """A text's CJK tokens and its Latin words (:func:`tokens` in two lists)."""
    cjk: list[str] = []
    latin: list[str] = []
    pos = 0
    for m in _CJK_RUN.finditer(folded):
        latin += _WORD.findall(folded[pos:m.start()])
        cjk += _run_tokens(m.group())
        pos = m.end()
    return cjk, latin + _WORD.findall(folded[pos:])


def is_cjk(token: str) -> bool:
    return bool(_CJK_CHAR.match(token))


# --- documents (build time) -----------------------------------------------------------------

COLUMNS = TABLES


def article_document(texts: dict[str, tuple[str, list[str]]]) -> dict:
    """The index row of one article from its plain text in every locale (``texts``: locale id
    -> (headline, [standfirst, byline, note, captions, body, quotes, speakers, roles])).
    Returns ``{"cjk", "latin", "head"}`` (str, space-separated tokens): the distinct CJK
    tokens of every locale; the Latin tokens of each locale in order (locales with the same
    tokens once); each distinct headline's tokens in order."""
    cjk: set[str] = set()
    latin: list[str] = []
    heads: list[str] = []
    for title, body in texts.values():
        head = " ".join(tokens(fold(title)))
        if head not in heads:
            heads.append(head)
        run_tokens, latin_words = _split(fold(title + "\n" + "\n".join(body)))
        cjk.update(run_tokens)
        stream = " ".join(latin_words)
        if stream and stream not in latin:
            latin.append(stream)
    return {"cjk": " ".join(sorted(cjk)), "latin": "\n".join(latin), "head": "\n".join(heads)}


def row_key(row: dict, sort_key: str | None) -> str:
    """The key of an index row: a hash of its columns and the article's sort key (str)."""
    data = json.dumps([{c: row[c] for c in COLUMNS}, sort_key], sort_keys=True,
                      ensure_ascii=False).encode()
    return hashlib.sha256(data).hexdigest()[:24]


def _open_copy(previous: Path | None, target: Path) -> sqlite3.Connection:
    """``target`` as a copy of ``previous`` when that is an index of this version, else new."""
    if previous is not None and previous.exists():
        try:
            with sqlite3.connect(f"file:{previous}?mode=ro", uri=True) as old:
                row = old.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
            if row and row[0] == INDEX_VERSION:
                shutil.copyfile(previous, target)
        except sqlite3.Error:
            pass
    db = sqlite3.connect(target)
    db.executescript(SCHEMA)
    db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (INDEX_VERSION,))
    return db


def update_index(target: Path, previous: Path | None,
                 entries: list[tuple[str, str | None, str]], columns_of) -> dict:
    """Write the search index of a release to ``target`` (a new file).

    :param previous: the previous release's index (or None): copied, then only rows whose key
        is new are inserted and rows whose key is gone deleted (an unchanged article costs a
        dictionary lookup).
    :param entries: ``(slug, sort_key or None, row key)`` of every article.
    :param columns_of: ``row key -> {column: text} or None``, from the build's cache: the
        columns to insert, and those of a row to delete (contentless FTS5 needs them). When a
        row to delete has none, the index is rebuilt from nothing.
    :returns: ``{"kept", "added", "removed", "rebuilt"}`` (ints, rebuilt a bool).
    :raises KeyError: when a wanted row's columns are missing from the cache.
    """
    db = _open_copy(previous, target)
    wanted = {key: (slug, sort_key) for slug, sort_key, key in entries}
    present = dict(db.execute("SELECT key, id FROM docs"))
    stale = [(i, columns_of(k)) for k, i in present.items() if k not in wanted]
    rebuilt = any(cols is None for _i, cols in stale)
    if rebuilt:
        db.close()
        target.unlink()
        db = _open_copy(None, target)
        present, stale = {}, []
    for i, cols in stale:
        for table in TABLES:
            db.execute(f"INSERT INTO {table}({table}, rowid, words) VALUES ('delete', ?, ?)",  # noqa: S608
                       (i, cols[table]))
        db.execute("DELETE FROM docs WHERE id = ?", (i,))
    added = 0
    for key, (slug, sort_key) in wanted.items():
        if key in present:
            continue
        cols = columns_of(key)
        if cols is None:
            raise KeyError(f"search index: no cached text for row {key} of {slug}")
        cur = db.execute("INSERT INTO docs (slug, sort_key, key) VALUES (?, ?, ?)",
                         (slug, sort_key, key))
        for table in TABLES:
            db.execute(f"INSERT INTO {table}(rowid, words) VALUES (?, ?)",  # noqa: S608
                       (cur.lastrowid, cols[table]))
        added += 1
    _record_characters(db, [columns_of(key) for key in wanted if key not in present],
                       new=not present)
    if not present:
        _compact(db)
    db.commit()
    db.close()
    return {"kept": len(present) - len(stale), "added": added, "removed": len(stale),
            "rebuilt": rebuilt}


def _compact(db: sqlite3.Connection) -> None:
    """Merge a new index into one segment per table (smaller, faster to query), then give back
    the pages the merge freed. An update adds a small segment that FTS5's automerge folds in
    later, so publishing one article never rewrites the whole index."""
    for table in TABLES:
        db.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")  # noqa: S608
    db.commit()
    # 'optimize' frees the pages of the segments it merged, and SQLite keeps them in the file
    # (measured: 2.8 of 7.7 MB at 1,000 articles)
    db.execute("VACUUM")


def _record_characters(db: sqlite3.Connection, added: list[dict], new: bool) -> None:
    """Keep in ``meta`` ('chars') the distinct CJK characters of the index's rows (folded:
    Simplified): those of the added rows joined to what the copied index had (``new``: an
    index built from nothing starts empty). A removed article's characters stay (a superset
    costs a few bytes in the worker's table, never a miss)."""
    row = None if new else db.execute("SELECT value FROM meta WHERE key = 'chars'").fetchone()
    chars = set(row[0]) if row else set()
    for cols in added:
        chars.update(_CJK_CHAR.findall(cols["cjk"]))
    db.execute("INSERT OR REPLACE INTO meta VALUES ('chars', ?)", ("".join(sorted(chars)),))


# Simplified to Traditional, as the zh_Hant pages and readers in Taiwan and Hong Kong write it
TRADITIONAL_CONFIGS = ("s2t", "s2tw", "s2twp", "s2hk")


def script_table(chars: str) -> str:
    """The Traditional-to-Simplified table of the service worker's offline search
    (static/js/sw.js ``SCRIPT_FOLD``) for ``chars`` (str of folded, Simplified CJK
    characters, e.g. :meth:`Index.characters`): every Traditional form of each character
    (OpenCC ``s2t``, ``s2tw``, ``s2twp``, ``s2hk`` character by character, the project's pinned
    OpenCC) whose ``t2s`` is one other character, as one str of pairs (Traditional, then
    Simplified), sorted. Character by character: OpenCC's phrase rules are left out."""
    import opencc
    lines = "\n".join(chars)
    forms = set(chars)
    for config in TRADITIONAL_CONFIGS:
        forms.update(opencc.OpenCC(config).convert(lines).split("\n"))
    pairs = {}
    for form in forms:
        simplified = _opencc().convert(form)
        if len(form) == 1 and len(simplified) == 1 and simplified != form:
            pairs[form] = simplified
    return "".join(k + v for k, v in sorted(pairs.items()))


# --- queries ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Query:
    """A reader's query, parsed. ``terms``: each word or quoted phrase as folded text (str),
    at most :data:`MAX_TERMS`; ``truncated``: part of the input was not searched (longer than
    :data:`MAX_QUERY_CHARS` characters or more terms than :data:`MAX_TERMS`)."""

    terms: tuple[str, ...]
    truncated: bool = False

    @property
    def key(self) -> str:
        """Canonical form (cache key): the terms, each quoted."""
        return " ".join(f'"{t}"' for t in self.terms)


def parse_query(text: str) -> Query:
    """Parse what a reader typed (any str, untrusted). Words are separated by white space;
    ``"..."`` makes a phrase (an unbalanced quote runs to the end). Terms without a letter or
    digit (``*``, ``(``, ``-``) are dropped. Never raises."""
    folded = fold(text)
    truncated = len(folded) > MAX_QUERY_CHARS
    folded = folded[:MAX_QUERY_CHARS]
    terms: list[str] = []
    for i, part in enumerate(folded.split('"')):
        pieces = [part] if i % 2 else part.split()
        for piece in pieces:
            words = _WORD.findall(piece)
            if words:
                terms.append(" ".join(words))
    if len(terms) > MAX_TERMS:
        terms, truncated = terms[:MAX_TERMS], True
    return Query(tuple(dict.fromkeys(terms)), truncated)


def _fts_string(words: list[str], prefix: bool = False) -> str:
    """Words as one FTS5 string (a phrase), in double quotes, quotes inside doubled; ``prefix``:
    its last word as a prefix (``"20 亿" *``)."""
    return '"' + " ".join(words).replace('"', '""') + '"' + (" *" if prefix else "")


def _open_end(toks: list[str], term: str) -> bool:
    """Whether the term ends in a one-character CJK run that may go on in the text (``光``,
    ``20亿``): its last token is then a prefix."""
    return bool(toks) and len(toks[-1]) == 1 and is_cjk(toks[-1]) and term.endswith(toks[-1])


def expressions(query: Query) -> dict[str, str]:
    """FTS5 MATCH expressions of ``query``, every term required, built only from our own
    tokens in quoted strings: ``{"cjk": ..., "latin": ..., "head": ...}`` (a table is left
    out when no term has tokens for it)."""
    cjk, latin, head = [], [], []
    for term in query.terms:
        toks = tokens(term, query=True)
        open_end = _open_end(toks, term)
        head.append(_fts_string(toks, prefix=open_end))
        c = [t for t in toks if is_cjk(t)]
        for i, t in enumerate(c):
            cjk.append(_fts_string([t], prefix=open_end and i == len(c) - 1))
        words = [t for t in toks if not is_cjk(t)]
        if words:
            latin.append(_fts_string(words))
    out = {"head": " AND ".join(head)}
    if cjk:
        out["cjk"] = " AND ".join(cjk)
    if latin:
        out["latin"] = " AND ".join(latin)
    return out


def highlight_terms(query: Query) -> list[str]:
    """Folded strings to look for in a text to build its snippet: each term, and for terms of
    several words each word (an English stem may not appear as typed)."""
    out = []
    for term in query.terms:
        out.append(term)
        words = term.split()
        if len(words) > 1:
            out += words
    return out


class QueryTooSlow(RuntimeError):
    """A query ran past :data:`QUERY_BUDGET_S` and was interrupted."""


class Index:
    """A release's search index, opened read-only.

    :param path: ``<release>/search.sqlite``. A missing file, or one of another
        :data:`INDEX_VERSION`, gives an index with no results (a release built before search,
        or by other code: `make release` builds a current one)."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = Lock()
        self.db = None
        if path.exists():
            self.db = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True,
                                      check_same_thread=False)
            try:
                version = self.db.execute(
                    "SELECT value FROM meta WHERE key = 'version'").fetchone()
            except sqlite3.Error:
                version = None
            if not version or version[0] != INDEX_VERSION:   # another code's index: unusable
                self.db.close()
                self.db = None
            else:   # open the FTS5 tables once now, not inside the first reader's budget
                for table in TABLES:
                    self.db.execute(f"SELECT rowid FROM {table} LIMIT 0").fetchall()  # noqa: S608
        self._deadline = 0.0
        if self.db is not None:
            self.db.set_progress_handler(self._progress, PROGRESS_STEPS)

    def _progress(self) -> int:
        return 1 if time.monotonic() > self._deadline else 0

    def search(self, query: Query) -> list[tuple[str, bool]]:
        """Every article matching ``query``, best first: headline matches (every term in a
        headline), then newest (undated last), then by slug. Returns ``[(slug, headline
        match)]``.

        :raises QueryTooSlow: past :data:`QUERY_BUDGET_S`."""
        if not query.terms or self.db is None:
            return []
        exprs = expressions(query)
        parts = [f"SELECT rowid FROM {t} WHERE {t} MATCH ?" for t in ("cjk", "latin")
                 if t in exprs]
        matching = ("SELECT d.id, d.slug FROM docs d INDEXED BY docs_order "
                    f"WHERE d.id IN ({' INTERSECT '.join(parts)}) "  # noqa: S608
                    "ORDER BY d.sort_key IS NULL, d.sort_key DESC, d.slug")
        args = tuple(exprs[t] for t in ("cjk", "latin") if t in exprs)
        with self._lock:
            self._deadline = time.monotonic() + QUERY_BUDGET_S
            try:
                rows = self.db.execute(matching, args).fetchall()
                head = {r[0] for r in self.db.execute(
                    "SELECT rowid FROM head WHERE head MATCH ?", (exprs["head"],))}
            except sqlite3.OperationalError as exc:
                # the progress handler's abort: "interrupted", or any step it stopped
                if "interrupted" in str(exc) or time.monotonic() > self._deadline:
                    raise QueryTooSlow(query.key) from exc
                raise
        return ([(slug, True) for i, slug in rows if i in head]
                + [(slug, False) for i, slug in rows if i not in head])

    def characters(self) -> str:
        """The distinct CJK characters (folded: Simplified) of the indexed articles, sorted,
        as one str ("" for an index without them)."""
        if self.db is None:
            return ""
        with self._lock:
            row = self.db.execute("SELECT value FROM meta WHERE key = 'chars'").fetchone()
        return row[0] if row else ""

    def size(self) -> int:
        """Bytes of the index file."""
        return self.path.stat().st_size if self.path.exists() else 0


# --- snippets (Python, from the article's own text) -----------------------------------------

SNIPPET_CHARS = 120             # characters of text around the first match

_LATIN_SUFFIX = re.compile(r"(?:ies|es|s|ing|ed|y|e)$")


def _pattern(terms: list[str]) -> re.Pattern | None:
    """A regular expression finding any of ``terms`` in folded, lower-cased text: CJK text as
    written, Latin words from the start of a word with a light stem (``batteries`` finds
    ``battery``), white space inside a phrase as any run of non-word characters."""
    alts = []
    for term in sorted(set(terms), key=len, reverse=True):
        words = term.lower().split()
        parts = []
        for w in words:
            if _CJK_CHAR.search(w):
                parts.append(re.escape(w))
            else:
                stem = _LATIN_SUFFIX.sub("", w) if len(w) > 4 else w
                tail = r"[^\W_]*" if len(w) > 3 else r"(?![^\W_])"
                parts.append(r"(?<![^\W_])" + re.escape(stem) + tail)
        alts.append(r"[\W_]+".join(parts))
    return re.compile("|".join(alts)) if alts else None


def _folded_map(text: str) -> tuple[str, list[int] | None]:
    """``text`` folded and lower-cased, and for each folded character the index of the
    character of ``text`` it came from (None: the same index, the usual case of a text
    whose NFKC form has as many characters, e.g. full-width punctuation). OpenCC t2s here maps
    character for character, else the text is matched unconverted."""
    clean = _CONTROL.sub(" ", text)
    folded = unicodedata.normalize("NFKC", clean)
    where = None
    if len(folded) != len(clean):   # full-width forms map 1:1; ligatures, ㎞ and such do not
        out, where = [], []
        for i, ch in enumerate(clean):
            f = unicodedata.normalize("NFKC", ch)
            out.append(f)
            where += [i] * len(f)
        folded = "".join(out)
    if _CJK_CHAR.search(folded):
        converted = _opencc().convert(folded)
        if len(converted) == len(folded):
            folded = converted
    lowered = folded.lower()
    return (lowered if len(lowered) == len(folded) else folded), where


def _query_pattern(query: Query) -> re.Pattern | None:
    return _pattern_of(tuple(highlight_terms(query)))


@lru_cache(maxsize=256)
def _pattern_of(terms: tuple[str, ...]) -> re.Pattern | None:
    return _pattern(list(terms))


def might_match(text: str, query: Query) -> bool:
    """Whether ``text`` (str, e.g. a block's inline Markdown before rendering) contains a
    term of ``query``: a cheap test before rendering a block for its snippet."""
    pattern = _query_pattern(query)
    return bool(pattern and text and pattern.search(_folded_map(text)[0]))


def find_matches(text: str, query: Query) -> list[tuple[int, int]]:
    """``(start, end)`` character offsets in ``text`` (the original str) of every match of
    ``query``'s terms, in order, not overlapping."""
    pattern = _query_pattern(query)
    if pattern is None or not text:
        return []
    folded, where = _folded_map(text)
    spans = []
    for m in pattern.finditer(folded):
        if m.end() > m.start():
            spans.append((m.start(), m.end()) if where is None
                         else (where[m.start()], where[m.end() - 1] + 1))
    return spans


def _word_edges(text: str, start: int, end: int, first: int, first_end: int) -> tuple[int, int]:
    """Move a cut that falls inside a Latin word to the nearest space within the window (CJK
    text has no spaces and is cut anywhere)."""
    if 0 < start < first and text[start - 1].isalnum() and text[start].isascii():
        space = text.find(" ", start, first)
        if space != -1:
            start = space + 1
    if first_end < end < len(text) and text[end].isalnum() and text[end - 1].isascii():
        space = text.rfind(" ", first_end, end)
        if space != -1:
            end = space
    return start, end


def snippet(text: str, spans: list[tuple[int, int]], width: int = SNIPPET_CHARS):
    """An excerpt of ``text`` (plain str) around the first of ``spans`` (from
    :func:`find_matches`), at most about ``width`` characters, every match inside it wrapped
    in ``<mark>``. Returns Markup: the text is escaped (markupsafe), only our ``<mark>`` tags
    are markup; "…" where text was cut."""
    from markupsafe import Markup, escape
    if not spans:
        start, end = 0, min(len(text), width)
    else:
        first = spans[0][0]
        start = max(0, first - width // 3)
        end = min(len(text), start + width)
        start = max(0, min(start, end - width))
        start, end = _word_edges(text, start, end, first, spans[0][1])
    out = [Markup("…")] if start > 0 else []
    pos = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, pos), min(e, end)
        if s < pos:
            continue
        out.append(escape(text[pos:s]))
        out.append(Markup("<mark>") + escape(text[s:e]) + Markup("</mark>"))
        pos = e
    out.append(escape(text[pos:end]))
    if end < len(text):
        out.append(Markup("…"))
    return Markup("").join(out)

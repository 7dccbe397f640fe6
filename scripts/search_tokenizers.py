"""Compare tokenizations for search on the test set: `python scripts/search_tokenizers.py`.

Indexes the fixture articles plus three synthetic ones (as tests/test_search.py does) with
SQLite FTS5 three ways, every text folded the same way (NFKC, OpenCC t2s) so only the
tokenizer differs, and runs tests/data/search_queries.tsv (every query's terms quoted, AND):

- ``unicode61``: FTS5's default word tokenizer (``porter unicode61 remove_diacritics 2``);
- ``trigram``: FTS5's trigram tokenizer (substring matching, 3 characters or more);
- ``bigram``: the project's index (webapp/search.py: CJK bigrams, Latin words with positions).

Prints, per tokenization, recall (expected articles found), the queries that found something
they should not (precision problems) and the index size in bytes. docs/search.md quotes it.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

import synth  # noqa: E402

from webapp import search  # noqa: E402
from webapp.publish.build import search_texts  # noqa: E402
from webapp.desk.catalogs import article_po, read_catalog  # noqa: E402
from webapp.content import parse_article  # noqa: E402
from webapp.web.i18n import localize  # noqa: E402
from webapp.locales import LOCALES, SOURCE_LOCALE  # noqa: E402

DATA = ROOT / "tests" / "data"


def corpus(tmp: Path) -> dict[str, dict]:
    """slug -> {locale: (headline, [texts])} of the test set's articles."""
    root = synth.generate(3, tmp / "site")
    for md in (DATA / "content").glob("*.md"):
        shutil.copy(md, root / "content" / md.name)
    shutil.copytree(DATA / "translations", root / "translations", dirs_exist_ok=True)
    out = {}
    for path in sorted((root / "content").glob("*.md")):
        article = parse_article(path)
        tables = {}
        for loc in LOCALES:
            po = article_po(root / "translations", loc, path.stem)
            tables[loc] = None
            if loc != SOURCE_LOCALE and po.exists():
                tables[loc] = {(m.context or "", m.id): m.string for m in read_catalog(po, loc)
                               if m.id and m.string and not m.fuzzy}
        shown = {loc: {b.id: localize(b, loc, tables[loc]) for b in article.blocks}
                 for loc in LOCALES}
        out[path.stem] = search_texts(article, shown)
    return out


def queries() -> list[tuple[str, set[str]]]:
    rows = [line.split("\t") for line in (DATA / "search_queries.tsv").read_text("utf-8")
            .splitlines() if line and not line.startswith(("#", "query\t"))]
    return [(q, set() if e.strip() == "-" else set(e.split())) for q, _loc, e in rows]


def plain_index(db_path: Path, tokenizer: str, docs: dict[str, dict]) -> sqlite3.Connection:
    db = sqlite3.connect(db_path)
    db.execute(f"CREATE VIRTUAL TABLE t USING fts5(slug UNINDEXED, body, tokenize='{tokenizer}')")
    for slug, texts in docs.items():
        body = "\n".join(search.fold(t + "\n" + "\n".join(b)) for t, b in texts.values())
        db.execute("INSERT INTO t VALUES (?, ?)", (slug, body))
    db.commit()
    return db


def plain_search(db: sqlite3.Connection, text: str) -> set[str]:
    q = search.parse_query(text)
    if not q.terms:
        return set()
    expr = " AND ".join('"' + t.replace('"', '""') + '"' for t in q.terms)
    return {r[0] for r in db.execute("SELECT slug FROM t WHERE t MATCH ?", (expr,))}


def main() -> int:
    tmp = Path(tempfile.mkdtemp())
    try:
        docs = corpus(tmp)
        qs = queries()
        results = {}
        for name, tok in (("unicode61", search.TOKENIZER), ("trigram", "trigram")):
            db = plain_index(tmp / f"{name}.sqlite", tok, docs)
            results[name] = ([plain_search(db, q) for q, _ in qs], (tmp / f"{name}.sqlite"))
            db.close()
        ours = tmp / "bigram.sqlite"
        rows = {slug: search.article_document(texts) for slug, texts in docs.items()}
        keys = {slug: search.row_key(r, None) for slug, r in rows.items()}
        by_key = {keys[s]: r for s, r in rows.items()}
        search.update_index(ours, None, [(s, None, k) for s, k in keys.items()], by_key.get)
        index = search.Index(ours)
        results["bigram"] = ([{s for s, _h in index.search(search.parse_query(q))} for q, _ in qs],
                             ours)
        text_bytes = sum(len(t.encode()) + sum(len(x.encode()) for x in b)
                         for texts in docs.values() for t, b in texts.values())
        print(f"{len(qs)} queries, {sum(len(e) for _, e in qs)} expected (query, article) "
              f"pairs, {len(docs)} articles, {text_bytes:,} bytes of text")
        print("| tokenization | recall | queries finding what they should not | index bytes |")
        print("|---|---|---|---|")
        for name, (found, path) in results.items():
            hit = sum(len(e & f) for (_q, e), f in zip(qs, found, strict=True))
            wrong = [q for (q, e), f in zip(qs, found, strict=True) if f - e]
            print(f"| {name} | {hit / sum(len(e) for _, e in qs):.0%} | {len(wrong)} "
                  f"{' '.join(wrong[:6])} | {path.stat().st_size:,} |")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

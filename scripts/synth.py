"""Synthetic archives for scale tests: ``python scripts/synth.py N DEST``.

Writes ``DEST/content/`` with N articles made from the seed article (its paragraphs and quotes
reshuffled, a numbered headline, two articles a day going back from 2026-11-29, every tenth one
also with an ``updated`` datetime), and ``DEST/translations/`` with every article translated
(English and Traditional Chinese catalogs built from the seed's, one file per article) plus the
UI catalogs. Deterministic: the same N gives the same files.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
import sys
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from webapp.content import parse_article  # noqa: E402

SEED = ROOT / "content" / "jintan-new-energy.md"
LOCALES = ("en", "zh_Hant")


def _po_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _catalogs() -> dict[str, dict[str, str]]:
    """The seed's translations by Chinese source text, per locale."""
    out = {}
    for locale in LOCALES:
        po = ROOT / "translations" / locale / "LC_MESSAGES" / "articles" / f"{SEED.stem}.po"
        with po.open("rb") as fh:
            out[locale] = {m.id: m.string for m in read_po(fh, locale=locale) if m.id and m.string}
    return out


def _yaml(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def article_text(seed, n: int, rng: random.Random) -> tuple[str, dict[str, str]]:
    """The Markdown file of synthetic article ``n`` and its extra source→translation pairs."""
    title = f"{seed.title.text}（{n}）"
    day = dt.date(2026, 11, 29) - dt.timedelta(days=n // 2)
    lines = ["---", f"title: {_yaml(title)}"]
    if seed.subtitle:
        lines.append(f"subtitle: {_yaml(seed.subtitle.text)}")
    lines += ["byline:", f"  label: {_yaml(seed.byline_label.text)}",
              "  authors: [" + ", ".join(_yaml(a.text) for a in seed.authors) + "]",
              f"published: {day.isoformat()}"]
    if n % 10 == 0:
        lines.append(f"updated: {day.isoformat()} 09:30:00")
    if seed.note:
        lines.append(f"note: {_yaml(seed.note.text)}")
    lines.append("figures:")
    for fig in seed.figures:
        lines.append(f"  - caption: {_yaml(fig.caption.text)}")
    quotes = list(seed.quotes)
    rng.shuffle(quotes)
    lines += ["quotes:", f"  heading: {_yaml(seed.quotes_heading.text)}", "  items:"]
    for q in quotes:
        lines += [f"    - speaker: {_yaml(q.speaker.text)}", f"      role: {_yaml(q.role.text)}",
                  f"      text: {_yaml(q.text.text)}"]
    lines.append("---")
    body = list(seed.body)
    rng.shuffle(body)
    for b in body:
        lines += ["", ("## " if b.kind == "heading" else "") + b.text]
    return "\n".join(lines) + "\n", {title: n}


def write_catalog(path: Path, locale: str, article, table: dict[str, str], n: int) -> None:
    """One article's catalog, every block translated."""
    suffix = {"en": f" ({n})", "zh_Hant": f"（{n}）"}[locale]
    out = ['msgid ""', 'msgstr ""', f'"Language: {locale}\\n"',
           '"Content-Type: text/plain; charset=utf-8\\n"', ""]
    for block in article.blocks:
        text = table.get(block.text)
        if text is None and block.kind == "title":
            text = table[block.text.rsplit("（", 1)[0]] + suffix
        out += [f"msgctxt {_po_string(block.msgctxt)}", f"msgid {_po_string(block.text)}",
                f"msgstr {_po_string(text or block.text)}", ""]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out), "utf-8")


def generate(n_articles: int, dest: Path) -> Path:
    """Write the synthetic archive into ``dest`` (replaced); returns ``dest``."""
    seed = parse_article(SEED)
    tables = _catalogs()
    if dest.exists():
        shutil.rmtree(dest)
    content = dest / "content"
    content.mkdir(parents=True)
    for locale in ("zh", "zh_Hant"):
        ui = ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po"
        target = dest / "translations" / locale / "LC_MESSAGES" / "messages.po"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ui, target)
    for n in range(1, n_articles + 1):
        rng = random.Random(n)
        slug = f"synthetic-{n:05d}"
        text, _ = article_text(seed, n, rng)
        path = content / f"{slug}.md"
        path.write_text(text, "utf-8")
        article = parse_article(path)
        for locale in LOCALES:
            write_catalog(dest / "translations" / locale / "LC_MESSAGES" / "articles" / f"{slug}.po",
                          locale, article, tables[locale], n)
    return dest


if __name__ == "__main__":
    generate(int(sys.argv[1]), Path(sys.argv[2]))

"""Hypothesis strategies for article files, from the text a newsroom pastes.

Import them in any test that must hold for *every* article the loader accepts, e.g. that
pages, feeds and sitemaps are well-formed::

    from hypothesis import given
    from tests.strategies import article_files, write_article

    @given(article_files())
    def test_feed_is_xml(generated):
        with tempfile.TemporaryDirectory() as folder:
            path = write_article(Path(folder), generated)
            ...  # load (ContentError is an acceptable answer), render, parse

What is generated:

- :func:`paste_text`: one line of text drawn from what a paste from Word, a CMS or a chat
  app carries: Han characters (BMP and Extension B), CJK and full-width punctuation, Latin
  letters and digits, every ASCII punctuation mark (so Markdown and YAML syntax appears by
  chance: ``*``, ``_``, ``#``, ``[``, ``:``, ``&``, ``<``), smart quotes, no-break and
  full-width spaces, zero-width characters (ZWSP, ZWJ, word joiner, BOM), bidi marks and
  embeddings, soft hyphens, emoji (with skin tones, ZWJ sequences, flags), combining marks,
  variation selectors, tabs, and any other code point at a low rate. With
  ``forbidden=True`` (the default) it sometimes includes characters HTML/XML cannot carry
  (U+000B, U+000C, U+0000, U+001B, C1 controls, U+2028, U+FFFE), which the loader must refuse.
  No line breaks: the file's line structure is the strategy's.
- :func:`date_values`: a ``published``/``updated`` value as an editor writes it, with the
  value the loader must produce (a date, or an aware datetime).
- :func:`article_files`: a whole ``<slug>.md`` file (:class:`GeneratedArticle`): front matter
  with every optional part at random, each text value written plain, single-quoted or
  double-quoted (JSON escapes), a body of paragraphs (sometimes wrapped over lines, sometimes
  indented with U+3000) and ``##``/``###`` headings, LF or CRLF line ends, sometimes a BOM.
  ``expected`` maps front-matter values to the text the loader must keep *whole* when it
  accepts the file. A file may be valid or not: the loader must either accept it (keeping
  every value whole) or refuse it with ``ContentError`` naming file and line.

Helpers: :func:`write_article` writes one to a folder; :func:`xml_fragment_problem` parses an
HTML fragment as XML (the check the property tests make).
"""

from __future__ import annotations

import datetime as dt
import html.entities
import json
import re
import string
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

from webapp.dates import NEWSROOM_TZ

HAN = st.one_of(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
                st.characters(min_codepoint=0x20000, max_codepoint=0x2A6DF))
CJK_PUNCTUATION = "，。、；：？！“”‘’（）《》〈〉【】「」『』—…·～＃＊＿［］｛｝％＆"
PASTE_CHARACTERS = [
    "\u00a0", "\u3000", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u200e", "\u200f",
    "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069",
    "\u00ad", "\t", "“", "”", "‘", "’", "«", "»", "„", "…", "—", "–", "•", "\ufe0f", "\ufe0e",
    "\u0301", "é", "ß", "ü", "😀", "👍🏽", "👨\u200d👩\u200d👧", "🇨🇳", "©", "™", "€", "¥",
    "\u05d0", "\u0627", "\u2019s", "\U000e0100",
]
FORBIDDEN_CHARACTERS = ["\x00", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x93", "\u2028",
                        "\u2029", "\ufffe", "\uffff", "\U0001fffe"]
# Things that look like syntax: entities, escapes, Markdown and YAML indicators.
SNIPPETS = ["**", "*", "_", "__", "`", "[链接](https://example.com/a_b)", "<https://e.com>",
            "&amp;", "&nbsp;", "&#12;", "&#x1F600;", "&#0;", "&copy;", "\\", "\\*", " #",
            "#", ": ", "- ", "> ", "<b>", "</p>", "<!--", "]]>", "&", "<", ">", "'", '"',
            "{{", "%", "@", "!", "|", "~~", "1. ", "---"]


def paste_text(*, min_size: int = 0, max_size: int = 40, forbidden: bool = True):
    """One line of pasted text (see the module's list); ``forbidden`` adds, rarely,
    characters HTML/XML cannot carry."""
    pieces = [
        (8, HAN),
        (3, st.sampled_from(CJK_PUNCTUATION)),
        (3, st.sampled_from(string.ascii_letters + string.digits + " ")),
        (2, st.sampled_from(string.punctuation)),
        (2, st.sampled_from(PASTE_CHARACTERS)),
        (2, st.sampled_from(SNIPPETS)),
        (1, st.characters(blacklist_categories=("Cs",) if forbidden else ("Cs", "Cc", "Cn"),
                          blacklist_characters="\r\n\u2028\u2029\x85")),
    ]
    if forbidden:
        pieces.append((1, st.sampled_from(FORBIDDEN_CHARACTERS)))
    alphabet = st.one_of(*[s for weight, s in pieces for _ in range(weight)])
    return st.lists(alphabet, min_size=min_size, max_size=max_size).map("".join).map(
        lambda s: s.replace("\r", "").replace("\n", ""))


@st.composite
def date_values(draw) -> tuple[str, dt.date | dt.datetime]:
    """``(text an editor writes, value the loader must give)`` for ``published``/``updated``."""
    day = draw(st.dates(min_value=dt.date(1992, 1, 1), max_value=dt.date(2099, 12, 31)))
    if draw(st.booleans()):
        return day.isoformat(), day
    moment = dt.datetime.combine(day, draw(st.times()).replace(microsecond=0))
    separator = draw(st.sampled_from(["T", " "]))
    clock = moment.strftime("%H:%M") if draw(st.booleans()) else moment.strftime("%H:%M:%S")
    if len(clock) == 5:
        moment = moment.replace(second=0)
    zone_minutes = draw(st.one_of(st.none(), st.integers(-12 * 60, 14 * 60)))
    if zone_minutes is None:
        return f"{day.isoformat()}{separator}{clock}", moment.replace(tzinfo=NEWSROOM_TZ)
    sign = "-" if zone_minutes < 0 else "+"
    offset = f"{sign}{abs(zone_minutes) // 60:02d}:{abs(zone_minutes) % 60:02d}"
    zone = dt.timezone(dt.timedelta(minutes=zone_minutes))
    text = "Z" if zone_minutes == 0 and draw(st.booleans()) else offset
    return f"{day.isoformat()}{separator}{clock}{text}", moment.replace(tzinfo=zone)


@dataclass
class GeneratedArticle:
    """One generated file: ``name`` (``<slug>.md``), ``data`` (its bytes, UTF-8), and what
    the loader must give if it accepts the file: ``expected`` (``(where, text)`` pairs, e.g.
    ``("title", "...")``, ``("authors", ("甲", "乙"))``) and ``dates`` (``{"published": value}``)."""

    name: str
    data: bytes
    expected: list[tuple[str, object]] = field(default_factory=list)
    dates: dict[str, object] = field(default_factory=dict)


class _Writer:
    """Collects front-matter lines and the values the loader must keep."""

    def __init__(self, draw, forbidden: bool):
        self.draw, self.lines, self.expected, self.forbidden = draw, [], [], forbidden

    def paste(self, **kwargs) -> str:
        return self.draw(paste_text(forbidden=self.forbidden, **kwargs))

    def value(self, text: str) -> str:
        """``text`` as a YAML value in a random style: plain, single- or double-quoted."""
        style = self.draw(st.sampled_from(["plain", "plain", "single", "double"]))
        if style == "single":
            return "'" + text.replace("'", "''") + "'"
        if style == "double":
            return json.dumps(text, ensure_ascii=self.draw(st.booleans()))
        return text if text[:1] not in ("'", '"') else json.dumps(text)

    def text(self, indent: str, key: str, where: str, required: bool = False) -> None:
        text = self.paste(min_size=1 if required else 0)
        self.lines.append(f"{indent}{key}: {self.value(text)}")
        self.expected.append((where, text))


def _byline(draw, w: _Writer) -> None:
    w.lines.append("byline:")
    if draw(st.booleans()):
        w.text("  ", "label", "byline_label")
    names = [w.paste(min_size=1, max_size=6) for _ in range(draw(st.integers(1, 3)))]
    w.lines.append("  authors:")
    w.lines += [f"    - {w.value(n)}" for n in names]
    w.expected.append(("authors", tuple(names)))


def _figures(draw, w: _Writer) -> None:
    w.lines.append("figures:")
    for n in range(draw(st.integers(1, 2))):
        w.text("  - ", "caption", f"figures[{n}].caption")


def _quotes(draw, w: _Writer) -> None:
    w.lines.append("quotes:")
    if draw(st.booleans()):
        w.text("  ", "heading", "quotes_heading")
    w.lines.append("  items:")
    for n in range(draw(st.integers(1, 2))):
        w.text("    - ", "speaker", f"quotes[{n}].speaker")
        w.text("      ", "role", f"quotes[{n}].role")
        w.text("      ", "text", f"quotes[{n}].text")


def _front_matter(draw, w: _Writer) -> dict:
    w.text("", "title", "title", required=True)
    for key in ("subtitle", "note"):
        if draw(st.booleans()):
            w.text("", key, key)
    for section in (_byline, _figures, _quotes):
        if draw(st.booleans()):
            section(draw, w)
    found = {}
    for key in ("published", "updated"):
        if draw(st.booleans()):
            text, value = draw(date_values())
            w.lines.append(f"{key}: {text}")
            found[key] = value
    return found


def _body(draw, w: _Writer) -> list[str]:
    lines: list[str] = []
    for _ in range(draw(st.integers(0, 5))):
        kind = draw(st.sampled_from(["paragraph", "paragraph", "wrapped", "indented", "heading"]))
        text = w.paste(min_size=1)
        if kind == "heading":
            lines.append(draw(st.sampled_from(["## ", "### ", "＃＃ ", "##\u3000"])) + text)
        elif kind == "wrapped":
            lines += [text, w.paste(min_size=1)]
        elif kind == "indented":
            lines.append("\u3000\u3000" + text)
        else:
            lines.append(text)
        lines.append("")
    return lines


@st.composite
def article_files(draw, slug: str = "generated", forbidden: bool | None = None) -> GeneratedArticle:
    """A whole article file (see the module's description). ``forbidden``: whether its text
    may hold characters HTML/XML cannot carry (None: one file in five does)."""
    if forbidden is None:
        forbidden = draw(st.integers(0, 4)) == 0
    w = _Writer(draw, forbidden)
    found = _front_matter(draw, w)
    lines = ["---", *w.lines, "---", "", *_body(draw, w)]
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines)
    if draw(st.booleans()):
        text = "\ufeff" + text
    return GeneratedArticle(f"{slug}.md", text.encode("utf-8"), w.expected, found)


def write_article(folder: Path, generated: GeneratedArticle) -> Path:
    """Write ``generated`` into ``folder``; returns its path."""
    path = folder / generated.name
    path.write_bytes(generated.data)
    return path


_XML_ENTITIES = {"amp", "lt", "gt", "quot", "apos"}
_ENTITY = re.compile(r"&([A-Za-z][A-Za-z0-9]*);")


def xml_fragment_problem(fragment: str) -> str | None:
    """None when the HTML ``fragment`` is well-formed XML inside a wrapper element, after
    mapping HTML named entities (``&nbsp;``) to numeric references; else the parser's error.
    Parsed by the standard library's ``xml.etree.ElementTree`` (expat)."""
    def numeric(match: re.Match) -> str:
        name = match.group(1)
        if name in _XML_ENTITIES or name not in html.entities.name2codepoint:
            return match.group()
        return f"&#{html.entities.name2codepoint[name]};"
    try:
        ET.fromstring(f"<div>{_ENTITY.sub(numeric, fragment)}</div>")
    except ET.ParseError as exc:
        return str(exc)
    return None

"""Load and validate articles from ``content/<slug>.md``.

An article file is UTF-8 text: a YAML front matter block between two ``---`` lines, holding
the structured parts (title, subtitle, byline, editor's note, figures, quotes, dates), then
a Markdown body holding the running text (paragraphs and ``##``/``###`` headings). The
format and every rule below are documented for editors in README.md ("Adding an article").

Every translatable piece of text becomes a :class:`Block` with a stable id derived from its
own Chinese source text, so editing one paragraph never changes the id (or the translation)
of another. Whatever cannot be published as written is refused with a :class:`ContentError`
whose text is ``path:line: message``; nothing is dropped or changed silently:

- **Files** (:func:`find_article_files`): ``content/`` holds ``<slug>.md`` files; anything
  else that is not ignored on purpose is refused.
- **Characters**: text that HTML and XML 1.0 cannot carry (C0/C1 control characters other
  than tab and line feed, surrogates, noncharacters) is refused, naming the character
  (XML 1.0 §2.2 ``Char``; HTML Living Standard §13.2.3.5 "preprocessing the input stream").
  So are the line and paragraph separators U+2028/U+2029, which YAML reads as line breaks
  and Markdown does not.
- **Front matter** (YAML 1.1, PyYAML): every value is text, kept whole. No implicit typing
  (``no`` stays "no", not False; ``2026`` stays "2026"); dates are parsed by
  :mod:`webapp.dates`; a same-line ``#`` comment after a plain value (which YAML would cut
  off silently) is refused; duplicate keys are refused; a value folded over several lines
  joins two Chinese characters without the space YAML would put between them.
- **Body** (CommonMark via markdown-it-py, with the Chinese-editor rules of
  :mod:`webapp.cjk_markdown`): paragraphs and ``##``/``###`` headings only.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

from webapp import dates
from webapp.cjk_markdown import cjk_friendly, joins_without_space, prepare_body

# An article slug: the file name and the URL segment (webapp.web.templating.SlugConverter)
SLUG_PATTERN = "[a-z0-9]+(?:-[a-z0-9]+)*"
SLUG_RE = re.compile(f"^{SLUG_PATTERN}$")
ARTICLE_SUFFIX = ".md"
# Other spellings of Markdown files: refused with "rename it to <slug>.md", never skipped.
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown", ".mkd", ".mkdn", ".mdwn",
                               ".mdtxt", ".mdtext"})
# Names in content/ that are not articles, on purpose: the folder's own README.
IGNORED_NAMES = frozenset({"readme.md", "readme", "readme.txt"})

_MD = MarkdownIt("commonmark", {"html": False}).disable("image").use(cjk_friendly)
_MD_BLOCKS = MarkdownIt("commonmark", {"html": True}).use(cjk_friendly)  # reports raw HTML

# Characters refused anywhere in a file: C0 controls but tab/LF/CR, DEL and C1 controls,
# surrogates, noncharacters (U+FDD0–U+FDEF, U+xFFFE/U+xFFFF), and U+2028/U+2029.
_FORBIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    + "".join(f"{chr(p << 16 | 0xFFFE)}{chr(p << 16 | 0xFFFF)}" for p in range(1, 17)) + "]")
_CONTROL_NAMES = {0x00: "NULL", 0x08: "BACKSPACE", 0x0B: "LINE TABULATION (vertical tab)",
                  0x0C: "FORM FEED", 0x1B: "ESCAPE", 0x7F: "DELETE", 0x85: "NEXT LINE"}


class ContentError(ValueError):
    """A content file is malformed. ``str()`` names the file and line: ``path:line: message``
    (``path: message`` when the problem is the file itself, e.g. its name, not a line)."""

    def __init__(self, path: Path | str, line: int | None, message: str):
        self.path, self.line, self.message = str(path), line, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


class ContentErrors(ContentError):
    """Several content problems at once (every broken file of a folder): ``errors`` holds
    each :class:`ContentError`; ``str()`` is one ``path:line: message`` per line. Its own
    ``path``/``line``/``message`` are the first problem's."""

    def __init__(self, errors: list[ContentError]):
        first = errors[0]
        super().__init__(first.path, first.line, first.message)
        self.errors = list(errors)
        self.args = ("\n".join(str(e) for e in errors),)

    def __str__(self) -> str:
        return self.args[0]


class Kind(StrEnum):
    """The role of a block: one member per kind of translatable text.

    Each member is its own string value (so templates compare ``b.kind == "heading"``) and
    carries ``prefix`` (ids are ``<prefix>-<digest of the text>``) or ``fixed_id`` (the one
    block of that kind in an article), ``note`` (the translator's comment in the catalog),
    and ``counted`` (whether it counts for the reading time: alt text is read instead of an
    image by screen readers, not on top of the text).
    """

    prefix: str | None
    fixed_id: str | None
    note: str
    counted: bool

    def __new__(cls, value: str, prefix: str | None, fixed_id: str | None, note: str,
                counted: bool):
        member = str.__new__(cls, value)
        member._value_ = value
        member.prefix, member.fixed_id, member.note, member.counted = (
            prefix, fixed_id, note, counted)
        return member

    TITLE = "title", None, "title", "Headline", True
    SUBTITLE = "subtitle", None, "subtitle", "Subtitle (standfirst)", True
    BYLINE = "byline", None, "byline-label", "Byline label", True
    AUTHOR = "author", "by", None, "Reporter's name (pinyin)", True
    NOTE = "note", None, "note", "Editor's note", True
    CAPTION = "caption", "fig", None, "Photo caption", True
    ALT = "alt", "alt", None, "Image alt text", False
    CREDIT = "credit", "cr", None, "Photo credit (photographer, agency)", False
    HEADING = "heading", "h", None, "Section heading", True
    PARAGRAPH = "paragraph", "p", None, "Body paragraph", True
    QUOTES_HEADING = "quotes-heading", None, "quotes-heading", "Heading of the quotes section", True
    SPEAKER = "speaker", "sp", None, "Quote: speaker's name", True
    ROLE = "role", "role", None, "Quote: speaker's role and organisation", True
    QUOTE = "quote", "q", None, "Quote: text", True


@dataclass(frozen=True)
class Block:
    """One translatable unit of an article.

    ``kind`` is its :class:`Kind`; ``id`` the stable HTML anchor; ``text`` the Chinese source
    (inline Markdown allowed in paragraphs and quotes); ``line`` the 1-based line in the
    content file; ``msgctxt`` the gettext context, ``<slug>/<id>``.
    """

    kind: Kind
    id: str
    text: str
    line: int
    msgctxt: str


@dataclass(frozen=True)
class Figure:
    """A figure: a caption block and, optionally, an image (path under the photos folder,
    ``photos/``) with alt text and a credit line."""

    caption: Block
    image: str | None = None
    alt: Block | None = None
    image_line: int = 0       # line of ``image:`` in the file, for errors about the file
    credit: Block | None = None


@dataclass(frozen=True)
class Quote:
    """An attributed quote: speaker name, speaker role/organisation and quote text."""

    id: str
    speaker: Block
    role: Block
    text: Block


@dataclass(frozen=True)
class Article:
    """A parsed article. ``body`` holds heading and paragraph blocks in reading order.

    ``published`` (the original's date, when known) and ``updated`` (when our copy was last
    edited) are each None, a :class:`datetime.date`, or a timezone-aware
    :class:`datetime.datetime` (see :mod:`webapp.dates`).
    """

    slug: str
    path: Path
    title: Block
    subtitle: Block | None
    byline_label: Block | None
    authors: tuple[Block, ...]
    note: Block | None
    figures: tuple[Figure, ...]
    body: tuple[Block, ...]
    quotes_heading: Block | None
    quotes: tuple[Quote, ...]
    published: dates.DateValue | None = None
    updated: dates.DateValue | None = None
    blocks: tuple[Block, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        ordered: list[Block] = [self.title]
        ordered += [b for b in (self.subtitle, self.byline_label) if b]
        ordered += list(self.authors)
        if self.note:
            ordered.append(self.note)
        for fig in self.figures:
            ordered += [b for b in (fig.caption, fig.alt, fig.credit) if b]
        ordered += list(self.body)
        if self.quotes_heading:
            ordered.append(self.quotes_heading)
        for q in self.quotes:
            ordered += [q.speaker, q.role, q.text]
        object.__setattr__(self, "blocks", tuple(ordered))

    @property
    def listing_date(self) -> dates.DateValue | None:
        """The date the article is listed under: ``published``, else ``updated``, else None."""
        return self.published if self.published is not None else self.updated


# --- reading a file ------------------------------------------------------------------------

def decode_article(path: Path | str, data: bytes) -> str:
    """Decode an article file's bytes and normalise its line ends.

    :returns: the text, without a leading byte-order mark, with CRLF and CR line ends as LF.
    :raises ContentError: when the bytes are not UTF-8 (the line of the first bad byte, and
        a hint about GBK/GB18030 and UTF-16, which Chinese Windows editors save by default).
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        hint = ("the file is UTF-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff")
                else "GBK/GB18030 or another legacy encoding?")
        raise ContentError(path, data.count(b"\n", 0, exc.start) + 1,
                           f"not valid UTF-8 (byte 0x{data[exc.start]:02X} at offset "
                           f"{exc.start}; {hint}): save the file as UTF-8") from None
    return _normalise(text)


def _normalise(text: str) -> str:
    """Drop a leading byte-order mark; CRLF and CR line ends become LF."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def _check_characters(path: Path, text: str, first_line: int = 1) -> None:
    """Refuse characters HTML and XML cannot carry, naming the first one and its line."""
    match = _FORBIDDEN.search(text)
    if not match:
        return
    char, pos = match.group(), match.start()
    line = first_line + text.count("\n", 0, pos)
    column = pos - (text.rfind("\n", 0, pos) + 1) + 1
    reason = ("an invisible line break from a paste, which YAML and Markdown read differently"
              if char in "\u2028\u2029" else "HTML and XML do not allow it; it usually comes "
              "from a paste")
    raise ContentError(path, line, f"column {column}: {describe_character(char)} cannot be "
                       f"published ({reason}): delete it or retype the text around it")


def describe_character(char: str) -> str:
    """``U+000B LINE TABULATION (vertical tab)``: a code point and its name, for messages."""
    code = ord(char)
    name = _CONTROL_NAMES.get(code) or unicodedata.name(char, "")
    if not name:
        name = ("a surrogate code point" if 0xD800 <= code <= 0xDFFF
                else "a noncharacter" if (code & 0xFFFE) == 0xFFFE or 0xFDD0 <= code <= 0xFDEF
                else "a control character")
    if 0x80 <= code <= 0x9F:
        name += ", a C1 control: often a curly quote or dash from Windows-1252 decoded wrongly"
    return f"U+{code:04X} {name}".rstrip()


def xml_problem(text: str) -> str | None:
    """A description of the first character of ``text`` that HTML/XML cannot carry (see the
    module's rules), or None when there is none. For checking translated text too."""
    match = _FORBIDDEN.search(text)
    return describe_character(match.group()) if match else None


def _split_front_matter(path: Path, text: str) -> tuple[str, str, int]:
    lines = text.split("\n")
    if lines[0].strip() != "---":
        raise ContentError(path, 1, "the file must start with a '---' line opening the front matter")
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2
    raise ContentError(path, 1, "the front matter has no closing '---' line")


# --- front matter: YAML, every value text ----------------------------------------------------

class _FrontMatterError(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


class _Map(dict):
    """A YAML mapping that remembers its own file line and the file line of each key."""

    line: int
    key_lines: dict

    def line_of(self, key: str) -> int:
        """The file line of ``key``, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


_TEXT_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq",
              "tag:yaml.org,2002:null"}
_COMMENT_AFTER = re.compile(r"[ \t]+#")


MAX_DEPTH = 20     # YAML nesting of a front matter: deeper is refused (Python's recursion limit)


class _Loader(yaml.SafeLoader):
    """YAML with no implicit typing: every plain value is text (an empty one is null),
    duplicate keys, explicit tags and comments that cut a value are errors
    (:class:`_FrontMatterError`), and mappings are :class:`_Map` with file lines.

    ``source_lines`` are the front matter's lines; ``first_line`` the file line of the first.
    """

    yaml_implicit_resolvers: dict = {}
    source_lines: list[str] = []
    first_line = 2

    def file_line(self, mark) -> int:
        return self.first_line + mark.line

    def construct_object(self, node, deep=False):
        if node.tag not in _TEXT_TAGS:
            raise _FrontMatterError(self.file_line(node.start_mark),
                                    f"YAML tag {node.tag!r} is not used in articles: remove it "
                                    "(every value is text)")
        return super().construct_object(node, deep=deep)

    depth = 0

    def compose_node(self, parent, index):
        event = self.peek_event()
        if self.depth >= MAX_DEPTH:
            raise _FrontMatterError(self.file_line(event.start_mark),
                                    f"front matter is nested more than {MAX_DEPTH} levels deep: "
                                    "articles use at most three (figures, quotes, byline)")
        self.depth += 1
        try:
            return self._compose_checked(event, parent, index)
        finally:
            self.depth -= 1

    def _compose_checked(self, event, parent, index):
        if getattr(event, "anchor", None) is not None:
            sign = "*" if isinstance(event, yaml.AliasEvent) else "&"
            raise _FrontMatterError(self.file_line(event.start_mark),
                                    f"YAML reads '{sign}{event.anchor}' as an anchor or alias, "
                                    "not text: put the whole value in quotes")
        return super().compose_node(parent, index)

    def construct_scalar(self, node):
        value = _join_surrogates(super().construct_scalar(node))
        problem = xml_problem(value)
        if problem:  # written as an escape in a double-quoted value ("\v", "\u0000")
            raise _FrontMatterError(self.file_line(node.start_mark),
                                    f"{problem} cannot be published: delete it")
        if node.style is None:
            rest = _line(self.source_lines, node.end_mark.line)[node.end_mark.column:]
            if _COMMENT_AFTER.match(rest) or (value == "" and rest.lstrip().startswith("#")):
                raise _FrontMatterError(self.file_line(node.end_mark), _cut_message(value, rest))
        if node.start_mark.line != node.end_mark.line and node.style != "|":
            value = _refold(node, value, self.source_lines, self.file_line(node.start_mark))
        return value

    def construct_mapping(self, node, deep=False):
        seen: dict[str, int] = {}
        for key_node, _ in node.value:
            key = key_node.value
            if key in seen:
                raise _FrontMatterError(self.file_line(key_node.start_mark),
                                        f"duplicate key {key!r} (first on line {seen[key]}): "
                                        "keep one, YAML would silently use the last")
            seen[key] = self.file_line(key_node.start_mark)
        mapping = _Map(super().construct_mapping(node, deep=deep))
        mapping.line, mapping.key_lines = self.file_line(node.start_mark), seen
        return mapping


_Loader.add_implicit_resolver("tag:yaml.org,2002:null", re.compile(r"^$"), [""])
_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_mapping)


def _join_surrogates(value: str) -> str:
    """A double-quoted value may write a character beyond U+FFFF as a UTF-16 surrogate pair
    of escapes (``"\\ud840\\udc00"``, as JSON does); PyYAML keeps the two halves apart."""
    try:
        return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
    except UnicodeDecodeError:  # a lone surrogate: refused by the character check
        return value


def _line(lines: list[str], n: int) -> str:
    return lines[n] if n < len(lines) else ""


def _cut_message(value: str, rest: str) -> str:
    whole = (value + rest).strip()
    return (f"YAML reads ' #' as the start of a comment, so this value would be cut to "
            f"{value!r}: put the whole value in quotes, e.g. \"{whole}\" (or move the comment "
            "to a line of its own)")


def _segments(node, lines: list[str]) -> list[str]:
    """The source lines of a multi-line scalar, stripped, without quotes or indicator."""
    start, end = node.start_mark, node.end_mark
    raw = [_line(lines, n) for n in range(start.line, end.line + 1)]
    raw[-1] = raw[-1][:end.column]
    raw[0] = raw[0][start.column:]
    if node.style in ("'", '"'):
        raw[0], raw[-1] = raw[0][1:], raw[-1][:-1]
    elif node.style == ">":
        raw = raw[1:]
    segments = [s.strip(" \t") for s in raw]
    while segments and not segments[-1]:
        segments.pop()
    return segments


def _fold(segments: list[str], cjk_aware: bool) -> str:
    """YAML line folding: a break between two text lines is a space (nothing between two CJK
    characters when ``cjk_aware``); each empty line is a line feed."""
    out, newlines = "", 0
    for seg in segments:
        if not seg:
            newlines += 1
            continue
        if out:
            joiner = "\n" * newlines or (
                "" if cjk_aware and joins_without_space(out[-1], seg[0]) else " ")
            out += joiner
        out, newlines = out + seg, 0
    return out


def _refold(node, value: str, lines: list[str], line: int) -> str:
    """``value`` folded over several lines, without the spaces YAML put between Chinese
    characters at the line breaks; refuses a value it cannot refold exactly."""
    segments = _segments(node, lines)
    if node.style == "'":
        segments = [s.replace("''", "'") for s in segments]
    spaced, joined = _fold(segments, False), _fold(segments, True)
    if spaced == joined:
        return value
    if spaced == value.rstrip("\n"):
        return joined
    raise _FrontMatterError(line, "this value is folded over several lines with escapes YAML "
                            "would turn into spaces between Chinese characters: write it on "
                            "one line")


_KEY_HINTS = [
    (re.compile(r"^\s*[A-Za-z_-]+\s*："), "after a key use a half-width colon ':' (found '：')"),
    (re.compile(r"^[ \t]*\u3000"), "indent with half-width spaces, not full-width ones (U+3000)"),
    (re.compile(r"^ *\t"), "indent with spaces, not tabs"),
]


_QUOTED_VALUE = re.compile(r"^\s*(?:-\s+)?[^\s:#][^:]*:\s+(?P<q>[\"'])(?P<rest>.*)$")


def _unclosed_quote(lines: list[str], before: int) -> int | None:
    """Index of the first of ``lines[:before + 1]`` whose value opens a quoted string that
    does not close on that line (YAML then reads on until the next quote and fails further
    down, where the editor's mistake is not), or None."""
    for n, line in enumerate(lines[:before + 1]):
        m = _QUOTED_VALUE.match(line)
        if not m:
            continue
        rest = m["rest"]
        if m["q"] == '"':
            closed = re.search(r'(?<!\\)(?:\\\\)*"', rest) is not None
        else:
            closed = "'" in rest.replace("''", "")
        if not closed:
            return n
    return None


def _load_front_matter(path: Path, fm_text: str) -> _Map:
    lines = fm_text.split("\n")
    for n, line in enumerate(lines):
        for pattern, hint in _KEY_HINTS:
            if pattern.match(line):
                raise ContentError(path, n + 2, f"front matter: {hint}")
    loader = _Loader(fm_text)
    loader.source_lines = lines
    try:
        meta = loader.get_single_data()
    except _FrontMatterError as exc:
        raise ContentError(path, exc.line, exc.message) from None
    except RecursionError:   # a flow collection ([[[...]]]) nests inside one scanner call
        raise ContentError(path, 2, f"front matter is nested more than {MAX_DEPTH} levels "
                                    "deep: articles use at most three") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        opened = _unclosed_quote(lines, mark.line if mark else len(lines))
        if opened is not None:
            raise ContentError(path, opened + 2, "front matter: the quotation mark that opens "
                                                 "this value is never closed on its line: add "
                                                 "the closing one") from None
        raise ContentError(path, mark.line + 2 if mark else 1,
                           f"front matter is not valid YAML: {getattr(exc, 'problem', exc)} "
                           "(a value containing ': ' or starting with one of [ ] { } * & ! | > "
                           "' \" % @ ` needs quotes)") from None
    finally:
        loader.dispose()
    if not isinstance(meta, _Map):
        raise ContentError(path, 2, "front matter must be a YAML mapping (key: value lines)")
    return meta


# --- blocks -----------------------------------------------------------------------------------

def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


class _Builder:
    """Creates blocks with unique stable ids for one file and reports errors with positions."""

    def __init__(self, path: Path, slug: str):
        self.path, self.slug = path, slug
        self.seen: set[str] = set()

    def error(self, line: int | None, message: str) -> ContentError:
        return ContentError(self.path, line, message)

    def block(self, kind: Kind, text, line: int, what: str | None = None) -> Block:
        """Make a block at file line ``line``; its id is the kind's fixed id or
        ``<prefix>-<digest of the text>``, made unique with ``-2``, ``-3``... ."""
        if not isinstance(text, str) or not text.strip():
            raise self.error(line, f"{what or kind} must be non-empty text")
        text = text.strip()
        base = kind.fixed_id or f"{kind.prefix}-{_digest(text)}"
        block_id, n = base, 2
        while block_id in self.seen:  # the same text twice: keep both, distinct anchors
            block_id, n = f"{base}-{n}", n + 1
        self.seen.add(block_id)
        return Block(kind, block_id, text, line, f"{self.slug}/{block_id}")

    def optional(self, mapping: _Map, key: str, kind: Kind, what: str) -> Block | None:
        if mapping.get(key) is None:
            return None
        return self.block(kind, mapping[key], mapping.line_of(key), what)

    def items(self, mapping: _Map, key: str) -> list[_Map]:
        """The list of mappings under ``key`` (empty when absent)."""
        items = mapping.get(key)
        if items is None:
            return []
        if not isinstance(items, list) or not all(isinstance(i, _Map) for i in items):
            raise self.error(mapping.line_of(key),
                             f"{key} must be a list of mappings ('- key: value')")
        return items

    def section(self, mapping: _Map, key: str, needs: str) -> _Map | None:
        value = mapping.get(key)
        if value is not None and not isinstance(value, _Map):
            raise self.error(mapping.line_of(key), f"{key} must have {needs}")
        return value


KNOWN_KEYS = ("title", "subtitle", "byline", "note", "figures", "quotes", "published", "updated")


def _check_keys(meta: _Map, b: _Builder) -> None:
    for key in meta:
        if key not in KNOWN_KEYS:
            raise b.error(meta.line_of(key), f"unknown front matter key {key!r} (known: "
                          f"{', '.join(KNOWN_KEYS)})")
    if "title" not in meta:
        raise b.error(1, "front matter has no 'title'")


# Years an article's published/updated date may have: a news date, never the calendar's edge
# (0001-01-01 or 9999-12-31 overflow when converted between time zones for feeds and lists).
DATE_YEARS = (1900, 2999)


def _date(meta: _Map, key: str, b: _Builder) -> dates.DateValue | None:
    value = meta.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise b.error(meta.line_of(key), f"{key} must be a date like 2026-11-29")
    try:
        parsed = dates.parse(value)
    except ValueError as exc:
        raise b.error(meta.line_of(key), f"{key} must be a date like 2026-11-29: {exc}") from None
    if not DATE_YEARS[0] <= parsed.year <= DATE_YEARS[1]:
        raise b.error(meta.line_of(key), f"{key}: the year {parsed.year} is outside "
                                         f"{DATE_YEARS[0]}-{DATE_YEARS[1]} (a typo?)")
    return parsed


_NAME_SEPARATORS = re.compile("[，、,;；]")


def _byline(meta: _Map, b: _Builder) -> tuple[Block | None, tuple[Block, ...]]:
    byline = b.section(meta, "byline", "'label' and 'authors'")
    if byline is None:
        return None, ()
    label = b.optional(byline, "label", Kind.BYLINE, "byline label")
    names = byline.get("authors")
    line = byline.line_of("authors")
    if not isinstance(names, list) or not names:
        raise b.error(line, "byline needs a non-empty 'authors' list, e.g. [师杰, 王冰莹]")
    for name in names:
        if isinstance(name, str) and _NAME_SEPARATORS.search(name):
            raise b.error(line, f"author {name!r} holds several names: separate them with "
                          "half-width commas, [师杰, 王冰莹], or put one '- name' per line")
    return label, tuple(b.block(Kind.AUTHOR, n, line, "author") for n in names)


def _figures(meta: _Map, b: _Builder) -> tuple[Figure, ...]:
    figures = []
    for fig in b.items(meta, "figures"):
        cap = b.block(Kind.CAPTION, fig.get("caption"), fig.line_of("caption"), "figure caption")
        image, alt = fig.get("image"), None
        if image is not None:
            if not isinstance(image, str) or ".." in image or image.startswith("/"):
                raise b.error(fig.line_of("image"),
                              "figure image must be a path under the photos folder (photos/)")
            alt = b.block(Kind.ALT, fig.get("alt"), fig.line_of("alt" if "alt" in fig else "image"),
                          "figure alt text (required with an image)")
        credit = b.optional(fig, "credit", Kind.CREDIT, "figure credit")
        figures.append(Figure(cap, image, alt, fig.line_of("image") if image else 0, credit))
    return tuple(figures)


def _quotes(meta: _Map, b: _Builder) -> tuple[Block | None, tuple[Quote, ...]]:
    section = b.section(meta, "quotes", "'heading' and 'items'")
    if section is None:
        return None, ()
    heading = b.optional(section, "heading", Kind.QUOTES_HEADING, "quotes heading")
    quotes = []
    for item in b.items(section, "items"):
        text = b.block(Kind.QUOTE, item.get("text"), item.line_of("text"), "quote text")
        # a missing key is reported at the item's first line
        speaker = b.block(Kind.SPEAKER, item.get("speaker"), item.line_of("speaker"),
                          "quote speaker")
        role = b.block(Kind.ROLE, item.get("role"), item.line_of("role"), "quote role")
        quotes.append(Quote(text.id, speaker, role, text))
    return heading, tuple(quotes)



# --- body -------------------------------------------------------------------------------------

_UNSUPPORTED = {
    "bullet_list_open": "bullet list", "ordered_list_open": "ordered list",
    "blockquote_open": "blockquote", "code_block": "code block", "fence": "code block (```)",
    "html_block": "html block", "hr": "thematic break (---, ***)", "table_open": "table",
}


def _parse_body(body_text: str, first_line: int, b: _Builder) -> list[Block]:
    """Turn the Markdown body into heading and paragraph blocks; reject anything else."""
    prepared, origin = prepare_body(body_text)
    tokens = _MD_BLOCKS.parse(prepared)
    blocks: list[Block] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        line = first_line + origin[tok.map[0]] if tok.map else first_line
        if tok.type == "heading_open":
            _check_heading(tok, line, b)
            blocks.append(b.block(Kind.HEADING, tokens[i + 1].content, line, "heading"))
        elif tok.type == "paragraph_open":
            _check_inline(tokens[i + 1], line, b)
            blocks.append(b.block(Kind.PARAGRAPH, tokens[i + 1].content, line, "paragraph"))
        else:
            what = _UNSUPPORTED.get(tok.type, tok.type.removesuffix("_open").replace("_", " "))
            raise b.error(line, f"unsupported Markdown in the body: {what}; "
                          "only paragraphs and ##/### headings are allowed")
        i += 3
    return blocks


def _check_heading(tok, line: int, b: _Builder) -> None:
    if tok.markup in ("=", "-"):
        raise b.error(line, "a line of '---' or '===' under text makes it a heading in "
                      "Markdown: write headings as '## 小标题', and leave a blank line "
                      "before a separator (separators are not allowed in the body)")
    if tok.tag not in ("h2", "h3"):
        raise b.error(line, f"unsupported Markdown in the body: heading level {tok.tag} "
                      "(use ## or ###; the title is in the front matter)")


def _check_inline(inline, line: int, b: _Builder) -> None:
    for child in inline.children or ():
        if child.type == "image":
            raise b.error(line, "images are not allowed in the body text; add them as "
                          "figures in the front matter (image + alt + caption)")
        if child.type == "html_inline":
            raise b.error(line, f"raw HTML {child.content!r} is not allowed in the body: use "
                          "**bold**, *italic* or [a link](https://...)")


# --- the article ------------------------------------------------------------------------------

def _check_rendered(article: Article, b: _Builder) -> None:
    """A numeric character reference can stand for a character XML refuses (``&#12;``)."""
    for block in article.blocks:
        if "&#" in block.text:
            problem = xml_problem(render_inline(block.text))
            if problem:
                raise b.error(block.line, f"a character reference (&#...;) stands for "
                              f"{problem}, which cannot be published: delete it")


def _slug_problem(path: Path) -> str | None:
    if path.suffix != ARTICLE_SUFFIX:
        return (f"an article file name ends in '{ARTICLE_SUFFIX}' (lowercase): rename it to "
                f"{_suggest_slug(path.stem)}{ARTICLE_SUFFIX}")
    if not SLUG_RE.match(path.stem):
        return (f"file name {path.name!r} is not a valid slug (lowercase letters, digits and "
                f"single hyphens; it becomes the URL): rename it, e.g. to "
                f"{_suggest_slug(path.stem)}{ARTICLE_SUFFIX}")
    return None


def _suggest_slug(stem: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")
    return slug or "article-name"


def parse_article(path: Path | str, text: str | None = None) -> Article:
    """Parse one article file into an :class:`Article`.

    :param path: the file (``content/<slug>.md``); its stem is the slug (lowercase letters,
        digits and hyphens).
    :param text: the file's text; read from ``path`` (UTF-8) when omitted.
    :raises ContentError: for any malformed input (bad slug, undecodable bytes, characters
        HTML/XML cannot carry, bad YAML or a value YAML would cut or retype, a duplicate or
        unknown key, missing title, a bad date, a quote without speaker/role/text, a figure
        image without alt text, an unsupported Markdown construct such as a list, table or
        raw HTML), naming the file and line.
    """
    path = Path(path)
    problem = _slug_problem(path)
    if problem:
        raise ContentError(path, None, problem)
    text = read_article(path) if text is None else _normalise(text)
    _check_characters(path, text)
    fm_text, body_text, body_start = _split_front_matter(path, text)
    meta = _load_front_matter(path, fm_text)
    b = _Builder(path, path.stem)
    _check_keys(meta, b)
    title = b.block(Kind.TITLE, meta["title"], meta.line_of("title"), "title")
    subtitle = b.optional(meta, "subtitle", Kind.SUBTITLE, "subtitle")
    note = b.optional(meta, "note", Kind.NOTE, "note")
    published, updated = _date(meta, "published", b), _date(meta, "updated", b)
    byline_label, authors = _byline(meta, b)
    figures = _figures(meta, b)
    quotes_heading, quotes = _quotes(meta, b)
    body = tuple(_parse_body(body_text, body_start, b))
    article = Article(slug=path.stem, path=path, title=title, subtitle=subtitle,
                      byline_label=byline_label, authors=authors, note=note, figures=figures,
                      body=body, quotes_heading=quotes_heading, quotes=quotes,
                      published=published, updated=updated)
    _check_rendered(article, b)
    return article


def read_article(path: Path | str) -> str:
    """The text of an article file (:func:`decode_article` of its bytes).

    :raises ContentError: when it cannot be read (a broken link, permissions) or decoded.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ContentError(path, None, f"cannot read the file: {exc.strerror}") from None
    return decode_article(path, data)


def render_inline(text: str) -> str:
    """Render inline Markdown (emphasis, links, code) to HTML; raw HTML is escaped.

    Input is source or translated text (``str``); output is an HTML fragment (``str``) that is
    safe to mark as Markup. Rules: CommonMark 0.31.2 (markdown-it-py, ``html`` disabled, no
    images) with the Chinese-editor rules of :mod:`webapp.cjk_markdown` (emphasis next to
    full-width punctuation, no space at a line break between Chinese characters).
    """
    return _MD.renderInline(text)


# --- the content folder -----------------------------------------------------------------------

def is_ignored(name: str) -> bool:
    """Names in ``content/`` that are not articles, on purpose: dotfiles and dot-folders
    (``.DS_Store``, ``.git``, ``.drafts/``, Vim's ``.x.md.swp``), editor backups (``x.md~``,
    Emacs ``#x.md#``) and the folder's README (``README.md``, any case)."""
    return (name.startswith(".") or name.endswith("~")
            or (name.startswith("#") and name.endswith("#")) or name.lower() in IGNORED_NAMES)


def _entry_problem(entry: Path) -> str | None:
    """Why ``entry`` (in the content folder, not ignored) cannot be an article, or None."""
    if entry.is_symlink() and not entry.exists():
        return (f"broken symbolic link (to {entry.readlink()}): restore its target or "
                "delete the link")
    if entry.is_symlink():
        return ("is a symbolic link: refused (it would publish the file it points to, maybe "
                "from outside content/, or a second copy under another URL); copy the file in")
    if entry.is_dir():
        return ("folders in content/ are not read: move its articles to content/<slug>.md "
                "(a folder whose name starts with '.', e.g. content/.drafts/, is ignored)")
    if not entry.is_file():
        return "not a regular file: content/ holds only <slug>.md article files"
    if entry.suffix.lower() not in MARKDOWN_SUFFIXES:
        return ("not an article: content/ holds only <slug>.md files (photos go under "
                "photos/, notes in a folder whose name starts with '.')")
    return _slug_problem(entry)


def find_article_files(content_dir: Path | str) -> list[Path]:
    """The article files of ``content_dir``, sorted by name: every ``<slug>.md`` directly in
    it (a symbolic link is refused: issue 22).

    Ignored on purpose (see :func:`is_ignored`): dotfiles and dot-folders, editor backups,
    ``README.md``. Everything else is an article or an error: a folder, another Markdown
    spelling (``x.MD``, ``x.markdown``), a file name that is not a slug, a broken link, any
    other file.

    :raises ContentErrors: listing every such entry (``path: message`` each).
    :raises ContentError: when the folder does not exist or holds no article.
    """
    directory = Path(content_dir)
    if not directory.is_dir():
        raise ContentError(directory, None, "the content folder does not exist")
    found, problems = [], []
    for entry in sorted(directory.iterdir()):
        if is_ignored(entry.name):
            continue
        problem = _entry_problem(entry)
        if problem:
            problems.append(ContentError(entry, None, problem))
        else:
            found.append(entry)
    if problems:
        raise ContentErrors(problems)
    if not found:
        raise ContentError(directory, None, "no article (<slug>.md) found")
    return found


@functools.lru_cache(maxsize=8)
def _article_files_cached(directory: str, mtime_ns: int) -> tuple[Path, ...]:
    return tuple(find_article_files(directory))


def article_files_for(directory: Path | str) -> tuple[Path, ...]:
    """:func:`find_article_files`, remembered while the folder's listing is unchanged (its
    modification time), for callers that ask once per file (the Babel extractor)."""
    if not Path(directory).is_dir():
        return tuple(find_article_files(directory))  # raises ContentError
    return _article_files_cached(str(directory), Path(directory).stat().st_mtime_ns)


def load_articles(directory: Path | str) -> dict[str, Article]:
    """Load every article of ``directory`` (:func:`find_article_files`), newest first.

    Order: by :attr:`Article.listing_date` (``published``, else ``updated``), newest first on
    one timeline (:func:`webapp.dates.sort_key`), then undated ones; ties by slug.
    :raises ContentErrors: listing every malformed file and folder entry, each with its line.
    :raises ContentError: when the folder is missing or has no article.
    """
    articles, problems = [], []
    for path in find_article_files(directory):
        try:
            articles.append(parse_article(path))
        except ContentError as exc:
            problems.append(exc)
    if problems:
        raise problems[0] if len(problems) == 1 else ContentErrors(problems)
    articles.sort(key=_listing_order)
    return {a.slug: a for a in articles}


def _listing_order(article: Article) -> tuple:
    when = article.listing_date
    stamp = -dates.sort_key(when).timestamp() if when is not None else 0.0
    return (when is None, stamp, article.slug)



def main(argv: list[str] | None = None) -> int:
    """Check every article of a folder (``argv[0]``, default ``content``) as start-up does,
    for a command line or a build step: prints each problem as ``path:line: message`` on
    stderr (no traceback) and returns 1, or prints the number of articles and returns 0.
    (``webapp/__init__.py`` imports this module, so run it through a caller, e.g.
    ``python -c 'import sys, webapp.content as c; sys.exit(c.main())'``, not ``-m``.)"""
    import sys

    args = sys.argv[1:] if argv is None else argv
    try:
        articles = load_articles(args[0] if args else "content")
    except ContentError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(f"{len(articles)} articles OK")
    return 0

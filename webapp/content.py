"""Load and validate articles from ``content/<slug>.md``.

An article file is UTF-8 text: a YAML front matter block between two ``---`` lines, holding
the structured parts (title, subtitle, byline, editor's note, figures, quotes), then a
Markdown body holding the running text (paragraphs and ``##``/``###`` headings). The format
is documented for editors in README.md.

Every translatable piece of text becomes a :class:`Block` with a stable id derived from its
own Chinese source text, so editing one paragraph never changes the id (or the translation)
of another.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from markdown_it import MarkdownIt

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_MD = MarkdownIt("commonmark", {"html": False}).disable("image")  # renders text: raw HTML escaped, no images
_MD_BLOCKS = MarkdownIt("commonmark", {"html": True})  # finds blocks: raw HTML is reported


class ContentError(ValueError):
    """A content file is malformed. ``str()`` names the file and line: ``path:line: message``."""

    def __init__(self, path: Path | str, line: int | None, message: str):
        self.path, self.line, self.message = str(path), line, message
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Block:
    """One translatable unit of an article.

    ``kind`` is the role (title, subtitle, byline, author, note, caption, heading, paragraph,
    quotes-heading, speaker, role, quote); ``id`` is the stable HTML anchor; ``text`` the
    Chinese source (inline Markdown allowed in paragraphs and quotes); ``line`` the 1-based
    line in the content file; ``msgctxt`` the gettext context, ``<slug>/<id>``.
    """

    kind: str
    id: str
    text: str
    line: int
    msgctxt: str


@dataclass(frozen=True)
class Figure:
    """A figure: a caption block and, optionally, an image (path under ``static/``) with alt text."""

    caption: Block
    image: str | None = None
    alt: Block | None = None
    image_line: int = 0       # line of ``image:`` in the file, for errors about the file


@dataclass(frozen=True)
class Quote:
    """An attributed quote: speaker name, speaker role/organisation and quote text."""

    id: str
    speaker: Block
    role: Block
    text: Block


@dataclass(frozen=True)
class Article:
    """A parsed article. ``body`` holds heading and paragraph blocks in reading order."""

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
    published: dt.date | None = None
    updated: dt.date | None = None   # when our copy was last edited (feeds, dateModified)
    blocks: tuple[Block, ...] = field(default=(), compare=False)

    @property
    def listing_date(self):
        """The date the article is listed with: ``published``, else ``updated``, else None."""
        return self.published if self.published is not None else self.updated

    def __post_init__(self) -> None:
        ordered: list[Block] = [self.title]
        ordered += [b for b in (self.subtitle, self.byline_label) if b]
        ordered += list(self.authors)
        if self.note:
            ordered.append(self.note)
        for fig in self.figures:
            ordered += [b for b in (fig.caption, fig.alt) if b]
        ordered += list(self.body)
        if self.quotes_heading:
            ordered.append(self.quotes_heading)
        for q in self.quotes:
            ordered += [q.speaker, q.role, q.text]
        object.__setattr__(self, "blocks", tuple(ordered))


class _LineLoader(yaml.SafeLoader):
    """A YAML loader that records the 1-based line of each mapping and of each of its values,
    and turns an impossible date (``2023-13-45``) into a YAML error at that date's line."""

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:
            raise yaml.constructor.ConstructorError(
                None, None, f"invalid date {node.value!r}: {exc}", node.start_mark) from exc

    def construct_mapping(self, node, deep=False):
        mapping = super().construct_mapping(node, deep=deep)
        mapping["__line__"] = node.start_mark.line + 1
        mapping["__lines__"] = {
            k.value: v.start_mark.line + 1 for k, v in node.value if isinstance(k, yaml.ScalarNode)
        }
        return mapping


_LineLoader.add_constructor("tag:yaml.org,2002:timestamp", _LineLoader.construct_yaml_timestamp)


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]


class _Builder:
    """Creates blocks with unique stable ids for one file and reports errors with positions."""

    PREFIX = {"paragraph": "p", "heading": "h", "caption": "fig", "alt": "alt", "author": "by",
              "quote": "q",
              "speaker": "sp", "role": "role"}

    def __init__(self, path: Path, slug: str, offset: int):
        self.path, self.slug, self.offset = path, slug, offset
        self.seen: set[str] = set()

    def error(self, line: int | None, message: str) -> ContentError:
        return ContentError(self.path, line, message)

    def block(self, kind: str, text, line: int, key: str | None = None,
              block_id: str | None = None) -> Block:
        """Make a block at file line ``line``; its id is ``block_id`` or derived from the text."""
        if not isinstance(text, str) or not text.strip():
            raise self.error(line, f"{key or kind} must be non-empty text")
        text = text.strip()
        if block_id:
            base = block_id
        elif kind in self.PREFIX:
            base = f"{self.PREFIX[kind]}-{_digest(text)}"
        else:
            base = kind
        block_id, n = base, 2
        while block_id in self.seen:  # the same text twice: keep both, distinct anchors
            block_id, n = f"{base}-{n}", n + 1
        self.seen.add(block_id)
        return Block(kind, block_id, text, line, f"{self.slug}/{block_id}")


def _field(mapping: dict, key: str, default_line: int) -> tuple[object, int]:
    return mapping.get(key), mapping.get("__lines__", {}).get(key, default_line)


def _split_front_matter(path: Path, text: str) -> tuple[str, str, int]:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise ContentError(path, 1, "the file must start with a '---' line opening the front matter")
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            return "\n".join(lines[1:i]), "\n".join(lines[i + 1:]), i + 2
    raise ContentError(path, 1, "the front matter has no closing '---' line")


def parse_article(path: Path | str, text: str | None = None) -> Article:
    """Parse one article file into an :class:`Article`.

    :param path: the file (``content/<slug>.md``); its stem is the slug (lowercase letters,
        digits and hyphens).
    :param text: the file's text; read from ``path`` as UTF-8 when omitted.
    :raises ContentError: for any malformed input (bad slug, undecodable bytes, bad YAML,
        missing title, a quote without speaker/role/text, a figure image without alt text,
        an unsupported Markdown construct such as a list, table or raw HTML), naming the file
        and line.
    """
    path = Path(path)
    slug = path.stem
    if not SLUG_RE.match(slug):
        raise ContentError(path, None, f"file name {path.name!r} is not a valid slug "
                           "(lowercase letters, digits and single hyphens)")
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise ContentError(path, None, f"not valid UTF-8 ({exc.reason} at byte {exc.start})")
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    fm_text, body_text, body_start = _split_front_matter(path, text)
    try:
        meta = yaml.load(fm_text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ContentError(path, mark.line + 2 if mark else 1,
                           f"front matter is not valid YAML: {getattr(exc, 'problem', exc)}")
    if not isinstance(meta, dict):
        raise ContentError(path, 2, "front matter must be a YAML mapping (key: value lines)")
    b = _Builder(path, slug, offset=1)

    def line_of(mapping: dict, key: str) -> int:  # YAML lines are relative to line 2 of the file
        return _field(mapping, key, mapping.get("__line__", 0))[1] + 1

    known = {"title", "subtitle", "byline", "note", "figures", "quotes", "published", "updated",
             "__line__", "__lines__"}
    for key in meta:
        if key not in known:
            raise b.error(line_of(meta, key), f"unknown front matter key {key!r}")
    if "title" not in meta:
        raise b.error(1, "front matter has no 'title'")
    title = b.block("title", meta["title"], line_of(meta, "title"), "title")
    subtitle = (b.block("subtitle", meta["subtitle"], line_of(meta, "subtitle"), "subtitle")
                if meta.get("subtitle") is not None else None)
    note = (b.block("note", meta["note"], line_of(meta, "note"), "note")
            if meta.get("note") is not None else None)

    published = meta.get("published")
    if published is not None and not isinstance(published, dt.date):
        raise b.error(line_of(meta, "published"), "published must be a date like 2023-01-30")
    updated = meta.get("updated")
    if updated is not None and not isinstance(updated, dt.date):
        raise b.error(line_of(meta, "updated"), "updated must be a date like 2026-11-29")

    byline_label, authors = None, ()
    if meta.get("byline") is not None:
        byline = meta["byline"]
        if not isinstance(byline, dict):
            raise b.error(line_of(meta, "byline"), "byline must have 'label' and 'authors'")
        if byline.get("label") is not None:
            byline_label = b.block("byline", byline["label"], line_of(byline, "label"),
                                       "byline label", block_id="byline-label")
        names = byline.get("authors")
        if not isinstance(names, list) or not names:
            raise b.error(line_of(byline, "authors"), "byline needs a non-empty 'authors' list")
        authors = tuple(b.block("author", n, line_of(byline, "authors"), "author") for n in names)

    figures = []
    for fig in _list(meta, "figures", b, line_of):
        cap = b.block("caption", fig.get("caption"), line_of(fig, "caption"), "figure caption")
        image, alt = fig.get("image"), None
        if image is not None:
            if not isinstance(image, str) or ".." in image or image.startswith("/"):
                raise b.error(line_of(fig, "image"), "figure image must be a path under static/")
            alt = b.block("alt", fig.get("alt"), line_of(fig, "alt" if "alt" in fig else "image"),
                          "figure alt text (required with an image)")
        figures.append(Figure(cap, image, alt, line_of(fig, "image") if image else 0))

    quotes_heading, quotes = None, []
    if meta.get("quotes") is not None:
        section = meta["quotes"]
        if not isinstance(section, dict):
            raise b.error(line_of(meta, "quotes"), "quotes must have 'heading' and 'items'")
        if section.get("heading") is not None:
            quotes_heading = b.block("quotes-heading", section["heading"],
                                     line_of(section, "heading"), "quotes heading")
        for item in _list(section, "items", b, line_of):
            text = b.block("quote", item.get("text"), line_of(item, "text"), "quote text")
            qid = text.id
            speaker = b.block("speaker", item.get("speaker"),
                              line_of(item, "speaker") if "speaker" in item else item["__line__"] + 1,
                              "quote speaker")
            role = b.block("role", item.get("role"),
                           line_of(item, "role") if "role" in item else item["__line__"] + 1,
                           "quote role")
            quotes.append(Quote(qid, speaker, role, text))

    body = _parse_body(body_text, body_start, b)
    return Article(slug=slug, path=path, title=title, subtitle=subtitle,
                   byline_label=byline_label, authors=authors, note=note,
                   figures=tuple(figures), body=tuple(body), quotes_heading=quotes_heading,
                   quotes=tuple(quotes), published=published, updated=updated)


def _list(mapping: dict, key: str, b: _Builder, line_of) -> list[dict]:
    items = mapping.get(key)
    if items is None:
        return []
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise b.error(line_of(mapping, key), f"{key} must be a list of mappings ('- key: value')")
    return items


def _parse_body(body_text: str, first_line: int, b: _Builder) -> list[Block]:
    """Turn the Markdown body into heading and paragraph blocks; reject anything else."""
    blocks: list[Block] = []
    tokens = _MD_BLOCKS.parse(body_text)
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        line = first_line + (tok.map[0] if tok.map else 0)
        if tok.type == "heading_open" and tok.tag in ("h2", "h3"):
            blocks.append(b.block("heading", tokens[i + 1].content, line, "heading"))
            i += 3
        elif tok.type == "paragraph_open":
            if any(child.type == "image" for child in tokens[i + 1].children or ()):
                raise b.error(line, "images are not allowed in the body text; add them as "
                              "figures in the front matter (image + alt + caption)")
            blocks.append(b.block("paragraph", tokens[i + 1].content, line, "paragraph"))
            i += 3
        else:
            what = {"heading_open": f"heading level {tok.tag} (use ## or ###; the title is "
                    "in the front matter)"}.get(tok.type, tok.type.replace("_open", "").replace("_", " "))
            raise b.error(line, f"unsupported Markdown in the body: {what}; "
                          "only paragraphs and ##/### headings are allowed")
    return blocks


def render_inline(text: str) -> str:
    """Render inline Markdown (emphasis, links, code) to HTML; raw HTML is escaped.

    Input is source or translated text (``str``); output is an HTML fragment (``str``) that is
    safe to mark as Markup. Rules: CommonMark (markdown-it-py, ``html`` disabled).
    """
    return _MD.renderInline(text)


def check_figure_images(articles: dict[str, Article], static_files) -> None:
    """Fail unless every figure's image is a file under ``static/``.

    :param static_files: the source paths of the static files (``"images/a.jpg"``, ...).
    :raises ContentError: naming the article file and the ``image:`` line of a missing image.
    """
    for article in articles.values():
        for fig in article.figures:
            if fig.image and fig.image not in static_files:
                raise ContentError(article.path, fig.image_line,
                                   f"figure image static/{fig.image} does not exist")


def find_article_files(directory: Path | str) -> list[Path]:
    """The article files of ``directory``: ``*.md`` directly inside it, sorted by name."""
    return sorted(Path(directory).glob("*.md"))


def load_articles(directory: Path | str) -> dict[str, Article]:
    """Load every ``*.md`` file in ``directory``, newest first.

    Order: articles with a ``published`` date, newest first, then undated ones by slug.
    :raises ContentError: for the first malformed file, or when the folder has no article.
    """
    directory = Path(directory)
    articles = [parse_article(p) for p in find_article_files(directory)]
    if not articles:
        raise ContentError(directory, None, "no article (*.md) found")
    articles.sort(key=lambda a: (a.published is None, -(a.published.toordinal() if a.published else 0), a.slug))
    return {a.slug: a for a in articles}

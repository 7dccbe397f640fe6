"""Babel extraction method for article files (``content/*.md``).

Registered in ``babel.cfg`` under ``[extractors]``; ``pybabel extract`` calls it once per file.
One message per block, as Sphinx's gettext builder does for documents: msgid is the block's
Chinese source text, msgctxt is ``<slug>/<block id>``, and an extracted comment tells the
translator what the block is.
"""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO, Iterator

from webapp.content import parse_article

ROLE_NOTES = {
    "title": "Headline", "subtitle": "Subtitle (standfirst)", "byline": "Byline label",
    "author": "Reporter's name (pinyin)", "note": "Editor's note", "caption": "Photo caption",
    "alt": "Image alt text", "heading": "Section heading", "paragraph": "Body paragraph",
    "quotes-heading": "Heading of the quotes section", "speaker": "Quote: speaker's name",
    "role": "Quote: speaker's role and organisation", "quote": "Quote: text",
}


def extract_article(fileobj: BinaryIO, keywords, comment_tags, options) -> Iterator[tuple]:
    """Yield ``(lineno, "pgettext", (msgctxt, msgid), [comment])`` for every block of one article.

    :param fileobj: the article file opened in binary mode by Babel (UTF-8 bytes).
    :param keywords, comment_tags, options: Babel's extractor arguments (unused but accepted).
    :raises webapp.content.ContentError: when the file is malformed (file and line named), so
        ``pybabel extract`` fails loudly instead of writing an incomplete catalog.
    Protocol: Babel's ``babel.messages.extract`` custom extraction methods.
    """
    path = Path(getattr(fileobj, "name", "article.md"))
    article = parse_article(path, fileobj.read().decode("utf-8"))
    paragraphs = [b for b in article.body if b.kind == "paragraph"]
    for block in article.blocks:
        note = ROLE_NOTES.get(block.kind, block.kind)
        if block.kind == "paragraph":
            note += f" {paragraphs.index(block) + 1} of {len(paragraphs)}"
        yield block.line, "pgettext", (block.msgctxt, block.text), [note]

"""Babel extraction method for article files (``content/<slug>.md``).

Registered in ``babel.cfg`` under ``[extractors]``; ``pybabel extract`` calls it once per file.
One message per block, as Sphinx's gettext builder does for documents: msgid is the block's
Chinese source text, msgctxt is ``<slug>/<block id>``, and an extracted comment tells the
translator what the block is (:attr:`webapp.content.Kind.note`).

The extractor and the loader agree on what an article is: before extracting a file it asks
:func:`webapp.content.find_article_files` about the file's content folder, so a folder the
app would refuse to start with (a subfolder, ``x.MD``, a broken link, a non-slug name) makes
the extraction fail with the same ``path: message`` lines, and a file the loader ignores on
purpose (``README.md``) yields no message. The content folder is the ``content_dir`` option of
the mapping section in ``babel.cfg`` (``[article: content/**.md]`` / ``content_dir = content``),
else ``JINTAN_CONTENT_DIR`` or the app's default when the file is inside it, else the file's
own folder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO, Iterator

from webapp.config import Defaults
from webapp.content import Kind, article_files_for, decode_article, parse_article


def content_dir_for(path: Path, options: dict) -> Path:
    """The content folder ``path`` belongs to (see the module's rules)."""
    configured = options.get("content_dir") if options else None
    if configured:
        return Path(configured)
    default = Path(os.environ.get("JINTAN_CONTENT_DIR") or Defaults.CONTENT_DIR).resolve()
    return default if default in path.resolve().parents else path.parent


def extract_article(fileobj: BinaryIO, keywords, comment_tags, options) -> Iterator[tuple]:
    """Yield ``(lineno, "pgettext", (msgctxt, msgid), [comment])`` for every block of one article.

    :param fileobj: the article file opened in binary mode by Babel (UTF-8 bytes).
    :param keywords, comment_tags: Babel's extractor arguments (unused but accepted).
    :param options: the mapping section's options; ``content_dir`` names the content folder.
    :raises webapp.content.ContentError: when the file or its content folder is malformed
        (file and line named), so ``pybabel extract`` fails loudly instead of writing an
        incomplete catalog. Files the loader ignores on purpose yield nothing.
    Protocol: Babel's ``babel.messages.extract`` custom extraction methods.
    """
    path = Path(getattr(fileobj, "name", "article.md"))
    articles = article_files_for(content_dir_for(path, options))
    if path.resolve() not in {p.resolve() for p in articles}:
        return
    article = parse_article(path, decode_article(path, fileobj.read()))
    paragraphs = [b for b in article.body if b.kind == Kind.PARAGRAPH]
    for block in article.blocks:
        note = Kind(block.kind).note
        if block.kind == Kind.PARAGRAPH:
            note += f" {paragraphs.index(block) + 1} of {len(paragraphs)}"
        yield block.line, "pgettext", (block.msgctxt, block.text), [note]

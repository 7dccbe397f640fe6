"""Estimated reading time of an article, per locale.

Chinese is measured in characters, English in words, each at a published adult reading rate:

- ``CJK_CHARS_PER_MINUTE = 255``: Trauzettel-Klosinski S., Dietz K., IReST Study Group (2012),
  "Standardized Assessment of Reading Performance: The New International Reading Speed Texts
  IReST", *Invest Ophthalmol Vis Sci* 53(9):5452–5461, doi:10.1167/iovs.11-8284, Table 2:
  Chinese 255 ± 29 characters (syllables) per minute, 25 native readers aged 18–35. IReST
  times reading *aloud*; silent reading is faster, so the Chinese estimate errs long. No
  standardised silent-reading norm for Chinese as solid as IReST was found.
- ``WORDS_PER_MINUTE = 238``: Brysbaert M. (2019), "How many words do we read per minute? A
  review and meta-analysis of reading rate", *Journal of Memory and Language* 109:104047,
  doi:10.1016/j.jml.2019.104047: silent reading of English non-fiction by adults, 238 words per
  minute (190 studies, 18,573 participants).

Mixed text (an English page with a paragraph that fell back to the Chinese source) is
measured by both counts: Han characters at the Chinese rate, Latin words at the English rate.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from markupsafe import Markup

from webapp.content import Kind

CJK_CHARS_PER_MINUTE = 255   # IReST (2012), Chinese, characters per minute
WORDS_PER_MINUTE = 238       # Brysbaert (2019), English non-fiction, silent, words per minute

# Han ideographs (CJK Unified Ideographs, Extension A, Compatibility, Extensions B–F and G):
# the characters a Chinese reader reads. Punctuation (，。“”…), digits and Latin are not counted.
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
# An English word: letters or digits, with inner apostrophes or hyphens (don't, Changzhou-based,
# 2,000). Han characters are excluded by the character class.
_WORD = re.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:[’'.,\-][A-Za-z0-9\u00c0-\u024f]+)*")


def count_units(text: str) -> tuple[int, int]:
    """Count the reading units of plain ``text``: ``(han_characters, latin_words)``.

    Han characters are ideographs only (punctuation excluded); a word is a run of Latin
    letters or digits, inner apostrophes, hyphens, points and commas included ("2,000").
    """
    return len(_HAN.findall(text)), len(_WORD.findall(text))


def reading_minutes(texts: Iterable[str]) -> int:
    """Estimated minutes to read ``texts`` (plain text or HTML fragments; tags are ignored).

    Output: ``ceil(han / CJK_CHARS_PER_MINUTE + words / WORDS_PER_MINUTE)``, at least 1 (a
    reading time of "0 min" reads as a bug). Never raises for any string input.
    """
    han = words = 0
    for text in texts:
        plain = Markup(text).striptags() if "<" in text else text
        h, w = count_units(plain)
        han, words = han + h, words + w
    return max(1, math.ceil(han / CJK_CHARS_PER_MINUTE + words / WORDS_PER_MINUTE))


# Blocks a reader reads (Kind.counted); alt text is for screen readers instead of an image,
# not read on top of the text.
COUNTED_KINDS = frozenset(kind for kind in Kind if kind.counted)


def article_minutes(article, tr: dict) -> int:
    """Reading time of ``article`` as one locale's page shows it.

    :param article: a :class:`webapp.content.Article`.
    :param tr: its rendered blocks by id in that locale (``{id: Rendered}``, see
        :func:`webapp.web.i18n.translate_block`); blocks that fell back to the source count as
        Chinese text, as the reader sees them.
    """
    return reading_minutes(str(tr[b.id].html) for b in article.blocks if b.kind in COUNTED_KINDS)

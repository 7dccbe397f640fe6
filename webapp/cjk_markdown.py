"""Markdown as a Chinese editor means it: a markdown-it-py plugin and a body-source pass.

CommonMark was written for languages that separate words with spaces. Four of its rules
misbehave on Chinese text; this module makes each give what the editor meant.

1. **Emphasis next to full-width punctuation** (:func:`cjk_friendly`, inline rule).
   ``金坛召开**“五大行动”**动员大会`` keeps its literal ``**`` under CommonMark 0.31.2 §6.2:
   a delimiter run followed by punctuation (“) is left-flanking only when preceded by
   whitespace or punctuation, and 开 is neither. We apply the "CommonMark CJK-friendly
   amendments" draft (Tatsunori Uchino, https://github.com/tats-u/markdown-cjk-friendly,
   ``specification.md``, proposed in commonmark-spec issue 650): in the flanking rules a
   *CJK character* on the other side counts like whitespace does, and CJK punctuation
   (。，「」（）) is not "punctuation" that blocks a run. Its JavaScript plugin
   (``markdown-it-cjk-friendly``) is the reference implementation. The PyPI port
   ``mdit-py-cjk-friendly`` 0.3.0 requires markdown-it-py < 4 (we use 4.3) and patches
   ``StateInline.scanDelims`` for every parser in the process, so we implement the same
   amended definitions here, for our parsers only. CJK characters: the draft's
   ``ranges.md`` (Unicode 16: East Asian Width W/F/H minus emoji, plus Hangul).
2. **A line break inside a Chinese paragraph** (:func:`cjk_friendly`, ``softbreak``
   renderer). A source line break becomes ``\\n`` in HTML, which browsers show as a space:
   ``金坛\\n常州`` reads "金坛 常州". CSS Text Module Level 3 §4.1.3 (segment break
   transformation rules) says a segment break between two East Asian Wide, Fullwidth or
   Halfwidth characters, neither Hangul, is removed; browsers do not implement it, so the
   renderer writes nothing there. Breaks next to Latin text, digits or Hangul stay spaces.
3. **Full-width spaces (U+3000) as paragraph indent** (:func:`prepare_body`). Chinese copy,
   especially pasted from Word, starts each paragraph with ``　　`` and often separates
   paragraphs by a single line break. CommonMark keeps the indent as text and joins the
   lines into one paragraph. Here a line starting with U+3000 starts a new paragraph, and
   its indent (any leading spaces, tabs, U+3000 or no-break spaces) is dropped; so is the
   leading whitespace of any body line (CommonMark would make a 4-space indent a code
   block). A line holding only whitespace of any kind (U+3000, U+00A0...) is blank.
4. **Full-width ＃ and full-width space in headings** (:func:`prepare_body`). ``＃＃ 小标题``
   and ``##　小标题`` (U+3000 after the marks) are paragraphs under CommonMark §4.2, which
   wants ASCII ``#`` followed by a space or tab. A line starting with 1–6 marks, each ``#``
   or ``＃`` (U+FF03), followed by a space, tab or U+3000, is a heading. A Weibo-style topic
   ``#新能源之都#`` (no space after the mark) stays text, as in CommonMark.

Emphasis with ``_`` stays CommonMark's (``_`` between Han characters is literal): Chinese
editors use ``*``/``**``.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.rules_inline.state_inline import Delimiter, Scanned, StateInline

# CJK characters, from the draft's ranges.md ("CJK characters", Unicode 16).
_CJK = re.compile(
    "[\u1100-\u11ff\u20a9\u2329-\u232a\u2630-\u2637\u268a-\u268f\u2e80-\u2e99\u2e9b-\u2ef3"
    "\u2f00-\u2fd5\u2ff0-\u303e\u3041-\u3096\u3099-\u30ff\u3105-\u312f\u3131-\u318e"
    "\u3190-\u31e5\u31ef-\u321e\u3220-\u3247\u3250-\ua48c\ua490-\ua4c6\ua960-\ua97c"
    "\uac00-\ud7a3\ud7b0-\ud7c6\ud7cb-\ud7fb\uf900-\ufaff\ufe10-\ufe19\ufe30-\ufe52"
    "\ufe54-\ufe66\ufe68-\ufe6b\uff01-\uffbe\uffc2-\uffc7\uffca-\uffcf\uffd2-\uffd7"
    "\uffda-\uffdc\uffe0-\uffe6\uffe8-\uffee\U00016fe0-\U00016fe4\U00016ff0-\U00016ff6"
    "\U00017000-\U00018cd5\U00018cff-\U00018d1e\U00018d80-\U00018df2\U0001aff0-\U0001aff3"
    "\U0001aff5-\U0001affb\U0001affd-\U0001affe\U0001b000-\U0001b122\U0001b132"
    "\U0001b150-\U0001b152\U0001b155\U0001b164-\U0001b167\U0001b170-\U0001b2fb"
    "\U0001d300-\U0001d356\U0001d360-\U0001d376\U0001f200\U0001f202\U0001f210-\U0001f219"
    "\U0001f21b-\U0001f22e\U0001f230-\U0001f231\U0001f237\U0001f23b\U0001f240-\U0001f248"
    "\U0001f260-\U0001f265\U00020000-\U0003fffd]")
# Hangul (Jamo, Compatibility Jamo, Jamo Extended-A/B, Syllables, Halfwidth): CSS keeps
# the space at a line break next to it, since Korean separates words with spaces.
_HANGUL = re.compile("[\u1100-\u11ff\u3131-\u318e\ua960-\ua97c\uac00-\ud7a3\ud7b0-\ud7fb"
                     "\uffa0-\uffdc]")
_VS = re.compile("[\ufe00-\ufe0e]")          # non-emoji general-use variation selectors
_IVS = re.compile("[\U000e0100-\U000e01ef]")  # ideographic variation selectors
# CJK ambiguous punctuation sequences: ‘’“” followed by U+FE01 (fullwidth form).
_AMBIGUOUS_FULLWIDTH = {"\u2018", "\u2019", "\u201c", "\u201d"}


def is_cjk(char: str) -> bool:
    """True when ``char`` (one character) is a CJK character in the draft's sense."""
    return bool(char) and _CJK.match(char) is not None


def _is_punct(char: str) -> bool:
    return isMdAsciiPunct(ord(char)) or isPunctChar(char)


class _Side:
    """What stands on one side of a delimiter run, in the draft's terms."""

    __slots__ = ("space", "punct", "cjk", "non_cjk_punct")

    def __init__(self, char: str | None, selector: str | None = None):
        """``char``: the neighbouring character (None at the start or end of the text);
        ``selector``: a variation selector following it, making a sequence."""
        if char is None:
            self.space, self.punct, self.cjk, self.non_cjk_punct = True, False, False, False
            return
        fullwidth_quote = selector == "\ufe01" and char in _AMBIGUOUS_FULLWIDTH
        self.space = selector is None and isWhiteSpace(ord(char))
        self.punct = _is_punct(char)
        self.cjk = is_cjk(char) or fullwidth_quote or _IVS.match(char) is not None
        self.non_cjk_punct = self.punct and not self.cjk


def _before(src: str, start: int) -> _Side:
    if start == 0:
        return _Side(None)
    char = src[start - 1]
    if _VS.match(char) and start >= 2:  # a sequence: character + variation selector
        return _Side(src[start - 2], char)
    return _Side(char)


def _after(src: str, pos: int, maximum: int) -> _Side:
    if pos >= maximum:
        return _Side(None)
    selector = src[pos + 1] if pos + 1 < maximum and _VS.match(src[pos + 1]) else None
    return _Side(src[pos], selector)


def scan_delims(state: StateInline, start: int, can_split_word: bool) -> Scanned:
    """``StateInline.scanDelims`` with the CJK-friendly flanking rules.

    A delimiter run is left-flanking when not followed by whitespace and either not followed
    by a non-CJK punctuation character, or preceded by whitespace, a non-CJK punctuation
    sequence or a CJK sequence (amended §6.2); right-flanking mirrors it. ``_`` opens in a
    word only after a punctuation sequence, as in CommonMark.
    """
    src, maximum = state.src, state.posMax
    marker = src[start]
    pos = start
    while pos < maximum and src[pos] == marker:
        pos += 1
    before, after = _before(src, start), _after(src, pos, maximum)
    left = not after.space and (not after.non_cjk_punct or before.space
                                or before.non_cjk_punct or before.cjk)
    right = not before.space and (not before.non_cjk_punct or after.space
                                  or after.non_cjk_punct or after.cjk)
    if can_split_word:
        can_open, can_close = left, right
    else:
        can_open = left and (not right or before.punct)
        can_close = right and (not left or after.punct)
    return Scanned(can_open, can_close, pos - start)


def _emphasis(state: StateInline, silent: bool) -> bool:
    """markdown-it-py's ``emphasis`` tokenize rule, calling :func:`scan_delims`."""
    start = state.pos
    marker = state.src[start]
    if silent or marker not in ("_", "*"):
        return False
    scanned = scan_delims(state, start, marker == "*")
    for _ in range(scanned.length):
        token = state.push("text", "", 0)
        token.content = marker
        state.delimiters.append(Delimiter(
            marker=ord(marker), length=scanned.length, token=len(state.tokens) - 1,
            end=-1, open=scanned.can_open, close=scanned.can_close))
    state.pos += scanned.length
    return True


def _neighbour(tokens, idx: int, step: int) -> str:
    """The nearest text character before (step -1) or after (step 1) token ``idx``, across
    markup tokens (``**``, links); empty at the text's edge or at another line break."""
    j = idx + step
    while 0 <= j < len(tokens):
        tok = tokens[j]
        if tok.type in ("softbreak", "hardbreak"):
            return ""
        if tok.type in ("text", "code_inline") and tok.content:
            return tok.content[-1] if step < 0 else tok.content[0]
        j += step
    return ""


def joins_without_space(before: str, after: str) -> bool:
    """True when a line break between ``before`` and ``after`` (one character each) should
    vanish: both are CJK and neither is Hangul (CSS Text 3 §4.1.3)."""
    return all(is_cjk(c) and not _HANGUL.match(c) for c in (before, after))


def _softbreak(renderer, tokens, idx, options, env) -> str:
    if joins_without_space(_neighbour(tokens, idx, -1), _neighbour(tokens, idx, 1)):
        return ""
    return "<br />\n" if options.breaks else "\n"


def cjk_friendly(md: MarkdownIt) -> None:
    """markdown-it-py plugin: ``MarkdownIt("commonmark").use(cjk_friendly)``.

    Replaces the ``emphasis`` inline rule (flanking per the CJK-friendly draft) and the
    ``softbreak`` renderer (no space between CJK characters) of this parser only.
    """
    md.inline.ruler.at("emphasis", _emphasis)
    md.add_render_rule("softbreak", _softbreak)


_HEADING = re.compile(r"[#＃]{1,6}(?=[ \t\u3000]|$)")
_INDENT = re.compile(r"[ \t\u3000\u00a0]+")


def prepare_body(text: str) -> tuple[str, list[int]]:
    """Apply rules 3 and 4 to a Markdown body before CommonMark parses it.

    :param text: the body, lines separated by ``\\n``.
    :returns: the prepared text and, for each of its lines, the 0-based line of ``text`` it
        comes from (an inserted paragraph break maps to the line it precedes), so errors and
        blocks keep the editor's line numbers.
    """
    out: list[str] = []
    origin: list[int] = []
    previous_is_text = False
    for n, line in enumerate(text.split("\n")):
        if not line.strip():
            out.append("")
            origin.append(n)
            previous_is_text = False
            continue
        indent = _INDENT.match(line)
        if indent:
            if "\u3000" in indent.group() and previous_is_text:
                out.append("")  # a full-width indent starts a new paragraph
                origin.append(n)
            line = line[indent.end():]
        heading = _HEADING.match(line)
        if heading:
            line = "#" * len(heading.group()) + " " + line[heading.end():].lstrip(" \t\u3000")
        out.append(line)
        origin.append(n)
        previous_is_text = not heading
    return "\n".join(out), origin

"""Translation QA for the catalogs: ``make check-catalogs`` (``python -m webapp.desk.qa``).

Two layers, both reported as ``file:line: rule: message`` (exit status 1 if any):

* **coverage** (per catalog file): every article block has an entry that is neither empty nor
  fuzzy; no obsolete (``#~``) entries and no entries for blocks that no longer exist; every UI
  string of the ``zh`` catalog is in the other UI catalogs; placeholders match;
* **translation QA** (per entry): pure functions ``check_*(source, translation, locale,
  glossary) -> list[Problem]`` that compare a source text with its translation:

  ============== ============================================================================
  rule id        what it reports
  ============== ============================================================================
  numbers        numbers that do not match, Chinese units understood (20亿元 = 2 billion,
                 5万吨 = 50,000, 三分之一 = one-third, 1月 = January, 第一 = first, years,
                 percentages); 以上 after a number needs "or more" (translations/STYLE.md)
  glossary       a glossary source term in the source whose rendering is not in the
                 translation (translations/GLOSSARY.md, terms in backticks)
  cjk            Chinese characters or full-width punctuation left in an English translation
  latin          Latin words in a Chinese translation that are neither in the source nor
                 known abbreviations (:data:`KNOWN_LATIN`)
  brackets       unbalanced quotation marks or brackets
  spacing        doubled spaces, leading/trailing spaces, a space before English punctuation
  simplified     Simplified-only characters in a ``zh_Hant`` translation (CC-CEDICT via zhon)
  hant           Traditional forms that depend on the word and are probably wrong in a
                 ``zh_Hant`` translation (被髮明, 展示瞭如何, 參與制造): :data:`HANT_HAZARDS`
  markup         HTML tags, entities that decode to tags, or Markdown links/images in a
                 translation whose source has none (or other ones): issue 14, security
  placeholders   ``%(name)s``-style placeholders that differ between source and translation
  length         a translation far shorter or longer than the catalog's usual length ratio
                 (probably an omission or an addition), see :func:`length_outliers`
  terms          UI strings only: a forbidden variant of a concept of
                 ``translations/TERMS.tsv`` in a msgstr, or in an English msgid (reported at
                 its template line), a concept's English term without its Chinese term, and
                 rows whose term no UI string uses (:func:`check_terms`, issue 24)
  ============== ============================================================================

**Reviewed exceptions.** A problem of an advisory rule that a reviewer has judged correct is
accepted by a waiver in ``translations/waivers.toml`` (:func:`load_waivers`), a reviewed file
outside the catalogs, so a translator cannot waive a problem in the file they translate; a
``qa-ok`` comment left in a catalog waives nothing and is reported. A waiver reads as::

    qa-ok numbers 2021 2025: years of the 14th Five-Year Plan, added for readers

``qa-ok <rule> [words...]: <reason>`` accepts that entry's problems of ``rule`` (only those
whose message contains one of the listed words, when words are given), except for the safety
rules ``markup`` and ``placeholders`` (:data:`SAFETY_RULES`), which ``make release`` enforces
(:mod:`webapp.safety`) and nothing in a catalog can waive. The reason is
required, and an exception (or a listed word) that accepts nothing is itself reported, so
exceptions cannot go stale.

**Layout.** :func:`find_catalogs` is the one function that knows where the ``.po`` files are
and which articles each one covers; everything else works from its answer.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import statistics
import sys
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Callable, Iterable, NamedTuple, Sequence

from babel.messages.catalog import Catalog, Message

from webapp import safety
from webapp.po import CatalogError, read_catalog
from webapp.locales import HANT, LOCALES, SOURCE_LOCALE, UI_SOURCE_LOCALE

ARTICLE_DOMAIN = "article"
UI_DOMAIN = "messages"
UI_REFERENCE = SOURCE_LOCALE  # the UI catalog msgmerge keeps up to date (make translations)
ARTICLE_LOCALES = tuple(code for code in LOCALES if code != SOURCE_LOCALE)
UI_LOCALES = tuple(code for code in LOCALES if code != UI_SOURCE_LOCALE)


# --- results ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    """One finding: ``rule`` id (see the module table) and a message for the translator."""

    rule: str
    message: str


@dataclass(frozen=True)
class Term:
    """A glossary row: Chinese source variants, accepted English renderings, GLOSSARY line."""

    sources: tuple[str, ...]
    renderings: tuple[str, ...]
    line: int


# --- glossary --------------------------------------------------------------------------------

_CODE = re.compile(r"`([^`]+)`")


def load_glossary(path: Path | str) -> list[Term]:
    """Read the machine-checked terms of ``translations/GLOSSARY.md``.

    Every Markdown table row whose first cell (Chinese) and second cell (English) both hold
    text in backticks is a term: any backticked Chinese variant in a source requires any
    backticked English rendering in the translation. A row whose third cell (status) starts
    with ``descriptive`` is for people only (a rendering that depends on context); so are
    rows without backticks.

    :returns: the terms in file order; ``[]`` when the file does not exist.
    :raises CatalogError: ``path:line: message`` for a row with backticks in only one of the
        two cells that is not marked ``descriptive`` (a half-written term would silently
        check nothing).
    """
    path = Path(path)
    if not path.exists():
        return []
    terms: list[Term] = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.startswith("|") or set(line) <= set("|-: "):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2:
            continue
        sources, renderings = _CODE.findall(cells[0]), _CODE.findall(cells[1])
        if len(cells) > 2 and cells[2].lower().startswith("descriptive"):
            continue
        if bool(sources) != bool(renderings):
            raise CatalogError(path, n, "a glossary term needs its Chinese and its English "
                                        "in backticks, or the status `descriptive` (not checked)")
        if sources:
            terms.append(Term(tuple(sources), tuple(renderings), n))
    return terms


# --- numbers ---------------------------------------------------------------------------------

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5,
              "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10**4, "萬": 10**4, "亿": 10**8, "億": 10**8}
_CN_NUMERAL = "零〇一二两兩三四五六七八九十百千"
_MULTIPLIER = r"(?:[十百千]?[万萬亿億]|[万萬]亿|[萬]億|千|百)"


def cn_int(text: str) -> int:
    """Value of a Chinese numeral (``十四`` 14, ``二十`` 20, ``三千五百`` 3500, ``两`` 2).

    :raises ValueError: if ``text`` is not a numeral made of 零〇一二两三四五六七八九十百千.
    """
    if not text or any(ch not in _CN_DIGITS and ch not in _CN_UNITS for ch in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    total, digit = 0, None
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
        else:
            total += (1 if digit is None else digit) * _CN_UNITS[ch]
            digit = None
    return total + (digit or 0)


def _multiplier(text: str) -> int:
    value = 1
    for ch in text:
        value *= _CN_BIG.get(ch) or _CN_UNITS[ch]
    return value


@dataclass(frozen=True)
class Number:
    """A number found in a text: ``kind`` is ``num``, ``ordinal``, ``month`` or ``fraction``;
    ``digits`` says it was written with Arabic digits; ``or_more`` marks 以上 / "or more"."""

    value: Fraction
    kind: str
    text: str
    digits: bool = False
    or_more: bool = False


_ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
# Approximate quantities, as GB/T 15835-2011 《出版物上数字用法》 §4.1.2 and its examples write
# them (三四个月, 一二十个, 几千, 二十几, 十几), with the newsroom's 上万, 数十, 成千上万, 数以万计:
# a translation may say "dozens", "tens of thousands" or give a number of that size.
_APPROX = re.compile(
    r"成千上[万萬]|数以[百千万萬亿億]计|數以[百千萬億]計|千千[万萬][万萬]"
    r"|(?P<vague>[数數几幾上成])(?P<vmult>[十百千万萬亿億]+)"
    r"|(?P<dozen>[二两兩三四五六七八九]?十)(?:几|幾|来|來)"
    r"|(?<![第\d零〇一二两兩三四五六七八九十])(?P<low>[一二两兩三四五六七八九])"
    r"(?P<high>[二两兩三四五六七八九])(?P<rmult>[十百千万萬亿億]*)")

_CN_PATTERNS = [
    ("approx", _APPROX),
    # the 14th Five-Year Plan: “十四五”
    ("plan", re.compile(r"十([一二三四五六七八九])五(?=”|」|规划|規劃|期间|期間|时期|時期)")),
    ("date", re.compile(r"(?<![\d一二三四五六七八九十])(\d{1,2}|[一二三四五六七八九十]{1,3})月"
                        r"(\d{1,2}|[一二三四五六七八九十]{1,3})[日号號]")),
    ("month", re.compile(r"(?<![\d个個])(\d{1,2})月(?!份?[\d])")),
    ("fraction", re.compile(rf"([{_CN_NUMERAL}]+|\d+)分之([{_CN_NUMERAL}]+|\d+)")),
    ("ordinal", re.compile(rf"第([{_CN_NUMERAL}]+|\d+)")),
    ("arabic", re.compile(rf"(?<![0-9A-Za-z.,])({_ARABIC})\s*({_MULTIPLIER})?")),
    # a Chinese numeral with a multiplier before a unit: 千亿级, 超百家, 亿元大关
    ("cn_big", re.compile(rf"([{_CN_NUMERAL}]*?)({_MULTIPLIER})(?=[多余餘]?[元家个個吨噸人名级級台臺辆輛户戶项項座所件倍亩畝])")),
    # any other Chinese numeral with a multiplier: 两千, 二十多, 三千五百万 (GB/T 15835-2011
    # 《出版物上数字用法》 §4.1.1: a number written in Chinese characters)
    ("cn_numeral", re.compile(r"(?<![第\d零〇一二两兩三四五六七八九十百千万萬亿億])"
                              r"([一二两兩三四五六七八九十](?:[零〇一二两兩三四五六七八九]?[十百千万萬亿億])+"
                              r"[一二两兩三四五六七八九]?)")),
    # two to ninety-nine with a classifier (一 + classifier is usually "a", so it is left out)
    ("cn_count", re.compile(r"(?<![第一二两兩三四五六七八九十百千万萬亿億\d])"
                            r"([二两兩三四五六七八九十][一二三四五六七八九十]?)"
                            r"(?=个|個|家|大|块|塊|项|項|名|位|条|條|次|倍|种|種|年|届|屆|方面|座|所|轮|輪|期|类|類|支|天|周|週|吨|噸)")),
]
_OR_MORE_CN = re.compile(r"^(?:%|[个個家项項名位块塊吨噸元年倍座所件种種])*以上")

# A reader turns one match of a number pattern into the numbers it writes: ``[]`` when the
# text is taken but holds no number to compare, None when it is not a number after all (the
# text stays free for the patterns that follow).
_Reader = Callable[[re.Match], list[Number] | None]


def _find_numbers(text: str, patterns: Sequence[tuple[str, re.Pattern]],
                  readers: dict[str, _Reader], or_more: re.Pattern) -> list[Number]:
    """The numbers of ``text``, in text order, shared by :func:`zh_numbers` and
    :func:`en_numbers`.

    :param patterns: ``(kind, pattern)`` in priority order: a match overlapping the text of
        an earlier accepted match is skipped, so ``1月29日`` is read once, as a date.
    :param readers: for each kind, the :data:`_Reader` of its matches.
    :param or_more: matched at the text right after a match; when it matches, the match's
        last number gets ``or_more`` (以上, "or more": translations/STYLE.md, "Numbers").
    :returns: every number found, sorted by where its match starts (stable for the two
        numbers of a date).
    """
    found: list[tuple[int, Number]] = []
    taken = [False] * len(text)
    for kind, pattern in patterns:
        for m in pattern.finditer(text):
            if any(taken[m.start():m.end()]):
                continue
            numbers = readers[kind](m)
            if numbers is None:
                continue
            if numbers and or_more.match(text[m.end():]):
                numbers[-1] = replace(numbers[-1], or_more=True)
            taken[m.start():m.end()] = [True] * (m.end() - m.start())
            found += [(m.start(), n) for n in numbers]
    return [n for _, n in sorted(found, key=lambda pair: pair[0])]


def _zh_int(raw: str) -> int:
    """An integer written in Arabic digits (``14``) or as a Chinese numeral (``十四``).

    :raises ValueError: from :func:`cn_int` for anything else."""
    return int(raw) if raw.isdigit() else cn_int(raw)


def _arabic(digits: str) -> Fraction:
    """The value of a number in Arabic digits, thousands separators allowed (``50,000``)."""
    return Fraction(digits.replace(",", ""))


def _zh_plan(m: re.Match) -> list[Number]:
    """“十四五”: the 14th Five-Year Plan, an ordinal."""
    return [Number(Fraction(10 + _CN_DIGITS[m.group(1)]), "ordinal", m.group(0))]


def _zh_date(m: re.Match) -> list[Number]:
    """``1月29日`` or ``三月十四日``: a month and a day (a plain number, as English writes it)."""
    month, day = m.group(1), m.group(2)
    return [Number(Fraction(_zh_int(month)), "month", m.group(0), month.isdigit()),
            Number(Fraction(_zh_int(day)), "num", m.group(0), day.isdigit())]


def _zh_month(m: re.Match) -> list[Number] | None:
    """``1月``: a month; not one when outside 1-12."""
    if not 1 <= int(m.group(1)) <= 12:
        return None
    return [Number(Fraction(int(m.group(1))), "month", m.group(0), True)]


def _zh_fraction(m: re.Match) -> list[Number]:
    """``三分之一`` 1/3; ``百分之四十`` is a percentage, the number 40; nothing for ``零分之…``."""
    den, num = (_zh_int(g) for g in m.groups())
    if den == 100:
        return [Number(Fraction(num), "num", m.group(0))]
    return [Number(Fraction(num, den), "fraction", m.group(0))] if den else []


def _zh_ordinal(m: re.Match) -> list[Number]:
    """``第一``, ``第3``: an ordinal."""
    raw = m.group(1)
    return [Number(Fraction(_zh_int(raw)), "ordinal", m.group(0), raw.isdigit())]


def _zh_arabic(m: re.Match) -> list[Number]:
    """``20亿``, ``5万``, ``40``: Arabic digits times an optional Chinese multiplier."""
    value = _arabic(m.group(1))
    if m.group(2):
        value *= _multiplier(m.group(2))
    return [Number(value, "num", m.group(0), True)]


def _zh_cn_big(m: re.Match) -> list[Number] | None:
    """``千亿``, ``百家``, ``亿元``: a Chinese numeral (none means 1) times a multiplier; not a
    number when :func:`cn_int` refuses the numeral."""
    try:
        value = cn_value(m.group(0))
    except ValueError:
        return None
    return [Number(Fraction(value), "num", m.group(0))]


def cn_value(text: str) -> int:
    """Value of a Chinese numeral with 万/亿 (``两千`` 2000, ``三千五百万`` 35,000,000, ``两亿三千万``
    230,000,000, ``三千五`` 3500 as people say it).

    :raises ValueError: from :func:`cn_int` for a part that is not a numeral."""
    total = 0
    for big, mult in (("亿", 10**8), ("億", 10**8), ("万", 10**4), ("萬", 10**4)):
        if big in text:
            head, text = text.split(big, 1)
            total += (cn_value(head) if head else 1) * mult
    if len(text) >= 2 and text[-1] in _CN_DIGITS and text[-2] in "百千":
        # 三千五: the last digit counts in the next lower unit (3,500), as in speech
        return total + cn_int(text[:-1]) + _CN_DIGITS[text[-1]] * _CN_UNITS[text[-2]] // 10
    return total + (cn_int(text) if text else 0)


def _zh_cn_numeral(m: re.Match) -> list[Number] | None:
    """``两千``, ``二十``, ``三千五百万``: a Chinese numeral with a multiplier."""
    try:
        return [Number(Fraction(cn_value(m.group(1))), "num", m.group(0))]
    except ValueError:
        return None


def _zh_approx(m: re.Match) -> list[Number] | None:
    """An approximate quantity (:data:`_APPROX`): numbers of kind ``approx``, which the
    translation need not contain but may write in digits (上万 10,000; 数十 10; 三四百 300 and
    400; 十几 10); ``[]`` for 成千上万 and 数以万计 (no number to compare). Not one when the
    two digits of a range are not consecutive (五四 is not "four or five")."""
    if m["vague"]:
        return [Number(Fraction(_multiplier(m["vmult"])), "approx", m.group(0))]
    if m["dozen"]:
        return [Number(Fraction(cn_int(m["dozen"])), "approx", m.group(0))]
    if m["low"]:
        low, high = _CN_DIGITS[m["low"]], _CN_DIGITS[m["high"]]
        if high != low + 1:
            return None
        mult = _multiplier(m["rmult"]) if m["rmult"] else 1
        return [Number(Fraction(low * mult), "approx", m.group(0)),
                Number(Fraction(high * mult), "approx", m.group(0))]
    return []


def _zh_cn_count(m: re.Match) -> list[Number]:
    """``两大``, ``三个``: a Chinese numeral before a classifier."""
    return [Number(Fraction(cn_int(m.group(1))), "num", m.group(0))]


_CN_READERS: dict[str, _Reader] = {
    "plan": _zh_plan, "date": _zh_date, "month": _zh_month, "fraction": _zh_fraction,
    "ordinal": _zh_ordinal, "arabic": _zh_arabic, "cn_big": _zh_cn_big, "cn_count": _zh_cn_count,
    "approx": _zh_approx, "cn_numeral": _zh_cn_numeral,
}


def zh_numbers(text: str) -> list[Number]:
    """The numbers of a Chinese text, units understood (see :data:`_CN_PATTERNS`).

    ``20亿元`` -> 2,000,000,000; ``5万吨`` -> 50,000; ``三分之一`` -> 1/3; ``1月29日`` ->
    month 1 and 29; ``第一`` -> ordinal 1; ``“十四五”`` -> ordinal 14; ``两大`` -> 2;
    ``40%以上`` -> 40 with ``or_more``. Words such as 一批, 双一流, 五新 are not numbers.
    """
    return _find_numbers(text, _CN_PATTERNS, _CN_READERS, _OR_MORE_CN)


_EN_WORDS = {w: i for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen twenty".split())}
_EN_WORDS.update({"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
                  "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000})
_EN_ORDINALS = {w: i for i, w in enumerate(
    "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth "
    "thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth"
    .split())}
_EN_SCALE = {"hundred": 100, "thousand": 10**3, "million": 10**6, "billion": 10**9,
             "trillion": 10**12}
_MONTHS = {m: i for i, m in enumerate(
    "January February March April May June July August September October November December"
    .split(), 1)}
_EN_FRACTIONS = {"half": 2, "third": 3, "quarter": 4, "fifth": 5, "tenth": 10}
_EN_PATTERNS = [
    ("fraction", re.compile(r"\b(one|a|two|three|four)[\s-](half|thirds?|quarters?|fifths?|tenths?)\b", re.I)),
    ("digits", re.compile(rf"(?<![\w.,])({_ARABIC})(st|nd|rd|th)?(?:[\s-]({'|'.join(_EN_SCALE)}))?\b(?!-\d)")),
    ("word", re.compile(rf"\b({'|'.join(_EN_WORDS)})(?:[\s-]({'|'.join(_EN_SCALE)}))?\b", re.I)),
    ("ordinal", re.compile(rf"\b({'|'.join(_EN_ORDINALS)})\b", re.I)),
    ("month", re.compile(rf"\b({'|'.join(_MONTHS)})\b")),
]


_OR_MORE_EN = re.compile(r"^\s*(?:%|percent)?\s*(?:[a-z-]+\s+){0,3}?or more\b")


def _en_fraction(m: re.Match) -> list[Number]:
    """``one-third``, ``a half``, ``two thirds``."""
    word, part = m.group(1).lower(), m.group(2).lower().rstrip("s")
    num = 1 if word in ("one", "a") else _EN_WORDS[word]
    return [Number(Fraction(num, _EN_FRACTIONS[part]), "fraction", m.group(0))]


def _en_digits(m: re.Match) -> list[Number]:
    """``50,000``, ``2 billion``, ``14th`` (an ordinal)."""
    value = _arabic(m.group(1))
    if m.group(3):
        value *= _EN_SCALE[m.group(3)]
    return [Number(value, "ordinal" if m.group(2) else "num", m.group(0), True)]


def _en_word(m: re.Match) -> list[Number]:
    """``five``, ``two billion``."""
    value = Fraction(_EN_WORDS[m.group(1).lower()])
    if m.group(2):
        value *= _EN_SCALE[m.group(2).lower()]
    return [Number(value, "num", m.group(0))]


def _en_ordinal(m: re.Match) -> list[Number]:
    """``first`` to ``twentieth``."""
    return [Number(Fraction(_EN_ORDINALS[m.group(1).lower()]), "ordinal", m.group(0))]


def _en_month(m: re.Match) -> list[Number]:
    """``January`` to ``December``."""
    return [Number(Fraction(_MONTHS[m.group(1)]), "month", m.group(0))]


_EN_READERS: dict[str, _Reader] = {
    "fraction": _en_fraction, "digits": _en_digits, "word": _en_word, "ordinal": _en_ordinal,
    "month": _en_month,
}


def en_numbers(text: str) -> list[Number]:
    """The numbers of an English text: digits (``50,000``, ``2 billion``, ``14th``), number
    and ordinal words up to twenty (``five``, ``first``), fractions (``one-third``, ``a
    half``) and month names. ``or_more`` is set on a number followed by "or more"."""
    return _find_numbers(text, _EN_PATTERNS, _EN_READERS, _OR_MORE_EN)


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _is_chinese(text: str) -> bool:
    return bool(_HAN.search(text))


def _numbers(text: str) -> list[Number]:
    return zh_numbers(text) if _is_chinese(text) else en_numbers(text)


def _matches(a: Number, b: Number) -> bool:
    if a.value != b.value:
        return False
    if a.kind == b.kind:
        return True
    if "approx" in (a.kind, b.kind):    # 上万 / "over 10,000"
        return True
    # an ordinal may be written as a plain number and the other way round (第3 / "No. 3")
    return {a.kind, b.kind} == {"num", "ordinal"}


def _show(value: Fraction) -> str:
    return f"{value.numerator:,}" if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def check_numbers(source: str, translation: str, locale: str,
                  glossary: Sequence[Term] = ()) -> list[Problem]:
    """Every number of the source is in the translation (same value, compatible kind) and
    every number the translation writes in digits comes from the source; a number with 以上
    needs "or more" after it (translations/STYLE.md, "Numbers").

    :param source: the source text (Chinese, or English for UI strings).
    :param translation: its translation. :param locale: the translation's locale id.
    :returns: one problem per missing, added or unqualified number.
    """
    src, dst = _numbers(source), _numbers(translation)
    problems = []
    for n in src:
        if n.kind != "approx" and not any(_matches(n, d) for d in dst):
            problems.append(Problem("numbers", f"{n.text} ({n.kind} {_show(n.value)}) has no "
                                               "match in the translation"))
    for d in dst:
        if d.digits and not any(_matches(n, d) for n in src):
            problems.append(Problem("numbers", f"{d.text!r} ({_show(d.value)}) is not in the "
                                               "source"))
    if _is_chinese(source) and not _is_chinese(translation):
        for n in src:
            if n.or_more and n.kind != "approx" and not any(_matches(n, d) and d.or_more
                                                            for d in dst):
                problems.append(Problem("numbers", f"{n.text}以上 needs “or more” after "
                                                   f"{_show(n.value)} (STYLE.md)"))
    return problems


# --- glossary, scripts, punctuation ----------------------------------------------------------

def _contains(text: str, rendering: str) -> bool:
    """``rendering`` in ``text``, its first letter in either case (sentence starts)."""
    first, rest = rendering[0], re.escape(rendering[1:])
    return re.search(f"[{re.escape(first.lower())}{re.escape(first.upper())}]{rest}", text) is not None


def check_glossary(source: str, translation: str, locale: str,
                   glossary: Sequence[Term] = ()) -> list[Problem]:
    """For an English translation of Chinese text: each glossary term whose Chinese appears
    in the source must appear in one of its English renderings (translations/GLOSSARY.md).
    Other locales are not checked (zh_Hant uses translations/opencc/phrases.tsv)."""
    if not locale.startswith("en"):
        return []
    problems = []
    for term in glossary:
        hit = next((s for s in term.sources if s in source), None)
        if hit and not any(_contains(translation, r) for r in term.renderings):
            wanted = " or ".join(f"“{r}”" for r in term.renderings)
            problems.append(Problem("glossary", f"{hit} should be rendered {wanted} "
                                                f"(GLOSSARY.md line {term.line})"))
    return problems


_CJK_OR_FULLWIDTH = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                               r"\uff00-\uffef]")


def check_cjk(source: str, translation: str, locale: str,
              glossary: Sequence[Term] = ()) -> list[Problem]:
    """No Chinese characters or full-width punctuation (，。：「」（）) in an English translation."""
    if not locale.startswith("en"):
        return []
    found = sorted(set(_CJK_OR_FULLWIDTH.findall(translation)))
    return [Problem("cjk", f"Chinese characters or full-width punctuation left in the "
                           f"English: {' '.join(found)}")] if found else []


# Latin words a Chinese text may carry although its source does not: abbreviations our
# articles and UI use as Chinese newspapers do. Names come from the source itself.
KNOWN_LATIN = frozenset({"App", "APP", "CEO", "CPC", "ESG", "GDP", "IPO", "iOS", "iPad",
                         "iPhone", "PWA", "R&D", "AI"})
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9&+.'’-]*[A-Za-z0-9]|[A-Za-z]")
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]|%[sdifr]")


def check_latin(source: str, translation: str, locale: str,
                glossary: Sequence[Term] = ()) -> list[Problem]:
    """In a Chinese translation, Latin words must come from the source (names, ``ESG``) or be
    known abbreviations (:data:`KNOWN_LATIN`); placeholders are ignored."""
    if not locale.startswith("zh"):
        return []
    text = _PLACEHOLDER.sub(" ", translation)
    source_words = set(_LATIN_WORD.findall(_PLACEHOLDER.sub(" ", source)))
    stray = [w for w in _LATIN_WORD.findall(text) if w not in source_words and w not in KNOWN_LATIN]
    return [Problem("latin", f"Latin text in the Chinese that is neither in the source nor a "
                             f"known abbreviation: {', '.join(dict.fromkeys(stray))}")] if stray else []


_PAIRS = {"(": ")", "[": "]", "{": "}", "（": "）", "［": "］", "「": "」", "『": "』",
          "《": "》", "〈": "〉", "【": "】", "“": "”", "‘": "’"}
_CLOSERS = {v: k for k, v in _PAIRS.items()}


def bracket_problems(text: str) -> list[str]:
    """Unbalanced brackets and quotation marks in ``text``, as messages (``[]`` if none).

    ’ closes a ‘ only when one is open; otherwise it is an apostrophe (Jintan’s). Straight
    double quotes must come in pairs.
    """
    stack: list[tuple[str, int]] = []
    out = []
    for i, ch in enumerate(text):
        if ch in _PAIRS:
            stack.append((ch, i))
        elif ch in _CLOSERS:
            if stack and stack[-1][0] == _CLOSERS[ch]:
                stack.pop()
            elif ch == "’":
                continue                       # an apostrophe
            else:
                out.append(f"{ch!r} at character {i + 1} closes nothing")
    out += [f"{ch!r} at character {i + 1} is never closed" for ch, i in stack]
    if text.count('"') % 2:
        out.append("odd number of straight double quotes")
    return out


def check_brackets(source: str, translation: str, locale: str,
                   glossary: Sequence[Term] = ()) -> list[Problem]:
    """Quotation marks and brackets in the translation are balanced and nested."""
    return [Problem("brackets", f"unbalanced: {m}") for m in bracket_problems(translation)]


def check_spacing(source: str, translation: str, locale: str,
                  glossary: Sequence[Term] = ()) -> list[Problem]:
    """No doubled spaces, no leading or trailing whitespace, and (English) no space before
    , . ; : ? ! or a closing bracket."""
    problems = []
    if "  " in translation:
        problems.append(Problem("spacing", "doubled space"))
    if translation != translation.strip():
        problems.append(Problem("spacing", "leading or trailing whitespace"))
    if locale.startswith("en") and re.search(r" [,.;:?!)\]”]", translation):
        problems.append(Problem("spacing", "space before punctuation"))
    return problems


_simplified_only: frozenset[str] | None = None


def simplified_only_characters() -> frozenset[str]:
    """Characters CC-CEDICT lists in Simplified forms but never in Traditional ones (项, 发,
    说; not 杰 or 台, which are Traditional too). Data: the ``zhon`` package (requirements-dev)."""
    global _simplified_only
    if _simplified_only is None:
        from zhon import cedict
        _simplified_only = frozenset(cedict.simplified) - frozenset(cedict.traditional)
    return _simplified_only


def check_simplified(source: str, translation: str, locale: str,
                     glossary: Sequence[Term] = ()) -> list[Problem]:
    """A ``zh_Hant`` translation has no Simplified-only characters."""
    if locale != HANT:
        return []
    found = sorted(set(translation) & simplified_only_characters())
    return [Problem("simplified", f"Simplified-only characters in Traditional Chinese: "
                                  f"{' '.join(found)}")] if found else []


# Traditional characters that depend on the word (one Simplified character, two or three
# Traditional ones): output patterns that are almost always a conversion error at a word
# boundary, found on tests/data/hant_hazards.tsv (issue 22). Forms: Taiwan MOE standard, as
# webapp/desk/hant.py writes them; fix a hit in translations/opencc/phrases.tsv (or by hand).
HANT_HAZARDS: tuple[tuple[re.Pattern, str], ...] = tuple((re.compile(p), why) for p, why in (
    (r"被髮(?![型夾廊絲膠])", "被髮 is almost always 被發 (被發明, 被發現)"),
    (r"頭髮(?=[展揮佈布表動]|生(?!長)|現(?!在)|出(?!油))",
     "頭髮 (hair) before a word starting with 發: 前頭發生, 龍頭發揮"),
    (r"(?<![明目])瞭(?![解望然若]|如指掌)|明瞭(?=[如這那一])",
     "瞭 as the particle 了 (展示了如何): 瞭 only in 瞭解, 明瞭, 瞭望, 一目瞭然"),
    (r"(?<![控限體管抵編節牽克專壓強遏機法稅税])制(?=[造作程冷藥])",
     "制 before 造/作/程/冷/藥 is 製 (製造, 製作, 製程)"),
    (r"(?<![風神文豐])采(?=[訪用取集購風礦摘納光石暖])|文采(?=[訪用取集購風])",
     "采 is 採 in 採訪, 採用, 採取 (采 stays in 風采, 文采)"),
    (r"(?<![皇王太天影歌母])后(?![妃宮冠座])", "后 is 後 (之後) except for a queen (皇后)"),
    (r"幹(?=[杯淨燥旱貨脆涸枯糧])", "幹 before 杯/淨/燥/旱 is 乾 (乾杯, 乾淨)"),
    (r"乾(?=[部活線勁練嘛])", "乾 before 部/活/線 is 幹 (幹部, 幹活)"),
    (r"乾(?=[預涉擾])", "乾 before 預/涉/擾 is 干 (干預, 干涉)"),
    (r"裏", "裏: the catalogs write Taiwan's 裡, as OpenCC s2tw does"),
    (r"鐘(?=[情愛意])", "鐘 before 情/愛 is 鍾 (鍾情, 鍾愛)"),
    (r"鍾(?=[錶聲樓點擺])", "鍾 before 錶/聲/樓/點 is 鐘 (鐘錶, 鐘聲)"),
    (r"麵(?=[對積臨貌孔試談])", "麵 (noodles) before 對/積/臨 is 面 (面對, 面積)"),
    (r"[於範餘](?=先生|女士|教授|董事長|書記|市長|區長|局長|主任|總經理)",
     "a surname? 于, 范, 余 are surnames as written; 於, 範, 餘 are not"),
))


def hant_hazards(text: str) -> list[str]:
    """The conversion hazards of a Traditional Chinese ``text`` (:data:`HANT_HAZARDS`): one
    message per pattern that matches, naming the characters found."""
    out = []
    for pattern, why in HANT_HAZARDS:
        hits = sorted({text[max(m.start() - 1, 0):m.end() + 1] for m in pattern.finditer(text)})
        if hits:
            out.append(f"{'、'.join(hits)}: {why}")
    return out


def check_hant(source: str, translation: str, locale: str,
               glossary: Sequence[Term] = ()) -> list[Problem]:
    """A ``zh_Hant`` translation has none of the known conversion hazards
    (:func:`hant_hazards`: 被髮明, 展示瞭如何, 參與制造, 中文采訪, 前頭髮生, 七納米制程 ...)."""
    if locale != "zh_Hant":
        return []
    return [Problem("hant", f"suspicious Traditional form {m}") for m in hant_hazards(translation)]


_TAG = re.compile(r"<\s*/?\s*([A-Za-z][A-Za-z0-9-]*)[^>]*>|<!--|<\?|<![A-Za-z]")
_MD_LINK = re.compile(r"!?\[[^\]]*\]\(\s*([^)\s]*)[^)]*\)")


def _markup(text: str) -> set[str]:
    """Tag names (``<a …>`` -> ``a``), ``<!--`` and Markdown link targets in ``text`` and in
    every HTML-unescaped form of it (``&lt;b&gt;`` decodes to ``<b>``)."""
    found: set[str] = set()
    seen = set()
    while text not in seen:
        seen.add(text)
        for m in _TAG.finditer(text):
            found.add(f"<{m.group(1).lower()}>" if m.group(1) else m.group(0))
        found.update(f"link to {m.group(1)}" for m in _MD_LINK.finditer(text))
        text = html.unescape(text)
    return found


def check_markup(source: str, translation: str, locale: str,
                 glossary: Sequence[Term] = ()) -> list[Problem]:
    """Markup in a translation must come from its source: an HTML tag, a comment, an entity
    that decodes to one, or a Markdown link or image the source does not have is refused
    (issue 14: a catalog must not inject markup or links into pages)."""
    extra = sorted(_markup(translation) - _markup(source))
    messages = [f"markup not in the source: {', '.join(extra)}"] if extra else []
    exact = safety.markup_problem(source, translation)   # the release's rule, the site's parser
    messages += [exact] if exact else []
    return [Problem("markup", "; ".join(messages))] if messages else []


def check_placeholders(source: str, translation: str, locale: str,
                       glossary: Sequence[Term] = ()) -> list[Problem]:
    """``%(name)s`` / ``%s`` placeholders are the same in source and translation; in a format
    string (the source has a placeholder) exactly the same, flags, width and precision
    included (:func:`webapp.safety.placeholder_problem`, the release's rule)."""
    src = sorted(m.group(0) for m in _PLACEHOLDER.finditer(source))
    dst = sorted(m.group(0) for m in _PLACEHOLDER.finditer(translation))
    if src != dst:
        return [Problem("placeholders", f"placeholders differ: source has {src or 'none'}, "
                                        f"translation has {dst or 'none'}")]
    if any(d != "%%" for d in safety.directives(source)[0]):
        exact = safety.placeholder_problem(source, translation)
        return [Problem("placeholders", exact)] if exact else []
    return []


RULES = (check_numbers, check_glossary, check_cjk, check_latin, check_brackets, check_spacing,
         check_simplified, check_hant, check_markup, check_placeholders)


def check_entry(source: str, translation: str, locale: str,
                glossary: Sequence[Term] = ()) -> list[Problem]:
    """Run every per-entry rule (:data:`RULES`) on one source/translation pair."""
    return [p for rule in RULES for p in rule(source, translation, locale, glossary)]


# --- length ratio ----------------------------------------------------------------------------

MIN_SOURCE_CHARS = 20     # shorter sources (names, labels) vary too much to judge
MIN_ENTRIES = 5           # a catalog needs this many long entries to have a "usual" ratio
RATIO_FACTOR = 1.8        # flagged: below usual / 1.8 or above usual * 1.8


_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_EMPHASIS = re.compile(r"[*_`]+")


def _reading_text(text: str) -> str:
    """What a reader reads of an inline-Markdown text: link targets and emphasis marks go
    (a URL is the same length in both languages and would skew the ratio)."""
    return _EMPHASIS.sub("", _LINK_TARGET.sub("]", text))


def length_outliers(pairs: Sequence[tuple[str, str]]) -> dict[int, Problem]:
    """Entries whose length ratio (translation / source characters) is far from the catalog's
    median ratio: ``{index in pairs: problem}``.

    Lengths are of the text a reader reads (:func:`_reading_text`). Only entries with at least
    :data:`MIN_SOURCE_CHARS` source characters take part, and only
    when there are :data:`MIN_ENTRIES` of them. A ratio below median / :data:`RATIO_FACTOR`
    suggests an omission, above median × :data:`RATIO_FACTOR` an addition. The factor was set
    on the reviewed English catalog (2026-11), whose long blocks lie between 0.58 (a role line:
    names and titles are compact in English) and 1.42 times the median ratio of 4.17: it
    catches a block that lost about half of its text; smaller omissions are the reviewer's.
    """
    shown = [(_reading_text(s), _reading_text(t)) for s, t in pairs]
    eligible = {i: len(t) / len(s) for i, (s, t) in enumerate(shown)
                if len(s.strip()) >= MIN_SOURCE_CHARS and t}
    if len(eligible) < MIN_ENTRIES:
        return {}
    usual = statistics.median(eligible.values())
    out = {}
    for i, ratio in eligible.items():
        if ratio < usual / RATIO_FACTOR or ratio > usual * RATIO_FACTOR:
            what = "shorter" if ratio < usual else "longer"
            out[i] = Problem("length", f"translation is far {what} than usual (length ratio "
                                       f"{ratio:.2f}, catalog median {usual:.2f}): check for "
                                       f"{'an omission' if what == 'shorter' else 'an addition'}")
    return out


# --- reviewed exceptions ---------------------------------------------------------------------

def load_waivers(path: Path | str) -> dict[tuple[str, str], list[str]]:
    """Read the reviewed waivers of advisory QA rules, ``translations/waivers.toml``: a file
    outside the catalogs, so a translator cannot grant one in the file they translate::

        [[waiver]]
        locale = "en"
        msgctxt = "jintan-new-energy/q-7a1feda6"   # or msgid = "..." for a UI string
        rule = "numbers"
        words = ["2021", "2025"]                    # optional: only problems naming these
        reason = "14th Five-Year Plan years, added for readers"

    :returns: ``{(locale, msgctxt or msgid): ["qa-ok <rule> <words>: <reason>", ...]}``
        (the form :class:`Exceptions` reads); ``{}`` when the file does not exist.
    :raises CatalogError: ``path: message`` for a file that is not TOML or a waiver without
        locale, msgctxt/msgid, rule or reason.
    """
    import tomllib
    path = Path(path)
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise CatalogError(path, None, f"not valid TOML: {exc}") from exc
    out: dict[tuple[str, str], list[str]] = {}
    for n, w in enumerate(data.get("waiver", []), 1):
        key = w.get("msgctxt") or w.get("msgid")
        if not (isinstance(w, dict) and w.get("locale") and key and w.get("rule")
                and str(w.get("reason", "")).strip()):
            raise CatalogError(path, None, f"waiver {n}: needs locale, msgctxt (or msgid), "
                                           "rule and reason")
        words = " ".join(str(x) for x in w.get("words", []))
        out.setdefault((w["locale"], key), []).append(
            f"qa-ok {w['rule']} {words}".rstrip() + f": {w['reason']}")
    return out


# Rules whose problems no exception accepts: the release refuses them (webapp.safety).
SAFETY_RULES = frozenset({"markup", "placeholders"})
_QA_OK = re.compile(r"^qa-ok\s+(?P<rule>[a-z]+)(?P<words>[^:]*):(?P<reason>.*)$")


@dataclass
class Exceptions:
    """The ``qa-ok`` comments of one entry (see the module docstring)."""

    items: list[tuple[str, tuple[str, ...], str]] = field(default_factory=list)
    malformed: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, msg: Message) -> "Exceptions":
        """The exceptions written as ``qa-ok`` comments on ``msg`` (the form of a waiver)."""
        return cls.from_lines(msg.user_comments)

    @classmethod
    def from_lines(cls, lines: Iterable[str]) -> "Exceptions":
        """Exceptions from ``qa-ok <rule> [words]: <reason>`` lines (:func:`load_waivers`)."""
        out = cls()
        for comment in lines:
            if not comment.startswith("qa-ok"):
                continue
            m = _QA_OK.match(comment)
            if not m or not m["reason"].strip():
                out.malformed.append(comment)
            else:
                out.items.append((m["rule"], tuple(m["words"].split()), m["reason"].strip()))
        return out

    def filter(self, problems: list[Problem]) -> list[Problem]:
        """Drop accepted problems; add one for each malformed or unused exception.

        ``qa-ok <rule>: reason`` accepts every problem of ``rule``; ``qa-ok <rule> w1 w2:
        reason`` accepts the problems of ``rule`` whose message contains w1 or w2, and each
        word must accept at least one (an exception that accepts nothing is reported).
        """
        used: set[tuple[int, str]] = set()
        kept = [Problem("qa-ok", f"'qa-ok {rule}': {rule} is a safety rule (checked by make "
                                 "release) and cannot be waived: fix the translation")
                for rule, _, _ in self.items if rule in SAFETY_RULES]
        for p in problems:
            accepted = False
            for k, (rule, words, _) in enumerate(self.items):
                if p.rule != rule or rule in SAFETY_RULES:
                    continue
                hits = [w for w in words if w in p.message] if words else [""]
                if hits:
                    accepted = True
                    used.update((k, w) for w in hits)
            if not accepted:
                kept.append(p)
        kept += [Problem("qa-ok", f"malformed exception {c!r}: write "
                                  "'qa-ok <rule> [words]: <reason>'") for c in self.malformed]
        for k, (rule, words, _) in enumerate(self.items):
            unused = [w for w in (words or ("",)) if (k, w) not in used]
            if unused and rule not in SAFETY_RULES:
                what = f"qa-ok {rule} {' '.join(words)}".rstrip()
                detail = f" ({', '.join(unused)})" if words else ""
                kept.append(Problem("qa-ok", f"exception '{what}' accepts no problem{detail}: "
                                             "remove it"))
        return kept


# --- terminology (translations/TERMS.tsv) ----------------------------------------------------

TERM_LOCALES = ("en", "zh", "zh_Hant")
_TERM_COLUMNS = ("concept", *TERM_LOCALES, *(f"forbidden_{loc}" for loc in TERM_LOCALES))


@dataclass(frozen=True)
class Concept:
    """A row of ``translations/TERMS.tsv``: one concept of the reader's UI, its one ``term``
    per locale (``""``: not checked there) and the ``forbidden`` variants per locale (a
    variant ``=X`` forbids a whole string that is exactly ``X``), at ``line`` of ``path``."""

    name: str
    term: dict[str, str]
    forbidden: dict[str, tuple[str, ...]]
    line: int
    path: str = "translations/TERMS.tsv"

    def where(self) -> str:
        """``path:line``, for messages that point the translator to the row."""
        return f"{self.path}:{self.line}"


def load_terms(path: Path | str) -> list[Concept]:
    """Read the desk's terminology list: a tab-separated file with a header row naming at
    least the columns of :data:`_TERM_COLUMNS` (``concept``, ``en``, ``zh``, ``zh_Hant``,
    ``forbidden_<locale>`` with variants separated by ``|``; other columns, such as ``note``,
    are the desk's).

    :returns: the concepts in file order; ``[]`` when the file does not exist.
    :raises CatalogError: ``path:line: message`` for a missing column, a row with fewer cells
        than the header, or a row that names neither a term nor a forbidden variant.
    """
    import csv
    path = Path(path)
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    header = rows[0] if rows else []
    missing = [c for c in _TERM_COLUMNS if c not in header]
    if missing:
        raise CatalogError(path, 1, f"missing column(s): {', '.join(missing)}")
    out = []
    for n, cells in enumerate(rows[1:], 2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < len(header):
            raise CatalogError(path, n, f"{len(cells)} cells, the header has {len(header)}")
        row = dict(zip(header, cells, strict=False))
        concept = Concept(
            row["concept"].strip(), {loc: row[loc].strip() for loc in TERM_LOCALES},
            {loc: tuple(v.strip() for v in row[f"forbidden_{loc}"].split("|") if v.strip())
             for loc in TERM_LOCALES}, n, _rel(path))
        if not any(concept.term.values()) and not any(concept.forbidden.values()):
            raise CatalogError(path, n, f"{concept.name!r} names no term and forbids nothing")
        out.append(concept)
    return out


def term_in(text: str, term: str, locale: str) -> bool:
    """Whether ``text`` uses ``term``: in English as a whole word or phrase, any case
    ("Saved articles" uses "saved articles", "side-by-side" does not use "side by side"); in
    Chinese as a substring."""
    if locale == "en":
        return re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", text, re.I) is not None
    return term in text


def forbidden_in(concept: Concept, locale: str, text: str) -> list[str]:
    """The forbidden variants of ``concept`` that ``text`` (a UI string in ``locale``) uses,
    outside the concept's own term (已儲存的文章 holds the variant 儲存的文章), unless the variant
    holds the term ("your saved articles")."""
    term = concept.term[locale]
    flags = re.I if locale == "en" else 0
    rest = re.sub(re.escape(term), "\0", text, flags=flags) if term else text
    found = []
    for v in concept.forbidden[locale]:
        if v.startswith("="):
            hit = text.strip() == v[1:]
        else:
            hit = term_in(text if term and re.search(re.escape(term), v, flags) else rest, v, locale)
        if hit:
            found.append(v)
    return found


def _term_problem(concept: Concept, locale: str, variant: str) -> Problem:
    shown = f"the whole string {variant[1:]!r}" if variant.startswith("=") else repr(variant)
    term = concept.term[locale]
    advice = f": the term is {term!r}" if term else " (not a word for readers)"
    return Problem("terms", f"{shown} for “{concept.name}”{advice} ({concept.where()})")


def check_terms(source: str, translation: str, locale: str,
                concepts: Sequence[Concept]) -> list[Problem]:
    """Terminology of one UI string: the translation (``locale`` ``zh`` or ``zh_Hant``) uses no
    forbidden variant of a concept, and where the English ``source`` (the msgid) uses a
    concept's English term, the translation uses the concept's term of ``locale`` (one term
    per concept per locale: issue 24, translations/TERMS.tsv)."""
    problems = [_term_problem(c, locale, v) for c in concepts
                for v in forbidden_in(c, locale, translation)]
    problems += [Problem("terms", f"the English says {c.term['en']!r} (“{c.name}”): the "
                                  f"{locale} term {c.term[locale]!r} is missing ({c.where()})")
                 for c in concepts if c.term["en"] and c.term.get(locale)
                 and term_in(source, c.term["en"], "en")
                 and not term_in(translation, c.term[locale], locale)]
    return problems


def english_term_findings(reference: Catalog | None, path: str,
                          concepts: Sequence[Concept]) -> list[Finding]:
    """The English UI strings (the msgids of the ``reference`` UI catalog, at ``path``) that
    use a forbidden English variant: one finding per msgid and variant, at the msgid's first
    source location (``templates/x.html:12``, where the English is written), else at its line
    in the catalog."""
    out = []
    for msg in reference or ():
        if not msg.id:
            continue
        where = (msg.locations[0] if msg.locations else (path, msg.lineno))
        out += [Finding(str(where[0]), where[1], _term_problem(c, "en", v))
                for c in concepts for v in forbidden_in(c, "en", _text(msg.id))]
    return out


def unused_terms(concepts: Sequence[Concept], catalogs: dict[str, Catalog]) -> list[Finding]:
    """Rows whose term is used by no UI string of its locale (``catalogs``: locale -> UI
    catalog; English is read from the msgids): a stale row checks nothing. One finding per
    row and locale, at the row."""
    texts = {loc: [_text(m.string) for m in cat if m.id] for loc, cat in catalogs.items()}
    texts["en"] = [_text(m.id) for cat in catalogs.values() for m in cat if m.id]
    return [Finding(c.path, c.line, Problem("terms", f"“{c.name}”: the {loc} term "
                                                     f"{c.term[loc]!r} is used by no UI string"))
            for c in concepts for loc in TERM_LOCALES
            if c.term[loc] and loc in texts and not any(term_in(t, c.term[loc], loc)
                                                        for t in texts[loc])]


# --- catalogs --------------------------------------------------------------------------------

@dataclass(frozen=True)
class CatalogFile:
    """One ``.po`` file to check: its ``domain``, ``locale``, and for article catalogs the
    article slugs whose blocks it must hold (``()`` for UI catalogs)."""

    path: Path
    domain: str
    locale: str
    slugs: tuple[str, ...] = ()


def find_catalogs(translations_dir: Path | str, slugs: Iterable[str]) -> list[CatalogFile]:
    """The catalog files of the project, and what each must cover.

    The layout of :mod:`webapp.desk.catalogs`: one catalog per article and translated locale
    (``<dir>/<locale>/LC_MESSAGES/articles/<slug>.po``, Sphinx style) holding that article's
    blocks, and the UI catalogs ``<dir>/<locale>/LC_MESSAGES/messages.po``. Files that do not
    exist are returned too (reported missing).
    """
    from webapp.po import article_po, ui_po
    files = [CatalogFile(article_po(translations_dir, loc, slug), ARTICLE_DOMAIN, loc, (slug,))
             for slug in slugs for loc in ARTICLE_LOCALES]
    files += [CatalogFile(ui_po(translations_dir, loc), UI_DOMAIN, loc) for loc in UI_LOCALES]
    return files


def orphan_catalogs(translations_dir: Path | str, slugs: Iterable[str]) -> list[Finding]:
    """Article catalogs whose article does not exist (renamed or deleted): translators' work
    that no page shows. One finding per file."""
    from webapp.po import ARTICLE_DOMAIN_DIR
    known = set(slugs)
    out = []
    for loc in ARTICLE_LOCALES:
        folder = Path(translations_dir) / loc / "LC_MESSAGES" / ARTICLE_DOMAIN_DIR
        out += [Finding(_rel(po), None, Problem("coverage", "catalog of an article that does "
                                                "not exist (renamed or deleted?)"))
                for po in sorted(folder.glob("*.po")) if po.stem not in known]
    return out


@dataclass
class Finding:
    """A problem at a place: ``path:line: rule: message``."""

    path: str
    line: int | None
    problem: Problem
    slug: str | None = None     # the article an article-catalog finding belongs to

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.problem.rule}: {self.problem.message}"


def _rel(path: Path | str) -> str:
    path = str(path)
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return path
    return rel if not rel.startswith("..") else path


@dataclass
class ArticleStats:
    """Counts for the desk's report, per (slug, locale)."""

    blocks: int = 0
    translated: int = 0
    fuzzy: int = 0
    warnings: int = 0


def _text(value) -> str:
    return value[0] if isinstance(value, (tuple, list)) else (value or "")


def _slug_of(context: str | None) -> str:
    """The article slug of an article entry's msgctxt (``<slug>/<block id>``); ``""`` for none."""
    return (context or "").split("/")[0]


def _error_finding(exc: CatalogError, rule: str) -> Finding:
    """A :class:`webapp.po.CatalogError` (a catalog that does not read, a glossary row)
    as a finding of ``rule`` at the error's file and line."""
    return Finding(_rel(exc.path), exc.line, Problem(rule, exc.message))


class _Entry(NamedTuple):
    """A translated entry, collected by coverage for translation QA."""

    msg: Message
    source: str           # the text it translates (the block's Chinese, or the UI msgid)
    slug: str | None      # its article; None for UI strings


def _block_state(msg: Message | None) -> str:
    """How the entry ``msg`` of an article block stands: ``missing`` (no entry), ``empty``,
    ``fuzzy`` (never compiled: readers see the Chinese) or ``translated``."""
    if msg is None:
        return "missing"
    if not _text(msg.string):
        return "empty"
    return "fuzzy" if msg.fuzzy else "translated"


def _block_finding(state: str, cat: CatalogFile, path: str, article, block, msg: Message | None,
                   slug: str) -> Finding:
    """The coverage finding of a block that is not translated (``state`` from
    :func:`_block_state`): a missing entry at the block's line in the article file, an empty
    or fuzzy one at the entry's line in the catalog (``path``)."""
    if state == "missing":
        return Finding(_rel(article.path), block.line, Problem(
            "coverage", f"no {cat.locale} entry for {block.msgctxt} in {path}"), slug)
    if state == "empty":
        return Finding(path, msg.lineno, Problem(
            "coverage", f"empty translation for {block.msgctxt}"), slug)
    return Finding(path, msg.lineno, Problem(
        "coverage", f"fuzzy translation for {block.msgctxt}"), slug)


def _article_coverage(cat: CatalogFile, path: str, catalog: Catalog, articles: dict,
                      stats: dict[tuple[str, str], ArticleStats] | None,
                      entries: list[_Entry]) -> list[Finding]:
    """Coverage of an article catalog: every block of its articles (``cat.slugs``) has an
    entry that is neither empty nor fuzzy, and no entry of theirs matches no block.

    :param path: ``cat.path`` as reported. :param stats: when given, each article's blocks,
        translated and fuzzy counts are added under (slug, locale).
    :param entries: the translated entries are appended, for translation QA.
    :returns: the findings, block by block in article order, then the unmatched entries.
    """
    findings: list[Finding] = []
    wanted: set[tuple[str, str]] = set()
    for slug in cat.slugs:
        article = articles[slug]
        st = stats.setdefault((slug, cat.locale), ArticleStats()) if stats is not None \
            else ArticleStats()                               # counts nobody reads
        for block in article.blocks:
            wanted.add((block.msgctxt, block.text))
            msg = catalog.get(block.text, context=block.msgctxt)
            state = _block_state(msg)
            st.blocks += 1
            if state == "translated":
                st.translated += 1
                entries.append(_Entry(msg, block.text, slug))
                continue
            if state == "fuzzy":
                st.fuzzy += 1
            findings.append(_block_finding(state, cat, path, article, block, msg, slug))
    return findings + _unmatched_entries(cat, path, catalog, wanted)


def _unmatched_entries(cat: CatalogFile, path: str, catalog: Catalog,
                       wanted: set[tuple[str, str]]) -> list[Finding]:
    """Entries of ``cat``'s articles (of any article when it names none) whose msgctxt and
    msgid are no block in ``wanted``: the block changed or went away since
    ``make translations``."""
    findings = []
    for msg in catalog:
        if msg.id and (msg.context, msg.id) not in wanted:
            slug = _slug_of(msg.context)
            if slug in cat.slugs or not cat.slugs:
                findings.append(Finding(path, msg.lineno, Problem(
                    "coverage", f"entry {msg.context} matches no block of the articles: "
                                "run `make translations`"), slug))
    return findings


def _ui_coverage(cat: CatalogFile, path: str, catalog: Catalog, reference: Catalog | None,
                 entries: list[_Entry]) -> list[Finding]:
    """Coverage of a UI catalog: no entry is empty (in any plural form) or fuzzy, and every
    UI string of the reference catalog has an entry (:func:`_missing_ui_strings`).

    :param entries: the translated entries are appended, for translation QA.
    :returns: the findings in catalog order, then the missing UI strings.
    """
    findings = []
    for msg in catalog:
        if not msg.id:
            continue
        source = _text(msg.id)
        if not _text(msg.string) or (isinstance(msg.string, (tuple, list)) and not all(msg.string)):
            findings.append(Finding(path, msg.lineno, Problem(
                "coverage", f"empty translation for UI string {source!r}")))
        elif msg.fuzzy:
            findings.append(Finding(path, msg.lineno, Problem(
                "coverage", f"fuzzy translation for UI string {source!r}")))
        else:
            entries.append(_Entry(msg, source, None))
    return findings + _missing_ui_strings(cat, path, catalog, reference)


def _missing_ui_strings(cat: CatalogFile, path: str, catalog: Catalog,
                        reference: Catalog | None) -> list[Finding]:
    """One finding per UI string of ``reference`` (the ``zh`` UI catalog, which
    ``make translations`` keeps up to date) that ``catalog`` has no entry for, in reference
    order; none for the reference itself or when there is no reference."""
    if reference is None or cat.locale == UI_REFERENCE:
        return []
    return [Finding(path, None, Problem("coverage", f"no entry for UI string {_text(ref.id)!r}"))
            for ref in reference if ref.id and catalog.get(ref.id, context=ref.context) is None]


def _obsolete_entries(path: str, catalog: Catalog) -> list[Finding]:
    """One finding per obsolete (``#~``) entry, which msgmerge keeps and no page shows."""
    return [Finding(path, msg.lineno, Problem(
                "coverage", f"obsolete entry {msg.context or _text(msg.id)[:30]!r}: delete it"),
                _slug_of(msg.context) or None)
            for msg in catalog.obsolete.values()]


def _translation_qa(cat: CatalogFile, path: str, entries: Sequence[_Entry],
                    glossary: Sequence[Term],
                    stats: dict[tuple[str, str], ArticleStats] | None,
                    waivers: dict[tuple[str, str], list[str]] | None = None,
                    concepts: Sequence[Concept] = ()) -> list[Finding]:
    """Translation QA of the translated entries: every rule of :data:`RULES`, for article
    text the length ratio (:func:`length_outliers`; UI strings are short labels and
    placeholders), for UI strings the terminology (:func:`check_terms` with ``concepts``),
    less what the reviewed waivers accept (:class:`Exceptions`).

    :param stats: when given, each finding of an article entry adds a warning to its
        (slug, locale), which :func:`_article_coverage` created.
    :returns: the findings in entry order.
    """
    outliers = length_outliers([(e.source, _text(e.msg.string)) for e in entries]) \
        if cat.domain == ARTICLE_DOMAIN else {}
    findings = []
    for i, (msg, source, slug) in enumerate(entries):
        problems = check_entry(source, _text(msg.string), cat.locale, glossary)
        if cat.domain == UI_DOMAIN:
            problems += check_terms(source, _text(msg.string), cat.locale, concepts)
        if i in outliers:
            problems.append(outliers[i])
        if any(c.startswith("qa-ok") for c in msg.user_comments):
            problems.append(Problem("qa-ok", "a qa-ok comment in a catalog waives nothing: "
                                             "reviewed waivers go in translations/waivers.toml"))
        key = (cat.locale, msg.context or _text(msg.id))
        for problem in Exceptions.from_lines((waivers or {}).get(key, [])).filter(problems):
            findings.append(Finding(path, msg.lineno, problem, slug))
            if stats is not None and slug:
                stats[(slug, cat.locale)].warnings += 1
    return findings


def check_catalog_file(cat: CatalogFile, articles: dict, glossary: Sequence[Term],
                       reference: Catalog | None,
                       stats: dict[tuple[str, str], ArticleStats] | None = None,
                       waivers: dict[tuple[str, str], list[str]] | None = None,
                       concepts: Sequence[Concept] = ()) -> list[Finding]:
    """Coverage and QA findings for one catalog file.

    :param articles: ``{slug: Article}`` (webapp.content). :param reference: the ``zh`` UI
        catalog, whose entries every other UI catalog must have. :param stats: filled with
        per-article counts for :func:`report` when given. :param concepts: the terminology
        list (:func:`load_terms`) UI strings are checked against.
    :returns: a missing catalog, or the error of one that does not read, alone; else the
        coverage findings (:func:`_article_coverage` or :func:`_ui_coverage`), then obsolete
        entries, then translation QA (:func:`_translation_qa`).
    """
    path = _rel(cat.path)
    if not cat.path.exists():
        return [Finding(path, None, Problem("coverage", "missing catalog"))]
    try:
        catalog = read_catalog(cat.path, cat.locale, referee="syntax")
    except CatalogError as exc:
        return [_error_finding(exc, "syntax")]
    entries: list[_Entry] = []
    if cat.domain == ARTICLE_DOMAIN:
        findings = _article_coverage(cat, path, catalog, articles, stats, entries)
    else:
        findings = _ui_coverage(cat, path, catalog, reference, entries)
    findings += _obsolete_entries(path, catalog)
    return findings + _translation_qa(cat, path, entries, glossary, stats, waivers, concepts)


def check_all(translations_dir: Path | str, content_dir: Path | str,
              glossary_path: Path | str | None = None,
              stats: dict[tuple[str, str], ArticleStats] | None = None) -> list[Finding]:
    """Every finding for the project's catalogs (see :func:`find_catalogs`).

    :raises webapp.content.ContentError: if an article file is malformed (``file:line``).
    """
    from webapp.content import load_articles
    articles = load_articles(content_dir)
    root = Path(translations_dir)
    findings: list[Finding] = []
    try:
        glossary = load_glossary(glossary_path or root / "GLOSSARY.md")
    except CatalogError as exc:
        findings.append(_error_finding(exc, "glossary"))
        glossary = []
    try:
        waivers = load_waivers(root / "waivers.toml")
    except CatalogError as exc:
        findings.append(_error_finding(exc, "waivers"))
        waivers = {}
    try:
        concepts = load_terms(root / "TERMS.tsv")
    except CatalogError as exc:
        findings.append(_error_finding(exc, "terms"))
        concepts = []
    files = find_catalogs(root, sorted(articles))
    reference = ui_reference(files)
    for cat in files:
        findings += check_catalog_file(cat, articles, glossary, reference, stats, waivers,
                                       concepts)
    return findings + _terminology(files, reference, concepts) + orphan_catalogs(root, articles)


def _terminology(files: Sequence[CatalogFile], reference: Catalog | None,
                 concepts: Sequence[Concept]) -> list[Finding]:
    """The terminology findings that belong to no one translated entry: English msgids with a
    forbidden variant (:func:`english_term_findings`) and stale rows (:func:`unused_terms`),
    over the UI catalogs among ``files`` that read (an unreadable one is reported by its own
    check)."""
    if not concepts or reference is None:
        return []
    catalogs = {}
    for cat in files:
        if cat.domain == UI_DOMAIN and cat.path.exists():
            try:
                catalogs[cat.locale] = read_catalog(cat.path, cat.locale)
            except CatalogError:
                continue
    ref_path = next(_rel(c.path) for c in files if c.domain == UI_DOMAIN
                    and c.locale == UI_REFERENCE)
    return english_term_findings(reference, ref_path, concepts) + unused_terms(concepts, catalogs)


def ui_reference(files: Sequence[CatalogFile]) -> Catalog | None:
    """The ``zh`` UI catalog among ``files`` (the set of UI strings every UI catalog must
    have), or None when it is missing or unreadable (then reported as that file's problem)."""
    for cat in files:
        if cat.domain == UI_DOMAIN and cat.locale == UI_REFERENCE and cat.path.exists():
            try:
                return read_catalog(cat.path, UI_REFERENCE)
            except CatalogError:
                return None
    return None


def syntax_findings(translations_dir: Path | str) -> list[Finding]:
    """Read every ``.po`` under ``translations_dir`` (all locales, all domains, any layout)
    with :func:`webapp.po.read_catalog`: what ``make release`` checks first."""
    findings = []
    for po in sorted(Path(translations_dir).rglob("*.po")):
        locale = po.relative_to(translations_dir).parts[0]
        try:
            read_catalog(po, locale, referee="syntax")
        except CatalogError as exc:
            findings.append(_error_finding(exc, "syntax"))
    return findings


def report(stats: dict[tuple[str, str], ArticleStats], findings: Sequence[Finding]) -> str:
    """The desk's table: one row per article and locale, plus the UI catalogs."""
    rows = [("article", "locale", "blocks", "translated", "fuzzy", "QA warnings")]
    for (slug, locale), st in sorted(stats.items()):
        rows.append((slug, locale, str(st.blocks), str(st.translated), str(st.fuzzy),
                     str(st.warnings)))
    ui = [f for f in findings if f.slug is None]
    rows.append(("(UI strings and other files)", "", "", "", "", str(len(ui))))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) if i < 2 else c.rjust(w) for i, (c, w) in
                       enumerate(zip(row, widths, strict=True))).rstrip() for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: ``python -m webapp.desk.qa [--report] [--syntax] [--translations DIR] [--content DIR]``.

    Prints ``file:line: rule: message`` per problem on stderr and a summary line on stdout;
    ``--report`` also prints the per-article table; ``--syntax`` only reads every catalog
    (``make release``'s first step). :returns: 0 when there is no problem, else 1.
    """
    from webapp.config import load
    from webapp.content import ContentError
    config = load()
    parser = argparse.ArgumentParser(prog="python -m webapp.desk.qa", description=__doc__.split("\n")[0])
    parser.add_argument("--report", action="store_true", help="print the per-article table")
    parser.add_argument("--syntax", action="store_true", help="only check that every catalog reads")
    parser.add_argument("--translations", default=config["TRANSLATIONS_DIR"])
    parser.add_argument("--content", default=config["CONTENT_DIR"])
    args = parser.parse_args(argv)
    if args.syntax:
        findings = syntax_findings(args.translations)
        for f in findings:
            print(f, file=sys.stderr)
        return 1 if findings else 0
    stats: dict[tuple[str, str], ArticleStats] = {}
    try:
        findings = check_all(args.translations, args.content, stats=stats)
    except ContentError as exc:
        print(exc, file=sys.stderr)
        return 1
    for f in findings:
        print(f, file=sys.stderr)
    if args.report:
        print(report(stats, findings))
    print(f"catalogs: {len(findings)} problem(s)")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())

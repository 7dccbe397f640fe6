"""One term per concept per locale in the reader's UI (translations/TERMS.tsv).

The UI catalogs (`translations/zh/…/messages.po`, `translations/zh_Hant/…/messages.po`) and the
English msgids they translate must each use the concept's one term and none of its
forbidden variants, and a string whose English uses the term must use the term in Chinese
too. The list is the desk's: a reviewer who finds a second word for a concept adds it to the
forbidden column, and this test then finds every place it is used.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

import pytest

from webapp.desk.catalogs import read_catalog
from webapp.config import ROOT

TERMS = ROOT / "translations" / "TERMS.tsv"
LOCALES = ("en", "zh", "zh_Hant")


@dataclass(frozen=True)
class Concept:
    line: int
    name: str
    term: dict[str, str]                   # locale -> the one term ('' = not checked there)
    forbidden: dict[str, tuple[str, ...]]  # locale -> variants; '=X' forbids the whole string X


def concepts() -> list[Concept]:
    with TERMS.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    out = []
    for n, row in enumerate(rows, 2):
        forbidden = {loc: tuple(v.strip() for v in (row[f"forbidden_{loc}"] or "").split("|")
                                if v.strip()) for loc in LOCALES}
        out.append(Concept(n, row["concept"], {loc: (row[loc] or "").strip() for loc in LOCALES},
                           forbidden))
    return out


def _first(s):
    """A msgstr, or the singular of a plural one."""
    return s if isinstance(s, str) else s[0]


def ui_strings() -> dict[str, dict[str, str]]:
    """msgid -> {locale: text}: the English msgid and its zh and zh_Hant msgstr."""
    cats = {loc: read_catalog(ROOT / "translations" / loc / "LC_MESSAGES" / "messages.po", loc)
            for loc in ("zh", "zh_Hant")}
    out = {}
    for m in cats["zh"]:
        if not m.id:
            continue
        key = m.id if isinstance(m.id, str) else m.id[0]
        hant = cats["zh_Hant"].get(m.id, m.context)
        out[key] = {"en": key, "zh": _first(m.string),
                    "zh_Hant": _first(hant.string) if hant else ""}
    return out


def _has(text: str, term: str, locale: str) -> bool:
    if locale == "en":
        return re.search(rf"(?<![\w-]){re.escape(term)}(?![\w-])", text, re.I) is not None
    return term in text


def _violations(concept: Concept, locale: str, text: str) -> list[str]:
    term = concept.term[locale]
    rest = text
    if term:  # the term itself may contain a variant (已儲存的文章 holds 儲存的文章)
        rest = re.sub(re.escape(term), "\0", text, flags=re.I if locale == "en" else 0)
    found = []
    for v in concept.forbidden[locale]:
        if v.startswith("="):
            if text.strip() == v[1:]:
                found.append(v)
        elif (_has(rest, v, locale) if locale == "en" else v in rest):
            found.append(v)
    return found


STRINGS = ui_strings()
CONCEPTS = concepts()


def test_the_terminology_list_is_well_formed():
    """Every concept names a term or forbids something, and each term is used in the UI (a
    stale row would check nothing)."""
    assert CONCEPTS
    for c in CONCEPTS:
        assert any(c.term.values()) or any(c.forbidden.values()), f"TERMS.tsv:{c.line}: empty"
        for loc in LOCALES:
            if c.term[loc]:
                assert any(_has(s[loc], c.term[loc], loc) for s in STRINGS.values()), (
                    f"TERMS.tsv:{c.line}: {c.name}: {loc} term {c.term[loc]!r} is used nowhere")


@pytest.mark.parametrize("locale", LOCALES)
def test_no_ui_string_uses_a_forbidden_variant(locale):
    problems = [f"{c.name}: {msgid!r} ({locale}: {s[locale]!r}) uses {v!r}, not {c.term[locale]!r}"
                for msgid, s in STRINGS.items() for c in CONCEPTS
                for v in _violations(c, locale, s[locale])]
    assert problems == []


@pytest.mark.parametrize("locale", ("zh", "zh_Hant"))
def test_a_concept_in_the_english_is_the_same_term_in_chinese(locale):
    problems = [f"{c.name}: {msgid!r} -> {s[locale]!r} lacks {c.term[locale]!r}"
                for msgid, s in STRINGS.items() for c in CONCEPTS
                if c.term["en"] and c.term[locale] and _has(msgid, c.term["en"], "en")
                and not _has(s[locale], c.term[locale], locale)]
    assert problems == []

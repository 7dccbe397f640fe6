"""One term per concept per locale in the reader's UI (translations/TERMS.tsv), checked by the
`terms` rule of `make check-catalogs` (webapp/desk/qa.py).

The UI catalogs (`translations/zh/…/messages.po`, `translations/zh_Hant/…/messages.po`) and the
English msgids they translate must each use the concept's one term and none of its
forbidden variants, and a string whose English uses the term must use the term in Chinese
too. The list is the desk's: a reviewer who finds a second word for a concept adds it to the
forbidden column, and the check then finds every place it is used, as `file:line: terms: …`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from webapp.config import ROOT
from webapp.desk import qa
from webapp.po import read_catalog

HANT_UI = "zh_Hant/LC_MESSAGES/messages.po"
ZH_UI = "zh/LC_MESSAGES/messages.po"


@pytest.fixture
def translations_copy(tmp_path) -> Path:
    dest = tmp_path / "translations"
    shutil.copytree(ROOT / "translations", dest)
    return dest


def run_qa(translations: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "webapp.desk.qa", "--translations",
                           str(translations)], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def _entry_line(po: Path, msgid: str) -> int:
    """The line of ``msgid "<msgid>"`` in ``po`` (where qa reports an entry)."""
    lines = po.read_text("utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line == f'msgid "{msgid}"')


def _edit(po: Path, old: str, new: str) -> None:
    text = po.read_text("utf-8")
    assert text.count(old) == 1, old
    po.write_text(text.replace(old, new), "utf-8")


def test_the_terminology_list_reads_and_names_its_rows():
    concepts = qa.load_terms(ROOT / "translations" / "TERMS.tsv")
    assert {"offline", "saved articles", "display settings", "side by side"} <= {
        c.name for c in concepts}
    display = next(c for c in concepts if c.name == "display settings")
    assert display.term == {"en": "Display settings", "zh": "显示设置", "zh_Hant": "顯示設定"}
    assert display.forbidden["zh_Hant"] == ("=顯示",)
    assert display.where() == f"translations/TERMS.tsv:{display.line}"


def test_the_shipped_ui_strings_keep_one_term_per_concept():
    findings = qa.check_all(ROOT / "translations", ROOT / "content")
    assert [str(f) for f in findings if f.problem.rule == "terms"] == []


@pytest.mark.parametrize("source, translation, locale, says", [
    ("Slide", "投影片", "zh_Hant", "'投影片' for “quote slide”: the term is '引語'"),
    ("Display settings", "显示", "zh", "the whole string '显示' for “display settings”"),
    ("Saved. You can now read it offline.", "已保存，现在没有网络也能阅读。", "zh",
     "'没有网络' for “offline”: the term is '离线'"),
    ("Saved. You can now read it offline.", "已保存，现在可以阅读。", "zh",
     "the English says 'offline' (“offline”): the zh term '离线' is missing"),
])
def test_check_terms_names_the_variant_and_the_term(source, translation, locale, says):
    concepts = qa.load_terms(ROOT / "translations" / "TERMS.tsv")
    problems = qa.check_terms(source, translation, locale, concepts)
    assert {p.rule for p in problems} == {"terms"}
    assert any(p.message.startswith(says) for p in problems), problems
    assert all(re.search(r"\(translations/TERMS\.tsv:\d+\)$", p.message) for p in problems)


def test_a_term_that_holds_a_variant_is_not_the_variant():
    """已儲存的文章 (the term) contains 儲存的文章 (a variant): the term alone passes."""
    concepts = qa.load_terms(ROOT / "translations" / "TERMS.tsv")
    assert qa.check_terms("Saved articles", "已儲存的文章", "zh_Hant", concepts) == []
    assert qa.check_terms("Saved articles", "儲存的文章", "zh_Hant", concepts)


def test_a_forbidden_variant_in_a_catalog_fails_check_catalogs_at_its_line(translations_copy):
    po = translations_copy / HANT_UI
    _edit(po, 'msgid "Display settings"\nmsgstr "顯示設定"', 'msgid "Display settings"\nmsgstr "顯示"')
    result = run_qa(translations_copy)
    assert result.returncode == 1
    line = _entry_line(po, "Display settings")
    assert f"{po}:{line}: terms: the whole string '顯示' for “display settings”: the term is " \
           f"'顯示設定' ({translations_copy / 'TERMS.tsv'}:" in result.stderr, result.stderr


def test_a_forbidden_english_variant_is_reported_where_the_english_is_written(translations_copy):
    """The English lives in the templates: the finding names the msgid's source location."""
    po = translations_copy / ZH_UI
    file, line = read_catalog(po, "zh").get("Saved articles").locations[0]
    _edit(po, 'msgid "Saved articles"\n', 'msgid "Your saved articles"\n')
    result = run_qa(translations_copy)
    assert result.returncode == 1
    assert (f"{file}:{line}: terms: 'your saved articles' for “saved articles”: the term "
            "is 'saved articles'") in result.stderr, result.stderr


def test_a_stale_or_broken_row_of_the_list_is_named(translations_copy):
    terms = translations_copy / "TERMS.tsv"
    rows = terms.read_text("utf-8").splitlines()
    terms.write_text("\n".join([*rows, "stale\tunicorn\t\t\t\t\t\t"]) + "\n", "utf-8")
    result = run_qa(translations_copy)
    assert result.returncode == 1
    assert f"{terms}:{len(rows) + 1}: terms: “stale”: the en term 'unicorn' is used by no UI " \
           "string" in result.stderr, result.stderr
    terms.write_text("\n".join([rows[0].replace("forbidden_zh\t", ""), *rows[1:]]) + "\n", "utf-8")
    result = run_qa(translations_copy)
    assert f"{terms}:1: terms: missing column(s): forbidden_zh" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr

"""Issue 22: catalog churn. A catalog saved by Weblate (translate-toolkit's writer, which
wraps at 77 columns by default) or by another tool, then a one-character article edit:
``make translations`` changes only the entries that changed (and the header), never
re-wrapping the rest. The wrap rule is in docs/translating.md."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.helpers import catalogs_command, read_catalog, site_config
from webapp.config import ROOT

SLUG = "jintan-new-energy"
EDIT = ("一直默默无闻的金坛", "一直默默無闻的金坛")   # one character changed


@pytest.fixture
def seed_copy(tmp_path):
    shutil.copytree(ROOT / "content", tmp_path / "content")
    shutil.copytree(ROOT / "translations", tmp_path / "translations")
    config = site_config(tmp_path / "content", tmp_path / "translations", tmp_path / "build")
    proc = catalogs_command(config, "update", "--no-ui")     # templates in this build folder
    assert proc.returncode == 0, proc.stderr
    return tmp_path, config


def en_po(root):
    return root / "translations" / "en" / "LC_MESSAGES" / "articles" / f"{SLUG}.po"


def save_with_translate_toolkit(path, width=None) -> None:
    """What Weblate does when it saves a catalog: translate-toolkit's PO writer, every entry
    written again (default width 77; -1 is Weblate's "no wrapping")."""
    from translate.storage import pypo
    store = pypo.pofile.parsefile(str(path))
    if width is not None:
        store.wrapper = pypo.PoWrapper(width=width)
    for unit in store.units:
        unit.wrapper = store.wrapper
        if not unit.isheader():
            unit.source, unit.target = unit.source, unit.target
    path.write_bytes(bytes(store))


def save_with_msgcat(path) -> None:
    subprocess.run(["msgcat", str(path), "-o", str(path)], check=True)


def entries(path) -> set[str]:
    return set(path.read_text("utf-8").strip("\n").split("\n\n"))


def meaning(path) -> list[tuple]:
    return [(m.context, m.id, m.string, m.fuzzy, tuple(m.user_comments))
            for m in read_catalog(path, "en")]


@pytest.mark.parametrize("save", [save_with_translate_toolkit, save_with_msgcat,
                                  lambda p: save_with_translate_toolkit(p, width=-1)],
                         ids=["weblate-77", "msgcat-79", "weblate-no-wrap"])
def test_a_catalog_saved_by_another_tool_then_one_edit_changes_only_that_entry(seed_copy, save):
    root, config = seed_copy
    po = en_po(root)
    original = meaning(po)
    save(po)
    assert meaning(po) == original          # the round trip keeps every entry
    saved = entries(po)
    article = root / "content" / f"{SLUG}.md"
    article.write_text(article.read_text("utf-8").replace(*EDIT, 1), "utf-8")
    proc = catalogs_command(config, "update", "--no-ui")
    assert proc.returncode == 0, proc.stderr
    after = entries(po)
    gone, new = saved - after, after - saved
    # the edited paragraph's entry, and at most the header (its dates), nothing else
    header = 'msgid ""\nmsgstr ""'
    assert len([b for b in gone if header not in b]) == 1, gone
    changed = [b for b in new if header not in b]
    assert len(changed) == 1 and len(new) <= 2, new
    assert "#, fuzzy" in changed[0] and EDIT[1] in changed[0].replace('"\n"', "")


def test_the_cycle_writes_no_wrapped_line_in_an_entry_it_changes(seed_copy):
    root, config = seed_copy
    po = en_po(root)
    article = root / "content" / f"{SLUG}.md"
    article.write_text(article.read_text("utf-8").replace(*EDIT, 1), "utf-8")
    assert catalogs_command(config, "update", "--no-ui").returncode == 0
    text = po.read_text("utf-8")
    assert 'msgid ""\n"' not in text.split("\n\n", 1)[1]     # no entry but the header wraps

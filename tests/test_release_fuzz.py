"""Issue 22, property: whatever msgstr a translator commits (placeholders with random flags
and widths, random Markdown links, random brackets), the release either refuses it with
``file:line: message`` or publishes pages no more than twice the source page's size, with no
link target the source page lacks."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers import FULL, SiteCopy, start_app
from webapp.publish.build import BuildError

LINK_SOURCE = "更多信息可以访问[金坛文旅](https://example.com/jintan)网站。"
LINK_EN = "More information is on the [Jintan tourism](https://example.com/jintan) website."
MINUTES = 'msgstr "约 %(num)s 分钟读完"'
FILE_LINE = re.compile(r"^translations/[\w/.-]+\.po:\d+: \S")
HREF = re.compile(r'(?:href|src)="([^"]*)"')

flags = st.text("#0- +", max_size=3)
widths = st.one_of(st.just(""), st.integers(0, 10**8).map(str), st.just("*"))
precisions = st.one_of(st.just(""), st.integers(0, 10**6).map(lambda n: f".{n}"))
names = st.sampled_from(["num", "nmu", "total", "", "num)s%(num"])
convs = st.sampled_from(list("sdirfxXc%a"))
placeholder = st.builds(lambda n, f, w, p, c: f"%({n}){f}{w}{p}{c}" if n else f"%{f}{w}{p}{c}",
                        names, flags, widths, precisions, convs)
targets = st.sampled_from(["https://example.com/jintan", "https://evil.example/", "//evil.example",
                           "javascript:alert(1)", "/zh/", "#x", "<https://evil.example>", ""])
brackets = st.sampled_from(["[", "]", "(", ")", "![", "<", ">", "\\", "*", "`", "&lt;", "\n"])
piece = st.one_of(st.sampled_from(["约", "分钟", "读完", " ", "More", "tourism", "Jintan"]),
                  brackets, targets,
                  st.builds(lambda t, u: f"[{t}]({u})", st.sampled_from(["a", "a]b", "a[b]", ""]),
                            targets))
ui_msgstr = st.lists(st.one_of(placeholder, piece), min_size=1, max_size=6).map("".join)
article_msgstr = st.lists(piece, min_size=1, max_size=8).map("".join)


def po_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = SiteCopy(tmp_path_factory.mktemp("fuzz"))
    site.release()
    app = start_app(site.config())
    pages = {path: app.test_client().get(path).get_data(as_text=True)
             for path in (f"/zh/{FULL}/", f"/en/{FULL}/", f"/en/{FULL}/parallel/")}
    originals = {p: p.read_text("utf-8") for p in site.translations.rglob("*.po")}
    return Fuzzed(site, pages, originals)


class Fuzzed(tuple):
    """(site, source pages, original catalogs), with a short repr for Hypothesis reports."""

    def __new__(cls, *items):
        return super().__new__(cls, items)

    def __repr__(self) -> str:
        return "<fuzz site>"


def check(site, pages, path_of_po, original, new_text) -> None:
    path_of_po.write_text(new_text, "utf-8")
    try:
        site.release()
    except BuildError as exc:
        assert exc.problems and all(FILE_LINE.match(p) for p in exc.problems), exc.problems
        return
    finally:
        path_of_po.write_text(original, "utf-8")
    app = start_app(site.config())
    for path, source_page in pages.items():
        page = app.test_client().get(path).get_data(as_text=True)
        assert len(page) <= 2 * len(source_page), path
        assert set(HREF.findall(page)) <= set(HREF.findall(source_page)) | {
            h for p in pages.values() for h in HREF.findall(p)}, path


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(msgstr=ui_msgstr)
def test_any_ui_msgstr_is_refused_or_harmless(site, msgstr):
    site, pages, originals = site
    po = site.translations / "zh" / "LC_MESSAGES" / "messages.po"
    original = originals[po]
    check(site, pages, po, original, original.replace(MINUTES, f"msgstr {po_string(msgstr)}"))


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(msgstr=article_msgstr)
def test_any_article_msgstr_is_refused_or_harmless(site, msgstr):
    site, pages, originals = site
    po = site.po("en", FULL)
    original = originals[po]
    check(site, pages, po, original,
          original.replace(f"msgstr {po_string(LINK_EN)}", f"msgstr {po_string(msgstr)}"))


def test_the_strategies_reach_both_outcomes():
    """The refused and the published branches are both exercised (examples chosen by hand)."""
    from webapp import safety
    assert safety.placeholder_problem("%(num)s min read", "约 %(num)10000000s 分钟读完")
    assert safety.placeholder_problem("%(num)s min read", "约 %(num)s 分钟读完") is None
    assert safety.markup_problem(LINK_SOURCE, "[a]b](//evil.example)") is not None  # a link lost
    assert safety.markup_problem(LINK_SOURCE, "[x](https://example.com/jintan) [a]b]") is None



"""Issue 22: the rules that keep the site safe are release errors (``make release`` refuses,
``file:line: message`` with a path relative to the site's folder), and a translator cannot
waive them inside the catalog they edit."""

from __future__ import annotations

import os

import pytest

from webapp import contract

from tests.helpers import FULL, UNDATED, build_command
from webapp.publish.build import BuildError

LINK_SOURCE = "更多信息可以访问[金坛文旅](https://example.com/jintan)网站。"
LINK_EN = "More information is on the [Jintan tourism](https://example.com/jintan) website."


def replace_in(path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


def ui_po(site, locale="zh"):
    return site.translations / locale / "LC_MESSAGES" / "messages.po"


def line_of(path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
                if needle in line)


def refused(site) -> list[str]:
    with pytest.raises(BuildError) as err:
        site.release()
    return err.value.problems


@pytest.mark.parametrize("msgstr", [
    "约 %(num)10000000s 分钟读完",      # a width of ten million: a 10 MB page per request
    "约 %(nmu)s 分钟读完",              # misspelled: the page falls back to English
    "约 %(num)s %(num)s 分钟读完",       # one more
    "约 分钟读完",                       # one fewer
    "约 %(num)-5s 分钟读完",            # a flag
    "约 %(num).3s 分钟读完",            # a precision
    "约 %(num)s 分钟读完 100%",          # a stray %: the format fails, English shown
])
def test_a_ui_msgstr_whose_placeholders_are_not_the_msgids_is_refused(site_copy, msgstr):
    good = site_copy.release()
    po = ui_po(site_copy)
    replace_in(po, 'msgstr "约 %(num)s 分钟读完"', f'msgstr "{msgstr}"')
    line = line_of(po, msgstr)
    # a waiver in the catalog itself changes nothing
    replace_in(po, '#, python-format\nmsgid "%(num)s min read"',
               '# qa-ok placeholders: reviewed\n#, python-format\nmsgid "%(num)s min read"')
    problems = refused(site_copy)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"translations/zh/LC_MESSAGES/messages.po:{line - 0}: ") \
        or problems[0].startswith(f"translations/zh/LC_MESSAGES/messages.po:{line + 1}: ")
    # msgfmt --check-format names a wrong or missing name; webapp.safety a width or a flag
    assert "placeholders differ" in problems[0] or "format spec" in problems[0] \
        or "not a valid Python format string" in problems[0], problems
    assert contract.current_id(site_copy.build_dir) == good.name


def test_the_release_names_the_msgstr_line(site_copy):
    po = ui_po(site_copy)
    replace_in(po, 'msgstr "约 %(num)s 分钟读完"', 'msgstr "约 %(num)9999s 分钟读完"')
    line = line_of(po, "%(num)9999s")
    assert refused(site_copy) == [
        f"translations/zh/LC_MESSAGES/messages.po:{line}: placeholders differ: the source has "
        "%(num)s, the translation has %(num)9999s (names, flags, width and precision must be "
        "exactly the source's)"]


@pytest.mark.parametrize("msgstr, bad", [
    ("More on the [Jintan tourism](https://evil.example/) website.", "https://evil.example/"),
    ("More on the [Jintan tourism](//evil.example/x) website.", "//evil.example/x"),
    ("More on the [Jintan [tourism]](//evil.example) website.", "//evil.example"),
    ("More on the ![Jintan tourism](//evil.example/i) website.", "//evil.example/i"),
    ("More on the <https://evil.example/> website.", "https://evil.example/"),
    ("More on the [Jintan tourism](https://example.com/jintan) and [x](https://evil.example/) "
     "website.", "https://evil.example/"),
])
def test_an_article_msgstr_with_a_link_the_source_lacks_is_refused(site_copy, msgstr, bad):
    po = site_copy.po("en", FULL)
    replace_in(po, f'msgstr "{LINK_EN}"', f'msgstr "{msgstr}"')
    text = po.read_text("utf-8")
    ctxt = text.rfind("msgctxt", 0, text.index(f'msgid "{LINK_SOURCE}"'))
    po.write_text(text[:ctxt] + "# qa-ok markup: reviewed\n" + text[ctxt:], "utf-8")
    line = line_of(po, msgstr[:30])
    problems = refused(site_copy)
    assert len(problems) == 1 and problems[0].startswith(
        f"translations/en/LC_MESSAGES/articles/{FULL}.po:{line}: markup differs"), problems
    assert bad in problems[0]


def test_a_translated_link_may_change_its_text_not_its_target(site_copy):
    po = site_copy.po("en", FULL)
    replace_in(po, f'msgstr "{LINK_EN}"',
               'msgstr "See the [tourism office](https://example.com/jintan) site."')
    release = site_copy.release()
    assert release.is_dir()


@pytest.mark.parametrize("folder, name", [
    ("static", "css/secret.css"), ("templates", "secret.html"),
    ("translations", "en/LC_MESSAGES/articles/river-festival.po"), ("content", "copy.md"),
])
def test_a_symbolic_link_in_an_input_folder_is_refused_without_reading_it(site_copy, tmp_path,
                                                                       folder, name):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-LINE\n", "utf-8")
    config = site_copy.config()
    if folder in ("static", "templates"):
        import shutil

        from webapp.config import ROOT
        shutil.copytree(ROOT / folder, site_copy.root / folder)
        config = site_copy.config(**{f"{folder.upper()}_DIR": str(site_copy.root / folder)})
    link = site_copy.root / folder / name
    if link.exists():
        link.unlink()
    link.symlink_to(secret)
    proc = build_command(config)
    assert proc.returncode == 1, proc.stdout
    assert f"{folder}/{name}: is a symbolic link: refused" in proc.stderr
    assert "TOP-SECRET" not in proc.stderr and "Traceback" not in proc.stderr


def test_build_errors_name_files_relative_to_the_site(site_copy):
    (site_copy.content / "broken.md").write_text("---\nsubtitle: x\n---\n", "utf-8")
    proc = build_command(site_copy.config())
    assert "  content/broken.md:1: front matter has no 'title'" in proc.stderr.splitlines()
    assert str(site_copy.root) not in proc.stderr


# --- GNU msgfmt is the syntax referee ----------------------------------------------------------

def _msgfmt_refuses(po) -> bool:
    import subprocess
    return subprocess.run(["msgfmt", "--check-format", "--check-header", "-o", os.devnull,
                           str(po)], capture_output=True).returncode != 0


@pytest.mark.parametrize("old, new", [
    ('msgstr "分享"\n', 'msgstr "分享"\nmsgstr "共享"\n'),                    # two msgstr lines
    ('msgstr "分享"\n', 'msgstr "分享\n'),                                    # unterminated
    ('msgstr "约 %(num)s 分钟读完"', 'msgstr "约 %(num)d 分钟读完"'),           # another type
    ('"Plural-Forms: nplurals=1; plural=0;\\n"', '"Plural-Forms: nplurals=1; plural=n/;\\n"'),
    ('msgstr "分享"\n', 'msgstr "分享"\n\nmsgid "x"\n'),                      # no msgstr
])
def test_the_release_refuses_what_msgfmt_refuses_at_its_line(site_copy, old, new):
    po = ui_po(site_copy)
    replace_in(po, old, new)
    assert _msgfmt_refuses(po)
    problems = refused(site_copy)
    assert len(problems) == 1 and problems[0].startswith(
        "translations/zh/LC_MESSAGES/messages.po:"), problems
    assert "Traceback" not in problems[0]


def test_the_release_names_msgfmts_line_for_a_second_msgstr(site_copy):
    po = ui_po(site_copy)
    replace_in(po, 'msgstr "分享"\n', 'msgstr "分享"\nmsgstr "共享"\n')
    line = line_of(po, 'msgstr "共享"')
    assert refused(site_copy)[0].startswith(
        f"translations/zh/LC_MESSAGES/messages.po:{line}: msgfmt: syntax error")


def test_an_article_catalog_goes_through_msgfmt_too(site_copy):
    po = site_copy.po("en", FULL)
    replace_in(po, f'msgstr "{LINK_EN}"', f'msgstr "{LINK_EN}"\nmsgstr "again"')
    problems = refused(site_copy)
    assert problems[0].startswith(f"translations/en/LC_MESSAGES/articles/{FULL}.po:"), problems
    assert "msgfmt: syntax error" in problems[0]


# --- every build input error is file:line (item 3) -----------------------------------------------

NEW_HEAD = "---\ntitle: 新文章\n"


@pytest.mark.parametrize("front, line, words", [
    ("x: " + "[" * 3000 + "]" * 3000 + "\n", 3, "nested more than"),
    ("byline:\n" + "".join("  " * (i + 1) + "a:\n" for i in range(2000)), None, "nested more than"),
    ("published: 0001-01-01\n", 3, "the year 1 is outside"),
    ("published: 9999-12-31\n", 3, "the year 9999 is outside"),
    ("updated: 9999-12-31T23:59:59-08:00\n", 3, "the year 9999 is outside"),
])
def test_hostile_front_matter_is_a_file_line_error_not_a_traceback(site_copy, front, line, words):
    (site_copy.content / "new.md").write_text(NEW_HEAD + front + "---\n\n段落。\n", "utf-8")
    proc = build_command(site_copy.config())
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr[-2000:]
    problem = [x.strip() for x in proc.stderr.splitlines() if "content/new.md:" in x]
    assert len(problem) == 1 and words in problem[0], proc.stderr[-2000:]
    if line:
        assert problem[0].startswith(f"content/new.md:{line}: ")


def test_an_unclosed_quote_in_a_title_is_reported_on_the_titles_line(site_copy):
    text = ('---\ntitle: "新文章\nsubtitle: 副标题\nbyline:\n  label: 文\n  authors: 甲\n'
            'figures:\n  - caption: 图\n    image: icons/icon-192.png\n    alt: 图标\n'
            '\n\n---\n\n段落。\n')
    (site_copy.content / "new.md").write_text(text, "utf-8")
    problems = refused(site_copy)
    assert len(problems) == 1 and problems[0].startswith("content/new.md:2: "), problems
    assert "never closed" in problems[0]


def test_a_plural_forms_expression_failing_for_some_n_is_refused(site_copy):
    po = ui_po(site_copy)
    replace_in(po, '"Plural-Forms: nplurals=1; plural=0;\\n"',
               '"Plural-Forms: nplurals=1; plural=n/(n-5);\\n"')
    problems = refused(site_copy)
    assert problems == ["translations/zh/LC_MESSAGES/messages.po:2: msgfmt: plural expression "
                        "can produce division by zero"] or (
        len(problems) == 1 and "plural expression" in problems[0]), problems


def test_the_release_check_renders_every_page_of_a_changed_article(site_copy, monkeypatch):
    """Not only the first URL of each page type: a page of the last article listed, in the
    last locale, that fails to render keeps the current release."""
    from webapp.web.views import articles
    good = site_copy.release()
    site_copy.edit(UNDATED, "这座石桥已经有三百年历史。", "这座石桥已有三百年历史。")
    real = articles.cell_labels

    def failing(*args, **kwargs):
        from flask import request
        if request.path == f"/zh-hant/{UNDATED}/parallel/":
            raise RuntimeError("broken page")
        return real(*args, **kwargs)
    monkeypatch.setattr(articles, "cell_labels", failing)
    problems = refused(site_copy)
    assert problems == [f"new release: /zh-hant/{UNDATED}/parallel/: RuntimeError: broken page"]
    assert contract.current_id(site_copy.build_dir) == good.name

"""Property tests: any article file a newsroom can produce either loads, keeping every value
whole and rendering to well-formed markup, or is refused with ``file:line: message``.

Strategies: tests/strategies.py (reused by the page, feed and sitemap tests)."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings

from tests.strategies import (
    GeneratedArticle, article_files, paste_text, write_article, xml_fragment_problem,
)
from webapp.content import ContentError, parse_article, render_inline, xml_problem

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _loaded_value(article, where: str):
    if where == "authors":
        return tuple(b.text for b in article.authors)
    obj = article
    for part in where.replace("]", "").split("."):
        name, _, index = part.partition("[")
        obj = getattr(obj, name)
        if index:
            obj = obj[int(index)]
    return obj.text if obj is not None else None


def _check_accepted(article, generated: GeneratedArticle) -> None:
    for where, value in generated.expected:
        if isinstance(value, tuple):
            assert _loaded_value(article, where) == tuple(v.strip() for v in value), where
        elif value.strip():
            assert _loaded_value(article, where) == value.strip(), where
    assert article.published == generated.dates.get("published")
    assert article.updated == generated.dates.get("updated")
    for key, value in generated.dates.items():  # a date stays a date; a time keeps its offset
        loaded = getattr(article, key)
        assert type(loaded) is type(value)
        if isinstance(value, dt.datetime):
            assert loaded.utcoffset() == value.utcoffset()
    for block in article.blocks:
        rendered = render_inline(block.text)
        assert xml_fragment_problem(rendered) is None, (block, rendered)
        assert xml_problem(block.text) is None


@SETTINGS
@given(article_files())
@example(GeneratedArticle("generated.md", "---\ntitle: 金坛 #新能源之都# 建设提速\n---\n".encode(),
                          [("title", "金坛 #新能源之都# 建设提速")]))
@example(GeneratedArticle("generated.md", "---\ntitle: no\nsubtitle: 2026\n---\n\n金坛召开**“五大行动”**动员大会\n".encode(),
                          [("title", "no"), ("subtitle", "2026")]))
def test_a_file_loads_whole_and_well_formed_or_is_refused_with_file_and_line(generated):
    with tempfile.TemporaryDirectory() as folder:
        path = write_article(Path(folder), generated)
        line_count = generated.data.count(b"\n") + 1
        try:
            article = parse_article(path)
        except ContentError as err:
            assert err.path == str(path)
            assert err.line is not None and 1 <= err.line <= line_count, str(err)
            assert str(err) == f"{path}:{err.line}: {err.message}" and err.message
            return
        _check_accepted(article, generated)


@SETTINGS
@given(paste_text(max_size=80))
def test_inline_text_renders_to_well_formed_markup(text):
    """What translators write goes through the same renderer: unless it holds a character
    XML cannot carry (which the catalog check must refuse), the HTML is well-formed."""
    rendered = render_inline(text)
    if xml_problem(text) is None and xml_problem(rendered) is None:
        assert xml_fragment_problem(rendered) is None, rendered

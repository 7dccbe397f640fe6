"""templates/_article_list.html: the front page's list item, list and pagination macros, with
fixture items (not the seed article): every field present or absent, every language status."""

from __future__ import annotations

import datetime as dt
import re
from types import SimpleNamespace as Item

import pytest
from flask import g
from markupsafe import Markup


def text(html: str, fallback: str | None = None) -> Item:
    return Item(html=Markup(html), fallback_lang=fallback)


LANGUAGES = [Item(name="简体", tag="zh-Hans", status="complete"),
             Item(name="English", tag="en", status="none"),
             Item(name="繁體", tag="zh-Hant", status="partial")]
FULL = Item(url="/en/a/", title=text("A “big” <em>story</em>"), subtitle=text("Its standfirst"),
            date=dt.date(2026, 11, 29), date_label="Updated", minutes=7, languages=LANGUAGES)
BARE = Item(url="/en/b/", title=text("中文标题", "zh-Hans"), subtitle=None, date=None,
            date_label="", minutes=0, languages=[])


@pytest.fixture
def macros(app):
    """The template's macros, rendered in a request for ``locale`` (a locale id)."""
    def load(locale: str):
        ctx = app.test_request_context(f"/{locale}/")
        ctx.push()
        g.locale = locale
        module = app.jinja_env.get_template("_article_list.html").make_module({})
        return module, ctx
    contexts = []

    def factory(locale: str):
        module, ctx = load(locale)
        contexts.append(ctx)
        return module
    yield factory
    for ctx in reversed(contexts):
        ctx.pop()


def test_item_shows_every_field_and_marks_languages_honestly(macros):
    html = str(macros("en").article_item(FULL))
    assert '<h2 class="list-title"><a href="/en/a/">A “big” <em>story</em></a></h2>' in html
    assert '<p class="list-subtitle">Its standfirst</p>' in html
    assert 'Updated <time datetime="2026-11-29">November 29, 2026</time>' in html
    assert "7 min read" in html
    assert '<li lang="zh-Hans" data-status="complete">简体</li>' in html
    assert re.search(r'<li lang="en" data-status="none">English <span class="language-status" '
                     r'lang="en">\(not yet translated\)</span></li>', html)
    assert "(partly translated)" in html
    assert html.count("<a ") == 1  # the whole item is one link


def test_item_without_optional_fields_and_with_a_source_fallback(macros):
    html = str(macros("en").article_item(BARE))
    assert '<h2 class="list-title" lang="zh-Hans" data-untranslated><a href="/en/b/">中文标题</a></h2>' in html
    for absent in ("list-subtitle", "<time", "min read", "list-languages", "list-meta"):
        assert absent not in html


def test_dates_and_labels_follow_the_page_locale(macros):
    zh = str(macros("zh").article_item(FULL))
    assert '<time datetime="2026-11-29">2026年11月29日</time>' in zh
    assert "约 7 分钟读完" in zh
    assert '<span class="language-status" lang="zh-Hans">（尚未翻译）</span>' in zh


def test_list_leads_with_its_first_item_only_when_asked(macros):
    module = macros("en")
    html = str(module.article_list([FULL, BARE], lead=True))
    assert html.count("list-item--lead") == 1 and html.index("list-item--lead") < html.index("/en/b/")
    assert "list-item--lead" not in str(module.article_list([FULL, BARE]))


def test_pagination_links_newer_and_older_pages(macros):
    module = macros("en")
    assert str(module.pagination(1, 1)).strip() == ""  # one page: no navigation
    html = str(module.pagination(2, 3, prev_url="/en/", next_url="/en/page/3/"))
    assert '<nav class="pagination" aria-label="Pages">' in html
    assert re.search(r'<a href="/en/" rel="prev">.*Newer articles</a>', html)
    assert re.search(r'<a href="/en/page/3/" rel="next">Older articles .*</a>', html)
    assert "Page 2 of 3" in html
    last = str(module.pagination(3, 3, prev_url="/en/page/2/"))
    assert 'rel="next"' not in last and 'rel="prev"' in last

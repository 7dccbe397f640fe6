"""Jinja set-up in one place: the globals and filters templates may use, and UI translations
that are always text.

Translators are semi-trusted (an account can be compromised), so a UI msgstr is never markup:
:func:`gettext` and friends escape the translation, then fill in its ``%(name)s`` variables
(escaped too, Markup's ``%``). Jinja's own newstyle gettext marks the msgstr safe, which would
let ``分享<img src=x onerror=…>`` reach every page. A msgstr whose placeholders do not match its
msgid falls back to the msgid instead of failing the page.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from urllib.parse import urljoin

from babel.dates import format_skeleton
from flask import render_template
from flask_babel import format_date, get_locale, get_translations
from markupsafe import Markup, escape
from werkzeug.routing import BaseConverter

from webapp import dates
from webapp.content import SLUG_PATTERN
from webapp.web import i18n
from webapp import locales
from webapp.web import seo
from webapp.web.state import (
    THEME_COLOR,
    absolute_url,
    asset_url,
    image_size,
    inline_asset,
    photo,
    photo_url,
    save_urls,
)


class SlugConverter(BaseConverter):
    """URL converter for article slugs: lowercase letters, digits and single hyphens."""

    regex = SLUG_PATTERN


def _fill(translated: str, source: str, variables: dict) -> Markup:
    text = escape(translated)
    if not variables:
        return text
    try:
        return text % variables
    except (KeyError, ValueError, TypeError):
        return escape(source) % variables


def gettext(string: str, **variables) -> Markup:
    """Translate a UI string (English msgid) into the current locale, as escaped text."""
    return _fill(get_translations().ugettext(string), string, variables)


def ngettext(singular: str, plural: str, num: int, **variables) -> Markup:
    """Plural form of :func:`gettext`; ``num`` is also available as ``%(num)s``."""
    variables.setdefault("num", num)
    return _fill(get_translations().ungettext(singular, plural, num),
                 singular if num == 1 else plural, variables)


def pgettext(context: str, string: str, **variables) -> Markup:
    """:func:`gettext` with a msgctxt."""
    return _fill(get_translations().upgettext(context, string), string, variables)


def npgettext(context: str, singular: str, plural: str, num: int, **variables) -> Markup:
    """:func:`ngettext` with a msgctxt."""
    variables.setdefault("num", num)
    return _fill(get_translations().unpgettext(context, singular, plural, num),
                 singular if num == 1 else plural, variables)


def newsroom_date(value: dt.date | dt.datetime, fmt: str = "long") -> str:
    """A date or datetime as the newsroom's calendar day, in the current locale's ``fmt``
    (Babel/CLDR date formats: ``2026年11月29日``, ``29 November 2026``)."""
    return format_date(dates.local_date(value), fmt)


def month_label(year: int, month: int) -> str:
    """"November 2026" / "2026年11月" (CLDR skeleton ``yMMMM`` in the current locale)."""
    return format_skeleton("yMMMM", dt.date(year, month, 1), locale=get_locale())


def year_label(year: int) -> str:
    """"2026" / "2026年" (CLDR skeleton ``y``)."""
    return format_skeleton("y", dt.date(year, 1, 1), locale=get_locale())


# a URL-valued attribute as our templates and the Markdown renderer write it (double quotes)
_URL_ATTRIBUTE = re.compile(r'(\s(?:href|src)=")([^"]*)(")')


def absolute_links(fragment: str, base: str) -> str:
    """``fragment`` (HTML text) with every ``href`` and ``src`` resolved against ``base`` (the
    absolute URL of the page the fragment comes from), per RFC 3986 section 5
    (``urllib.parse.urljoin``): ``/zh/x/`` -> ``https://site/zh/x/``, ``#note`` ->
    ``<base>#note``. Feed readers rarely honour ``xml:base`` (RFC 4287 section 2), so a feed's
    content must not depend on it. Attribute values are unescaped before and escaped after."""
    def resolve(match: re.Match) -> str:
        url = urljoin(base, html.unescape(match.group(2)))
        return f"{match.group(1)}{escape(url)}{match.group(3)}"
    return _URL_ATTRIBUTE.sub(resolve, fragment)


def feed_content(article, shown, base: str) -> str:
    """An article's text as one HTML fragment for ``atom:content type="html"`` (text: the
    feed template escapes it), every link resolved against ``base``, the article's page URL
    in the feed's locale (:func:`absolute_links`)."""
    return absolute_links(render_template("_feed_content.html", article=article, shown=shown), base)


def figure_layout(article) -> tuple[list, dict]:
    """Where an article page shows its figures: ``(top, after)``. ``top`` (before the body)
    holds the lead figure (the first one with a photo), every caption-only figure and, in the
    front matter's order, every figure when the body has no paragraph; the other photos are
    spread evenly through the body, ``after`` mapping a paragraph's block id to the figures
    shown after it. Below the first screen a lazy photo then stays unfetched until the reader
    scrolls near it (docs/photos.md: bytes to first view)."""
    paragraphs = [b for b in article.body if b.kind == "paragraph"]
    pictured = [f for f in article.figures if f.image and photo(f.image)]
    spread = pictured[1:] if paragraphs else []
    top = [f for f in article.figures if f not in spread]
    after: dict[str, list] = {}
    for j, fig in enumerate(spread, start=1):
        at = min(len(paragraphs), max(1, round(j * len(paragraphs) / (len(spread) + 1))))
        after.setdefault(paragraphs[at - 1].id, []).append(fig)
    return top, after


def init_app(app) -> None:
    """Install the escaping gettext callables and every template global and filter."""
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(gettext=gettext, ngettext=ngettext, newstyle=False,
                                            pgettext=pgettext, npgettext=npgettext)
    app.jinja_env.filters.update(format_date=format_date, newsroom_date=newsroom_date,
                                 w3c_datetime=dates.w3c_datetime, rfc3339=dates.rfc3339)
    app.jinja_env.globals.update(
        LOCALES=locales.LOCALES, SOURCE_LOCALE=locales.SOURCE_LOCALE,
        SECOND_LOCALE=locales.SECOND_LOCALE, COOKIE_NAME=locales.COOKIE_NAME,
        COOKIE_MAX_AGE=locales.COOKIE_MAX_AGE, Status=locales.Status, current_locale=i18n.current_locale,
        join_names=i18n.join_names, asset_url=asset_url, inline_asset=inline_asset,
        absolute_url=absolute_url,
        json_ld=seo.json_ld, lead_photo=seo.lead_photo, share_image=seo.share_image, image_size=image_size, news_article=seo.news_article, THEME_COLOR=THEME_COLOR, month_label=month_label, year_label=year_label,
        save_urls=save_urls, photo=photo, photo_url=photo_url, figure_layout=figure_layout,
        feed_content=feed_content)

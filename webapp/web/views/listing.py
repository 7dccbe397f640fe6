"""Lists of articles: paginated front pages and the archive by month.

- ``/<locale>/`` and ``/<locale>/page/<n>/`` (n ≥ 2): newest first by listing date (published,
  else updated; undated last), ``PAGE_SIZE`` per page, ``rel=prev``/``next`` links. Every
  article is listed in every locale; one not yet translated into the page's locale says so
  ("In Chinese only"), so a reader of English can still find it and see what awaits translation.
- ``/<locale>/archive/``: every month with articles, newest first, with counts.
- ``/<locale>/archive/<yyyy>/<mm>/``: that month's articles; ``/<locale>/archive/undated/``.

Each list is one SQL query on the release index: no article is parsed to list it.
"""

from __future__ import annotations

import math

from flask import abort, current_app, render_template

from webapp.web.i18n import current_locale
from webapp.locales import LOCALES
from webapp.web.pages import READ, page
from webapp.web.state import site


def page_count() -> int:
    """Number of front pages (at least 1)."""
    return max(1, math.ceil(site().release.count / current_app.config["PAGE_SIZE"]))


def _front(number: int) -> str:
    size = current_app.config["PAGE_SIZE"]
    items = site().release.listing(current_locale(), (number - 1) * size, size)
    return render_template("index.html", items=items, number=number, pages=page_count(),
                           page=("reader.index", {}) if number == 1
                           else ("reader.front_page", {"number": number}),
                           indexable=True, alternates=list(LOCALES))


def index_urls(s):
    for code in LOCALES:
        yield {"lang": code}


def front_page_urls(s):
    size = current_app.config["PAGE_SIZE"]
    for number in range(2, max(1, math.ceil(s.release.count / size)) + 1):
        for code in LOCALES:
            yield {"lang": code, "number": number}


@page("/<locale:lang>/", urls=index_urls, sitemap=True, offline=READ)
def index() -> str:
    """The front page: the newest articles."""
    return _front(1)


def first_front_page(values: dict) -> tuple[str, dict] | None:
    """Front page 1 (``/zh/page/1/``, ``/zh/page/0001/``) is the locale's front page, ``/zh/``:
    the page its URLs redirect to (pages.canonical_url)."""
    rest = {k: v for k, v in values.items() if k != "number"}   # the locale, if given
    return ("reader.index", rest) if values["number"] == 1 else None


@page("/<locale:lang>/page/<int:number>/", urls=front_page_urls, offline=READ,
      same_as=first_front_page)
def front_page(number: int) -> str:
    """Front page ``number`` (2 and up; page 1 is ``/<locale>/``, which its URLs redirect to
    before this runs). 404 beyond the last."""
    if number < 1 or number > page_count():
        abort(404)
    return _front(number)


def archive_urls(s):
    yield from index_urls(s)


def month_urls(s):
    for year, month, _n in s.release.months():
        for code in LOCALES:
            yield {"lang": code, "year": year, "month": month}


def undated_urls(s):
    if s.release.undated_count():
        yield from index_urls(s)


@page("/<locale:lang>/archive/", urls=archive_urls, sitemap=True, offline=READ)
def archive() -> str:
    """Every month with articles, grouped by year, newest first."""
    release = site().release
    years: dict[int, list[tuple[int, int]]] = {}
    for year, month, count in release.months():
        years.setdefault(year, []).append((month, count))
    return render_template("archive.html", years=years, undated=release.undated_count(),
                           page=("reader.archive", {}), indexable=True,
                           alternates=list(LOCALES))


@page("/<locale:lang>/archive/<int(fixed_digits=4):year>/<int(fixed_digits=2):month>/",
      urls=month_urls, sitemap=True, offline=READ)
def archive_month(year: int, month: int) -> str:
    """The articles of one month; 404 for a month without any."""
    if not 1 <= month <= 12:
        abort(404)
    items = site().release.month_listing(current_locale(), year, month)
    if not items:
        abort(404)
    return render_template("archive_month.html", items=items, year=year, month=month,
                           page=("reader.archive_month", {"year": year, "month": month}),
                           indexable=True, alternates=list(LOCALES))


@page("/<locale:lang>/archive/undated/", urls=undated_urls, offline=READ)
def archive_undated() -> str:
    """Articles without a date; 404 when there are none."""
    items = site().release.undated_listing(current_locale())
    if not items:
        abort(404)
    return render_template("archive_month.html", items=items, year=None, month=None,
                           page=("reader.archive_undated", {}), indexable=True,
                           alternates=list(LOCALES))

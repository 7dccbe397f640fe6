"""The app's state, typed (``app.extensions["reader"]``), and the small helpers every view and
template uses: the current site, absolute URLs from ``SITE_URL``, hashed static URLs."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import current_app, url_for

from webapp.web.delivery import PageMemo
from webapp.locales import LOCALES
from webapp.web.release import Release

THEME_COLOR = "#b3261e"        # the brand red (--accent in site.css); <meta name=theme-color> too
BACKGROUND_COLOR = "#fbfaf7"   # --bg, so the splash screen matches the first paint


@dataclass
class Site:
    """Everything a worker holds: the release it serves, its page memo, and values derived
    once from them (the service worker's data)."""

    release: Release
    memo: PageMemo
    site_url: str
    derived: dict = field(default_factory=dict)
    # the static files pages carry inline: source path -> (text, CSP hash), Release.inline_assets
    inline: dict = field(default_factory=dict)
    # search results pages, keyed by path and canonical query (bounded: entries and bytes)
    results: PageMemo = field(default_factory=lambda: PageMemo(4 * 1024 * 1024, 512))


def site() -> Site:
    """The current app's :class:`Site`."""
    return current_app.extensions["reader"]


def absolute_url(endpoint: str, **values) -> str:
    """Absolute URL of ``endpoint``: ``SITE_URL`` + the route's path, never the request's
    Host (so no client header reaches canonical links, feeds or sitemaps)."""
    return site().site_url + url_for(endpoint, **values)


def image_size(path: str) -> list[int] | None:
    """``[width, height]`` in pixels of a static image (read at release time), or None."""
    return site().release.image_sizes.get(path)


def photo(source: str):
    """The processed photo (:class:`webapp.photos.Photo`) of a figure's ``image`` path in the
    current release, or None."""
    return site().release.photo(source)


def photo_url(path: str) -> str:
    """URL of a photo rendition by its pool path (``photos/x-640.<hash>.avif``)."""
    return "/static/" + path


def asset_url(path: str) -> str:
    """URL of a static file by its source path (``css/site.css``), content-hashed.

    :raises KeyError: for a file that is not under ``static/``."""
    return "/static/" + site().release.assets[path]


def inline_asset(path: str):
    """The text (Markup, to be written as it is) of a static file pages carry inline
    (``contract.INLINE_ASSETS``: ``js/prefs.js``, ``css/site.css``), as published (minified);
    the page's CSP allows exactly this text by its hash.

    :raises KeyError: for a file that is not inlined."""
    return site().inline[path][0]


def save_urls(slug: str) -> list[str]:
    """Every page "Save for offline" keeps for ``slug``: the article in each locale and its
    parallel text in each locale (paths)."""
    return [url_for(endpoint, lang=code, slug=slug)
            for endpoint in ("reader.article", "reader.parallel") for code in LOCALES]

"""The ``reader`` blueprint: every route of the site (microblog's blueprint-package layout).

One module per concern, each declaring its pages with :func:`webapp.web.pages.page`:

- ``articles.py``   an article, its parallel text (中英对照)
- ``listing.py``    front pages (paginated), the archive by month
- ``discovery.py``  sitemaps, robots.txt, Atom feeds, and the JSON-LD/Open Graph helpers
- ``search.py``     search results and the OpenSearch description
- ``offline.py``    the service worker, web app manifests, the offline and saved-library pages
- ``root.py``       ``/`` (language negotiation), health and readiness, root-level icons,
                    error pages

Helpers the views share live below them (``webapp.web.state``, ``webapp.web.i18n``,
``webapp.web.release``); nothing here imports upward.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g

from webapp.web import pages

bp = Blueprint("reader", __name__)


@bp.url_defaults
def add_locale(endpoint, values):
    """Keep the current locale in every ``url_for`` that needs one (Flask's URL processors
    pattern): pages link within their own language unless told otherwise."""
    if "lang" not in values and g.get("locale") \
            and current_app.url_map.is_endpoint_expecting(endpoint, "lang"):
        values["lang"] = g.locale


@bp.url_value_preprocessor
def pull_locale(endpoint, values):
    """Move the URL's locale (already a locale id: ``webapp.locales.LocaleConverter``) to
    ``g.locale``, where :func:`webapp.web.i18n.current_locale` reads it."""
    if values and "lang" in values:
        g.locale = values.pop("lang")


# The view modules add their pages to the registry; then the registry adds the routes.
from webapp.web.views import articles, discovery, listing, offline, root, search  # noqa: E402

pages.register(bp)
root.register(bp)


def reserved_slugs() -> set[str]:
    """First path segments after the locale that pages of the site use (``archive``,
    ``page``, ``saved``...): an article cannot be named after one."""
    out = set()
    for pt in pages.REGISTRY.values():
        parts = pt.rule.split("/")
        if len(parts) > 2 and parts[1].startswith("<locale:") and parts[2] \
                and not parts[2].startswith("<"):
            out.add(parts[2].split(".")[0])
    return out


__all__ = ["bp", "reserved_slugs", "articles", "discovery", "listing", "offline", "root", "search"]

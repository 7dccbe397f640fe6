"""Configuration: defaults, overridden by environment variables ``JINTAN_<NAME>`` (Flask's
``from_prefixed_env``: values are parsed as JSON when they can be, else kept as text), then
checked once at start by :func:`validate`, which names the variable of any bad value.

No secrets are needed: the app keeps no sessions.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """A configuration value is unusable. ``str()`` is one line naming the variable."""


class Defaults:
    # --- sources (read by the release build, `make release`) -------------------------------
    CONTENT_DIR = str(ROOT / "content")            # the newsroom's article files
    TRANSLATIONS_DIR = str(ROOT / "translations")  # gettext catalogs (.po)
    STATIC_DIR = str(ROOT / "static")              # hand-written css/js/icons
    # The newsroom's source photos (figure ``image:`` paths are relative to it); None: the
    # folder ``photos`` beside CONTENT_DIR. Never served: only their renditions are.
    PHOTOS_DIR = None
    TEMPLATES_DIR = str(ROOT / "templates")        # Jinja templates (pages, feeds, sitemaps)
    # --- build output: static pool, objects, releases; written only by `make release` ---------
    BUILD_DIR = str(ROOT / "build")  # releases, objects, static pool: written by make release only
    # What the release build renders before switching: "changed" (one page of every type plus
    # every page of each new or changed article) or "smoke" (one page of every type only).
    RENDER_CHECK = "changed"
    # The release to serve; default: BUILD_DIR/releases/current (resolved once per worker).
    RELEASE = None
    # --- public identity -----------------------------------------------------------------------
    # Every absolute URL (canonical, hreflang, feeds, sitemaps, JSON-LD) is built from this,
    # never from the request's Host. Production sets it, e.g. https://news.example
    SITE_URL = "http://127.0.0.1:8000"
    SITE_NAME = "Jintan Reader"      # the publisher named in JSON-LD
    # Host names the app answers to (JSON list). None: the SITE_URL host plus loopback names.
    TRUSTED_HOSTS = None
    # Proxies in front that set X-Forwarded-For and X-Forwarded-Proto (werkzeug ProxyFix);
    # 0 trusts none. X-Forwarded-Host and -Prefix are never read: URLs come from SITE_URL.
    PROXY_FIX_HOPS = 0
    # HSTS is sent only over HTTPS; set JINTAN_HSTS="" to turn it off.
    HSTS = "max-age=63072000; includeSubDomains"
    # --- caching -------------------------------------------------------------------------------
    # Pages: browsers revalidate every time (a cheap 304 with the ETag), so a link followed after
    # a publish shows the new text; shared caches (Varnish, nginx, a CDN) may hold a page 60 s.
    PAGE_CACHE_CONTROL = "public, max-age=0, s-maxage=60"
    FEED_CACHE_CONTROL = "public, max-age=600"      # feeds, sitemaps, robots.txt
    # Search results (/<locale>/search/?q=): shared caches may hold one briefly.
    SEARCH_CACHE_CONTROL = "public, max-age=0, s-maxage=30"
    SEARCH_PAGE_SIZE = 10             # results per page
    SEARCH_MEMO_MB = 4                # results pages kept per worker (LRU, bytes incl. encodings)
    SEARCH_MEMO_ENTRIES = 512         # ... and at most this many
    # A 404 in a locale's URL space (/en/<invented>/): shared caches may hold it 10 s, so a
    # flood of the same invented paths stops at the cache. Not the browser (max-age=0): a page
    # published a moment later must show at once.
    NOT_FOUND_CACHE_CONTROL = "public, max-age=0, s-maxage=10"
    PAGE_MEMO_MB = 24                 # rendered pages kept per worker (LRU, bytes incl. encodings)
    ARTICLE_CACHE_SIZE = 128          # parsed articles (with their catalogs) kept per worker
    # --- listing and offline -------------------------------------------------------------------
    PAGE_SIZE = 20                    # articles per front page
    FEED_SIZE = 20                    # newest entries in each Atom feed
    OFFLINE_LATEST = 5                # newest articles the service worker keeps in the reader's locale
    OFFLINE_MAX_PAGES = 60            # pages read online that the worker keeps (LRU)
    # bytes of photos of read pages the worker keeps (oldest out first; one size per photo, the
    # one the device loaded); photos of saved articles come on top and are never evicted
    OFFLINE_PHOTO_BYTES = 20_000_000
    # --- HTTP ----------------------------------------------------------------------------------
    # OPTIONS is not answered automatically, so it gets 405 with Allow.
    PROVIDE_AUTOMATIC_OPTIONS = False


LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")


def validate(config) -> None:
    """Check and normalise the settings in ``config`` (a Flask ``Config``) in place.

    Sets ``TRUSTED_HOSTS`` to the SITE_URL host plus :data:`LOOPBACK_HOSTS` when unset.
    :raises ConfigError: one line, naming the ``JINTAN_`` variable and what a good value is.
    """
    site = config.get("SITE_URL")
    parts = urlsplit(site) if isinstance(site, str) else None
    if (parts is None or parts.scheme not in ("http", "https") or not parts.hostname
            or parts.path not in ("", "/") or parts.query or parts.fragment):
        raise ConfigError(f"JINTAN_SITE_URL={site!r}: give the site's public origin, "
                          "e.g. https://news.example (http or https, a host, no path)")
    config["SITE_URL"] = f"{parts.scheme}://{parts.netloc}"
    hosts = config.get("TRUSTED_HOSTS")
    if hosts is None:
        hosts = [parts.hostname, *LOOPBACK_HOSTS]
    if (not isinstance(hosts, list) or not hosts
            or not all(isinstance(h, str) and h and "/" not in h for h in hosts)):
        raise ConfigError(f"JINTAN_TRUSTED_HOSTS={hosts!r}: give a JSON list of host names, "
                          "e.g. '[\"news.example\"]'")
    if parts.hostname not in hosts:
        hosts = [parts.hostname, *hosts]
    config["TRUSTED_HOSTS"] = hosts
    for name, low in (("PROXY_FIX_HOPS", 0), ("PAGE_MEMO_MB", 1), ("ARTICLE_CACHE_SIZE", 1),
                      ("PAGE_SIZE", 1), ("FEED_SIZE", 1), ("OFFLINE_LATEST", 0),
                      ("OFFLINE_MAX_PAGES", 1), ("OFFLINE_PHOTO_BYTES", 0), ("SEARCH_PAGE_SIZE", 1),
                      ("SEARCH_MEMO_MB", 1), ("SEARCH_MEMO_ENTRIES", 1)):
        value = config.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise ConfigError(f"JINTAN_{name}={value!r}: must be a whole number ≥ {low}")
    for name in ("HSTS", "PAGE_CACHE_CONTROL", "FEED_CACHE_CONTROL", "SEARCH_CACHE_CONTROL",
                 "NOT_FOUND_CACHE_CONTROL"):
        value = config.get(name)
        if not isinstance(value, str) or any(c in value for c in "\r\n"):
            raise ConfigError(f"JINTAN_{name}={value!r}: must be one line of text")


def load(overrides: dict | None = None):
    """The configuration outside an app (command-line tools): defaults, then ``JINTAN_``
    environment variables, then ``overrides``, validated. Returns a Flask ``Config``.
    :raises ConfigError: as :func:`validate`."""
    from flask import Config
    config = Config(str(ROOT))
    config.from_object(Defaults)
    config.from_prefixed_env("JINTAN")
    if overrides:
        config.update(overrides)
    validate(config)
    return config

"""Configuration defaults. Each can be overridden by an environment variable ``JINTAN_<NAME>``
(Flask's ``from_prefixed_env``; values are parsed as JSON when they can be, else kept as text).
No secrets are needed: the app keeps no sessions.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class Defaults:
    CONTENT_DIR = str(ROOT / "content")            # the newsroom's article files
    TRANSLATIONS_DIR = str(ROOT / "translations")  # <locale>/LC_MESSAGES/{messages,article}.mo
    STATIC_DIR = str(ROOT / "static")              # hand-written css/js/icons
    BUILD_DIR = str(ROOT / "build" / "static")     # hashed + compressed copies, served
    # Pages: browsers and CDNs may keep a page 5 minutes, then serve it stale for up to a day
    # while revalidating (RFC 5861); the ETag makes revalidation a cheap 304.
    PAGE_CACHE_CONTROL = "public, max-age=300, stale-while-revalidate=86400"
    SITE_NAME = "Jintan Reader"
    # Base URL used only to render pages for the service worker's precache revisions, so a
    # revision depends on the page's content, never on the Host a request came in with.
    SITE_URL = "http://localhost"
    PAGE_MEMO_SIZE = 256             # rendered pages kept per process (LRU)
    # HSTS is sent only over HTTPS; set JINTAN_HSTS="" to turn it off.
    HSTS = "max-age=63072000; includeSubDomains"
    # Number of proxies in front that set X-Forwarded-For/-Proto/-Host/-Prefix (werkzeug
    # ProxyFix). 0 = trust none: the default, since a spoofed header must not change URLs.
    PROXY_FIX_HOPS = 0
    # Host names the site answers to, e.g. JINTAN_TRUSTED_HOSTS='["news.example"]' (Flask's
    # TRUSTED_HOSTS): any other Host header gets 400, so no page links to a spoofed host.
    # None accepts any host (development, or a proxy that already checks it).
    TRUSTED_HOSTS = None
    # Methods: OPTIONS is not answered automatically, so it gets 405 with Allow.
    PROVIDE_AUTOMATIC_OPTIONS = False

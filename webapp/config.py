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

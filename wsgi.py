"""WSGI entry point: ``gunicorn wsgi:app`` (see gunicorn.conf.py)."""
import sys

from webapp import create_app
from webapp.content import ContentError
from webapp.pwa import precache_manifest

try:
    app = create_app()
except ContentError as exc:  # a newsroom error: say which file and line, not a traceback
    sys.stderr.write(f"\nJintan Reader cannot start: {exc}\n\n")
    sys.exit(1)
# Render and hash every precached page now, in the gunicorn master (preload_app), instead of
# on the first /sw.js request of each worker.
precache_manifest(app)

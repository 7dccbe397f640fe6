"""WSGI entry point: ``gunicorn wsgi:app`` (see gunicorn.conf.py).

Each gunicorn worker imports this module when it boots (no preload), so ``kill -HUP`` starts
workers on the release ``make release`` switched to. A worker that cannot start says why in one
line (a bad ``JINTAN_`` setting, or no release built) instead of a traceback.
"""
import sys

from webapp import create_app
from webapp.config import ConfigError
from webapp.release import ReleaseError

try:
    app = create_app()
except (ConfigError, ReleaseError) as exc:
    sys.stderr.write(f"\nJintan Reader cannot start: {exc}\n\n")
    sys.exit(1)

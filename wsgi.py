"""WSGI entry point: ``gunicorn wsgi:app`` (see gunicorn.conf.py)."""
import sys

from webapp import create_app
from webapp.content import ContentError

try:
    app = create_app()
except ContentError as exc:  # a newsroom error: say which file and line, not a traceback
    sys.stderr.write(f"\nJintan Reader cannot start: {exc}\n\n")
    sys.exit(1)

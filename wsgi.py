"""WSGI entry point: ``gunicorn wsgi:app`` (see gunicorn.conf.py)."""
from webapp import create_app

app = create_app()

"""The benchmark's baseline: a bare Flask view returning the article's bytes, unprocessed.

Served by `make bench` under the same gunicorn.conf.py (GUNICORN_WSGI_APP=scripts.bench_bare:app).
"""
import os
from pathlib import Path

from flask import Flask, Response

app = Flask(__name__)
BODY = Path(os.environ["BENCH_BARE_BODY"]).read_bytes()


@app.route("/")
def bare():
    return Response(BODY, mimetype="text/html")


@app.route("/healthz")
def healthz():
    return "ok\n"

"""Routes: locale-prefixed pages (``/zh/...``, ``/en/...``), the negotiating root, health, errors."""

from __future__ import annotations

from flask import (Blueprint, Response, abort, current_app, g, redirect, render_template,
                   request, url_for)
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, SecurityError

from webapp import i18n
from webapp.http import page
from webapp.i18n import LOCALES

bp = Blueprint("reader", __name__)


@bp.url_defaults
def add_lang_code(endpoint, values):
    """Keep the current locale in every ``url_for`` (Flask's URL-processors pattern), and
    write a locale id as its URL segment (``lang_code="zh_Hant"`` -> ``/zh-hant/``)."""
    if "lang_code" not in values and g.get("lang_code") \
            and current_app.url_map.is_endpoint_expecting(endpoint, "lang_code"):
        values["lang_code"] = g.lang_code
    if values.get("lang_code") in LOCALES:
        values["lang_code"] = LOCALES[values["lang_code"]].segment


@bp.url_value_preprocessor
def pull_lang_code(endpoint, values):
    """Move ``lang_code`` from the URL to ``g`` as a locale id (``zh-hant`` -> ``zh_Hant``);
    an unknown locale prefix is a 404 (so is an id spelled as in Python, ``/zh_Hant/``: each
    page has one URL)."""
    if values and "lang_code" in values:
        lang = i18n.locale_from_segment(values.pop("lang_code"))
        if lang is None:
            abort(404)
        g.lang_code = lang


def articles():
    return current_app.extensions["articles"]


def asset_url(path: str) -> str:
    """URL of a static file by its source path (``css/site.css``), content-hashed."""
    return "/static/" + current_app.extensions["assets"][path]


@bp.route("/")
def root():
    """Send the reader to their language: saved choice, then Accept-Language, then Chinese."""
    resp = redirect(url_for("reader.index", lang_code=i18n.preferred_locale()), 302)
    resp.headers["Vary"] = "Accept-Language, Cookie"
    resp.headers["Cache-Control"] = "private, no-cache"
    return resp


@bp.route("/<lang_code>/")
@page
def index():
    """Front page: every article, newest first."""
    items = [(a, i18n.translate_block(a.title, g.lang_code),
              i18n.translate_block(a.subtitle, g.lang_code) if a.subtitle else None)
             for a in articles().values()]
    return render_template("index.html", items=items, page=("reader.index", {}), indexable=True)


def translated_article(slug: str):
    """``(Article, {block id: Rendered})`` in the URL's locale. :raise 404: unknown slug."""
    art = articles().get(slug)
    if art is None:
        abort(404)
    return art, {b.id: i18n.translate_block(b, g.lang_code) for b in art.blocks}


@bp.route("/<lang_code>/<slug>/")
@page
def article(slug: str):
    """One article in the URL's locale; every block shown, untranslated ones in the source."""
    art, tr = translated_article(slug)
    return render_template("article.html", article=art, tr=tr,
                           page=("reader.article", {"slug": slug}), indexable=True)


@bp.route("/healthz")
def healthz():
    """Liveness for load balancers: no rendering, no catalogs."""
    return Response("ok\n", mimetype="text/plain", headers={"Cache-Control": "no-store"})


def handle_http_error(exc: HTTPException):
    """Every 4xx/5xx as a page in the reader's language, with a way home."""
    if isinstance(exc, SecurityError):  # untrusted Host (TRUSTED_HOSTS): no URLs can be built
        return Response("Bad request: unknown host\n", status=400, mimetype="text/plain",
                        headers={"Cache-Control": "no-store"})
    first_segment = request.path.lstrip("/").split("/", 1)[0]
    lang = g.get("lang_code") or i18n.locale_from_segment(first_segment) \
        or i18n.preferred_locale()
    g.lang_code = lang
    titles = {404: _("Page not found"), 405: _("Method not allowed"), 400: _("Bad request")}
    title = titles.get(exc.code, exc.name)
    html = render_template("error.html", code=exc.code, title=title,
                           page=("reader.index", {}), indexable=False)
    resp = Response(html, status=exc.code, mimetype="text/html")
    resp.headers["Cache-Control"] = "no-store"
    if exc.code == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
        resp.headers["Allow"] = ", ".join(exc.valid_methods)
    return resp


def init_app(app) -> None:
    """Register error pages and template helpers."""
    app.register_error_handler(HTTPException, handle_http_error)
    app.jinja_env.globals.update(asset_url=asset_url)

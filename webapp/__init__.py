"""Jintan Reader: a bilingual (Chinese/English) news reader served by Flask."""

from __future__ import annotations

from flask import Flask
from flask_babel import Babel
from whitenoise import WhiteNoise

from werkzeug.middleware.proxy_fix import ProxyFix

from webapp import assets, http, i18n
from webapp.config import ROOT, Defaults
from webapp.content import check_figure_images, load_articles

babel = Babel()


def create_app(test_config: dict | None = None) -> Flask:
    """Build the WSGI app.

    :param test_config: mapping that overrides the defaults and the environment (tests).
    Start-up loads every article (a malformed file raises ``ContentError`` naming file and
    line), loads the compiled catalogs, and builds the hashed static files.
    """
    app = Flask(__name__, static_folder=None, template_folder=str(ROOT / "templates"))
    app.config.from_object(Defaults)
    app.config.from_prefixed_env("JINTAN")
    if test_config:
        app.config.from_mapping(test_config)

    app.config["BABEL_TRANSLATION_DIRECTORIES"] = app.config["TRANSLATIONS_DIR"]
    app.config["BABEL_DEFAULT_LOCALE"] = i18n.DEFAULT_LOCALE
    babel.init_app(app, locale_selector=i18n.locale_selector)

    i18n.init_app(app)

    app.extensions["articles"] = load_articles(app.config["CONTENT_DIR"])
    app.extensions["assets"] = assets.build(app.config["STATIC_DIR"], app.config["BUILD_DIR"])
    check_figure_images(app.extensions["articles"], app.extensions["assets"])

    http.init_app(app)
    # these modules add their routes to views.bp, so import them before registering it
    from webapp import discovery, parallel, pwa, views  # noqa: F401
    app.register_blueprint(views.bp)
    views.init_app(app)
    pwa.init_app(app)
    parallel.init_app(app)
    discovery.init_app(app)

    app.wsgi_app = WhiteNoise(
        app.wsgi_app,
        root=app.config["BUILD_DIR"],
        prefix="static/",
        # hashed names never change content: cache for a year, immutable
        immutable_file_test=lambda path, url: bool(assets.HASHED_RE.search(url)),
        max_age=60,
    )
    app.wsgi_app = http.PageCache(app.wsgi_app, app.extensions["page_memo"],
                                  app.config["PAGE_CACHE_CONTROL"])
    hops = int(app.config["PROXY_FIX_HOPS"])
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops,
                                x_prefix=hops)
    app.wsgi_app = http.SecurityHeaders(app.wsgi_app, hsts=app.config["HSTS"])
    return app

"""The web app factory: a Jintan Reader worker, served by Flask.

``create_app()`` serves the release that ``make release`` built (docs/architecture.md): it
reads the release's index and UI catalogs, nothing else, so a worker boots in about a second
whatever the archive's size and writes nothing to disk.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, abort
from flask_babel import Babel
from werkzeug.exceptions import NotFound
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import RequestRedirect

from webapp import contract
from webapp.web import observability
from webapp.web import templating
from webapp.config import ROOT, Defaults, validate
from webapp.web.delivery import Gate, MemoFront, PageMemo, StaticPool, content_security_policy
from webapp.web.i18n import locale_selector
from webapp.locales import DEFAULT_LOCALE, LocaleConverter, locale_alias
from webapp.web.release import Release
from webapp.web.state import Site

class ReaderFlask(Flask):
    """Flask with relative redirects for a missing trailing slash: werkzeug builds an absolute
    ``Location`` from the request's Host, which a client chooses."""

    def raise_routing_exception(self, request):
        from webapp.web.pages import canonical_path, canonical_redirect, resolve, surely_absent
        exc = request.routing_exception
        if isinstance(exc, RequestRedirect):
            found = resolve(request.path, None)
            if found and surely_absent(found[1], self.extensions["reader"].release):
                abort(404)   # "/en/<invented>": the 404 at once, not a redirect to it
            parts = urlsplit(exc.new_url)
            # straight to the canonical URL (one redirect for "/zh/page/0002")
            location = canonical_path(request.path) or "/" + parts.path.lstrip("/")
            abort(canonical_redirect(location + (f"?{parts.query}" if parts.query else "")))
        if isinstance(exc, NotFound) and locale_alias(request.path):
            # "/ZH/", "/zh-TW/<slug>/", "/en-US/archive/": the page of the locale they name
            location = canonical_path(request.path)
            if location:
                abort(canonical_redirect(location))
        super().raise_routing_exception(request)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the WSGI app on a built release.

    :param test_config: mapping that overrides the defaults and the environment (tests).
    :raises webapp.config.ConfigError: a bad setting, naming its variable.
    :raises webapp.web.release.ReleaseError: no release built yet (run ``make release``).
    """
    app = ReaderFlask(__name__, static_folder=None, template_folder=str(ROOT / "templates"))
    app.config.from_object(Defaults)
    app.config.from_prefixed_env("JINTAN")
    if test_config:
        app.config.from_mapping(test_config)
    validate(app.config)
    # One Host check: the Gate's (RFC 9110 syntax, any case, IPv6 literals, a trailing dot).
    # Flask reads the same config key for a check of its own (werkzeug's), which refuses some
    # hosts the Gate trusts ("[::1]:8000", "LOCALHOST", an empty Host) from inside the request,
    # where the error page cannot be built: a 500. So the list goes to the Gate only.
    trusted_hosts, app.config["TRUSTED_HOSTS"] = app.config["TRUSTED_HOSTS"], None
    app.template_folder = app.config["TEMPLATES_DIR"]

    build = Path(app.config["BUILD_DIR"])
    release = Release(contract.served_release(app.config), contract.objects_dir(build),
                      app.config["ARTICLE_CACHE_SIZE"])
    memo = PageMemo(app.config["PAGE_MEMO_MB"] * 1024 * 1024)
    results = PageMemo(app.config["SEARCH_MEMO_MB"] * 1024 * 1024,
                       app.config["SEARCH_MEMO_ENTRIES"])
    inline = release.inline_assets(contract.static_pool(build))
    app.extensions["reader"] = Site(release=release, memo=memo, site_url=app.config["SITE_URL"],
                                    results=results, inline=inline)

    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(release.translations_dir)
    app.config["BABEL_DEFAULT_LOCALE"] = DEFAULT_LOCALE
    # One Babel per app: Flask-Babel keeps the loaded UI catalogs on the Babel object, keyed by
    # locale only, so a shared one would serve a second app (another release) the first's.
    Babel(app, locale_selector=locale_selector)
    app.url_map.converters["locale"] = LocaleConverter
    app.url_map.converters["slug"] = templating.SlugConverter
    templating.init_app(app)

    from webapp.web.views import bp
    app.register_blueprint(bp)

    # every hashed file in the pool, also those a later build added (the HUP hand-off)
    app.wsgi_app = StaticPool(
        app.wsgi_app, root=str(contract.static_pool(build)), prefix="static/", hashed=contract.HASHED_RE,
        # hashed names never change content: cache for a year, immutable
        immutable_file_test=lambda path, url: bool(contract.HASHED_RE.search(url)),
        max_age=60, allow_all_origins=False)
    from webapp.web.views.root import kept_not_found
    app.wsgi_app = MemoFront(app.wsgi_app, memo, not_found=kept_not_found(app),
                             results=results)
    hops = int(app.config["PROXY_FIX_HOPS"])
    if hops:  # only what the documented proxy sets; URLs never come from forwarded headers
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0,
                                x_prefix=0)
    # the release's inline script and stylesheet, allowed by hash (docs/architecture.md)
    csp = content_security_policy(
        scripts=[h for rel, (_text, h) in inline.items() if rel.endswith(".js")],
        styles=[h for rel, (_text, h) in inline.items() if rel.endswith(".css")])
    app.wsgi_app = Gate(app.wsgi_app, trusted_hosts, hsts=app.config["HSTS"], csp=csp)
    observability.init_app(app)   # outermost: request id, logs, metrics
    return app

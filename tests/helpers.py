"""Helpers shared by the tests: the fixture site (tests/data), release builds, catalogs, and
the visible text of a page. Tests import from here (or get fixtures from conftest.py), never
from each other."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import jinja2
from babel.messages.pofile import read_po, write_po

from webapp.config import ROOT, Defaults, load
from webapp.content import Article, parse_article
from webapp.locales import LOCALES

DATA = ROOT / "tests" / "data"
FIXTURE_CONTENT = DATA / "content"
FIXTURE_TRANSLATIONS = DATA / "translations"

# The fixture articles (tests/data/README.md), newest first as the front page lists them.
FULL = "river-festival"          # complete in every locale; every kind of block
UPDATED = "market-update"        # dated by `updated` only (a datetime)
PARTIAL = "tea-harvest"          # English partly translated (one fuzzy, some empty)
UNTRANSLATED = "lake-survey"     # no English at all (zh_Hant complete)
UNDATED = "old-bridge"           # no date
FIXTURE_SLUGS = [FULL, UPDATED, PARTIAL, UNTRANSLATED, UNDATED]

SEED_SLUG = "jintan-new-energy"  # the live seed article: only tests/test_seed_article.py
BASE = Defaults.SITE_URL         # every absolute URL the app writes starts with it
SEGMENTS = {code: info.segment for code, info in LOCALES.items()}
TAGS = {code: info.tag for code, info in LOCALES.items()}


# --- the fixture site and releases -------------------------------------------------------------

class _TemplateCache(jinja2.BytecodeCache):
    """Compiled templates shared by every app a test starts (Jinja's bytecode cache, keyed
    by template and checked against its source): a new app per test then costs no template
    compilation. Rendering is unchanged."""

    def __init__(self):
        self.store: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.store:
            bucket.bytecode_from_string(self.store[bucket.key])

    def dump_bytecode(self, bucket):
        self.store[bucket.key] = bucket.bytecode_to_string()


TEMPLATE_CACHE = _TemplateCache()


def start_app(config: dict):
    """``create_app(config)`` for a test (TESTING on), sharing compiled templates."""
    from webapp.web.factory import create_app
    app = create_app({"TESTING": True, **config})
    app.jinja_env.bytecode_cache = TEMPLATE_CACHE
    return app


def translations_tree(dest: Path, articles: Path = FIXTURE_TRANSLATIONS) -> Path:
    """A translations folder at ``dest``: the article catalogs under ``articles`` plus the
    project's UI catalogs (``messages.po``), as the release build reads them."""
    shutil.copytree(articles, dest, dirs_exist_ok=True)
    for code in LOCALES:
        ui = ROOT / "translations" / code / "LC_MESSAGES" / "messages.po"
        if ui.exists():
            (dest / code / "LC_MESSAGES").mkdir(parents=True, exist_ok=True)
            shutil.copy2(ui, dest / code / "LC_MESSAGES" / "messages.po")
    return dest


def site_config(content: Path, translations: Path, build: Path, **overrides) -> dict:
    """The configuration keys a release build and the app share for one site."""
    return {"CONTENT_DIR": str(content), "TRANSLATIONS_DIR": str(translations),
            "BUILD_DIR": str(build), **overrides}


def build_release(config: dict) -> Path:
    """Build and switch to a release for ``config`` (as ``make release`` does); quiet.
    :raises webapp.publish.build.BuildError: as the build does."""
    from webapp.publish.build import build
    return build(load(config), log=lambda *args: None)


def build_command(config: dict, *args: str) -> subprocess.CompletedProcess:
    """``python -m webapp.publish.build`` as the newsroom runs it, configured through the environment."""
    env = {**os.environ, "PYTHONPATH": str(ROOT),
           **{f"JINTAN_{k}": str(v) for k, v in config.items()}}
    return subprocess.run([sys.executable, "-m", "webapp.publish.build", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)


def catalogs_command(config: dict, *args: str) -> subprocess.CompletedProcess:
    """``python -m webapp.desk.catalogs ...`` (``make translations``, ``make check-catalogs``)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT),
           **{f"JINTAN_{k}": str(v) for k, v in config.items()}}
    return subprocess.run([sys.executable, "-m", "webapp.desk.catalogs", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)


def pybabel(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    """Run ``pybabel`` (Babel's command line) with the project importable."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, check=True)


# --- articles and catalogs ----------------------------------------------------------------------

def article(slug: str, content: Path = FIXTURE_CONTENT) -> Article:
    """The parsed article ``content/<slug>.md``."""
    return parse_article(content / f"{slug}.md")


def article_po(locale: str, slug: str, translations: Path = FIXTURE_TRANSLATIONS) -> Path:
    return translations / locale / "LC_MESSAGES" / "articles" / f"{slug}.po"


def read_catalog(path: Path, locale: str):
    with path.open("rb") as fh:
        return read_po(fh, locale=locale)


def write_catalog(path: Path, catalog) -> None:
    with path.open("wb") as fh:
        write_po(fh, catalog, width=0)


def translation(block, locale: str, slug: str, translations: Path = FIXTURE_TRANSLATIONS):
    """The usable msgstr of ``block`` in ``locale`` (None when missing, empty or fuzzy):
    what the reader should see instead of the Chinese source."""
    msg = read_catalog(article_po(locale, slug, translations), locale).get(
        block.text, context=block.msgctxt)
    return msg.string if msg is not None and msg.string and not msg.fuzzy else None


def shown_text(block, locale: str, slug: str, translations: Path = FIXTURE_TRANSLATIONS) -> str:
    """The text a reader of ``locale`` sees for ``block``: its translation, else the source."""
    if locale == "zh":
        return block.text
    return translation(block, locale, slug, translations) or block.text


def plain(markdown: str) -> str:
    """Inline Markdown as the text a reader sees (what ``textContent`` gives)."""
    from markupsafe import Markup

    from webapp.content import render_inline
    return Markup(render_inline(markdown)).striptags()


# --- pages ---------------------------------------------------------------------------------

class _Collector(HTMLParser):
    """Collects, for every element with an id: tag, attrs, text, ``lang_in`` (the language the
    element is in) and ``text_langs`` (the languages its text is marked as); and the page's text."""

    VOID = {"meta", "link", "img", "br", "input", "hr", "source"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.by_id: dict[str, dict] = {}
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            # "lang_in": the language the element is in (its own lang, else its nearest parent's)
            inherited = next((a["lang"] for _, a in reversed(self.stack) if "lang" in a), None)
            self.by_id[attrs["id"]] = {"tag": tag, "attrs": attrs, "text": "",
                                       "lang_in": attrs.get("lang", inherited),
                                       "text_langs": set()}
        if tag not in self.VOID:
            self.stack.append((tag, attrs))

    def handle_endtag(self, tag):
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        self.texts.append(data)
        lang = next((a["lang"] for _, a in reversed(self.stack) if "lang" in a), None)
        for _, attrs in self.stack:
            if "id" in attrs:
                self.by_id[attrs["id"]]["text"] += data
                if data.strip():
                    self.by_id[attrs["id"]]["text_langs"].add(lang)


def parse_page(html: str) -> _Collector:
    """Parse HTML; ``.by_id[id]`` gives tag, attrs and text of each element with an id."""
    c = _Collector()
    c.feed(html)
    return c


def markup(html: str) -> str:
    """A page without its inline stylesheet (every page carries site.css in a ``<style>``,
    whose selectors name the page's classes and attributes): what the page says and links."""
    head, sep, rest = html.partition("<style>")
    return head + rest.split("</style>", 1)[1] if sep else html


def main_of(html: str) -> str:
    """The ``<main>`` element's inner HTML (what the page is about, without header/footer)."""
    return html.split('<main id="main">', 1)[1].split("</main>", 1)[0]


def text_of(html: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed."""
    c = _Collector()
    c.feed(html)
    return " ".join("".join(c.texts).split())


class SiteCopy:
    """Writable copies of the fixture content and catalogs in ``root``, for tests that edit
    them as the newsroom would; :meth:`app` builds a release of the current files (into
    ``root/build``, incrementally) and starts the app on it."""

    def __init__(self, root: Path, content: Path = FIXTURE_CONTENT,
                 translations: Path = FIXTURE_TRANSLATIONS):
        self.root = root
        self.content = root / "content"
        shutil.copytree(content, self.content)
        if (content.parent / "photos").is_dir():     # the photos folder beside content/
            shutil.copytree(content.parent / "photos", root / "photos")
        self.translations = translations_tree(root / "translations", translations)
        self.build_dir = root / "build"

    def config(self, **overrides) -> dict:
        return site_config(self.content, self.translations, self.build_dir, **overrides)

    def release(self, **overrides) -> Path:
        """Build and switch to a release of the current files; returns its directory."""
        return build_release(self.config(**overrides))

    def app(self, **overrides):
        """Build a release of the current files and return an app serving it."""
        self.release(**overrides)
        return start_app(self.config(**overrides))

    def article(self, slug: str) -> Article:
        return article(slug, self.content)

    def po(self, locale: str, slug: str) -> Path:
        return article_po(locale, slug, self.translations)

    def edit(self, slug: str, old: str, new: str) -> None:
        """Replace ``old`` by ``new`` in ``content/<slug>.md`` (an editor's change)."""
        path = self.content / f"{slug}.md"
        text = path.read_text("utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new), "utf-8")

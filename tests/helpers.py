"""Small helpers shared by tests: visible text of a page, blocks of the seed article."""

from __future__ import annotations

from html.parser import HTMLParser

from babel.messages.pofile import read_po

from webapp.config import ROOT
from webapp.content import load_articles


class _Collector(HTMLParser):
    """Collects (tag, attrs, text) for every element with an id, and the page's text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, dict]] = []
        self.by_id: dict[str, dict] = {}
        self.texts: list[str] = []
        self.void = {"meta", "link", "img", "br", "input", "hr", "source"}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.void:
            if "id" in attrs:
                self.by_id[attrs["id"]] = {"tag": tag, "attrs": attrs, "text": ""}
            return
        self.stack.append((tag, attrs))
        if "id" in attrs:
            self.by_id[attrs["id"]] = {"tag": tag, "attrs": attrs, "text": ""}

    def handle_endtag(self, tag):
        while self.stack:
            t, _ = self.stack.pop()
            if t == tag:
                break

    def handle_data(self, data):
        self.texts.append(data)
        for _, attrs in self.stack:
            if "id" in attrs:
                self.by_id[attrs["id"]]["text"] += data


def parse_page(html: str) -> _Collector:
    """Parse HTML; ``.by_id[id]`` gives tag, attrs and text of each element with an id."""
    c = _Collector()
    c.feed(html)
    return c


def seed_article():
    return load_articles(ROOT / "content")["jintan-new-energy"]


def english_catalog():
    with open(ROOT / "translations/en/LC_MESSAGES/article.po", "rb") as fh:
        return read_po(fh, locale="en")

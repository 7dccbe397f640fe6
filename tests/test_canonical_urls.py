"""One URL per page: every other spelling of a page's URL that reaches a page (leading zeros,
case or a language tag in the locale segment, percent-encoded ASCII, a missing trailing slash)
is one cacheable redirect to the canonical URL, with a relative ``Location``, or a 404; never a
second 200, which would be a second entry in the memo and in every shared cache."""

from __future__ import annotations

import pytest

from tests.helpers import FULL

ARTICLE = f"/en/{FULL}/"


def pct(text: str) -> str:
    """Every character of ``text`` percent-encoded (ASCII spelled the long way)."""
    return "".join(f"%{b:02X}" for b in text.encode())


SPELLINGS = [
    ("/en/page/02/", "/en/page/2/"),
    ("/en/page/0002/", "/en/page/2/"),
    ("/en/page/0002", "/en/page/2/"),
    ("/ZH/", "/zh/"),
    ("/ZH", "/zh/"),
    ("/En/", "/en/"),
    (f"/En/{FULL}/", ARTICLE),
    (f"/EN/{FULL}/parallel/", f"/en/{FULL}/parallel/"),
    ("/zh-tw/", "/zh-hant/"),
    ("/zh-TW/archive/", "/zh-hant/archive/"),
    ("/zh-Hant/", "/zh-hant/"),
    (f"/zh_Hant/{FULL}/", f"/zh-hant/{FULL}/"),
    ("/zh-hans/", "/zh/"),
    ("/zh-Hans-CN/page/02/", "/zh/page/2/"),
    ("/en-US/", "/en/"),
    ("/en-GB/archive", "/en/archive/"),
    (f"/en/{pct(FULL[:3])}{FULL[3:]}/", ARTICLE),
    (f"/{pct('en')}/{FULL}/", ARTICLE),
    (f"/en/{FULL}%2F", ARTICLE),
    ("/en/arch%69ve/", "/en/archive/"),
    (f"/en/{FULL}", ARTICLE),
    # front page 1 is the locale's front page: straight there, not by way of /zh/page/1/
    ("/zh/page/0001/", "/zh/"),
    ("/zh/page/1/", "/zh/"),
    ("/zh/page/1", "/zh/"),
    ("/en/page/01", "/en/"),
    ("/zh-TW/page/0001/", "/zh-hant/"),
]


@pytest.mark.parametrize("path, target", SPELLINGS)
def test_other_spellings_of_a_page_redirect_once_to_it(make_app, path, target):
    client = make_app(PAGE_SIZE=2).test_client()
    resp = client.get(path)
    assert resp.status_code == 308, (path, resp.status_code)
    assert resp.headers["Location"] == target
    assert resp.headers["Cache-Control"].startswith("public, max-age=")
    assert client.get(target).status_code == 200


@pytest.mark.parametrize("path", ["/fr/", "/zhx/", "/static", "/site.css", "/english/",
                                  f"/En/{FULL.upper()}/", "/zh-tw/page/99/x/", "/ZH/a/b/c/"])
def test_other_spellings_of_nothing_are_404(client, path):
    resp = client.get(path)
    assert resp.status_code == 404 and "Location" not in resp.headers, path


def test_a_language_tag_keeps_the_rest_of_the_path_even_when_it_names_nothing(client):
    """The router cannot tell a missing article from a present one: ``/en-US/no-such/`` goes
    to ``/en/no-such/``, which is the 404 (one redirect, then the reader's own 404 page)."""
    resp = client.get("/en-US/no-such/")
    assert resp.status_code == 308 and resp.headers["Location"] == "/en/no-such/"
    assert client.get("/en/no-such/").status_code == 404


def test_spellings_neither_fill_the_memo_nor_reach_it(make_app):
    """Each spelling is answered by a redirect before the memo is read or written: one entry
    per page, whatever the order of requests (a kept page must not answer a spelling)."""
    app = make_app(PAGE_SIZE=2)
    client = app.test_client()
    memo = app.extensions["reader"].memo
    for _path, target in SPELLINGS:
        assert client.get(target).status_code == 200
    entries = len(memo)
    for path, _target in SPELLINGS * 3:
        assert client.get(path).status_code == 308, path
    assert len(memo) == entries


@pytest.mark.parametrize("path", ["/en/no-such-article", "/zh/no-such/parallel"])
def test_a_missing_article_without_its_slash_is_a_404_at_once(make_app, path):
    """Not a redirect to a 404: an invented path costs one answer, whichever way it is spelled
    (and the answer is the same with the not-found page kept or not)."""
    client = make_app().test_client()
    for _ in range(2):
        resp = client.get(path)
        assert resp.status_code == 404 and "Location" not in resp.headers

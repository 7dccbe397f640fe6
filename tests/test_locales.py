"""The locale table (webapp/locales.py): one set of negotiation rules, applied by Python for
``/`` and, from the same table sent as JSON, by the service worker (offline ``/``) and the
static export's root page. The JavaScript is run with node on the very same cases."""

from __future__ import annotations

import json
import os
import shutil
import subprocess

import pytest
from babel import Locale
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

from tests.helpers import start_app
from webapp.config import ROOT
from webapp.locales import (DEFAULT_LOCALE, LOCALES, NEGOTIATION, client_table,
                            locale_from_cookie, match_tag, negotiate)

TAG_CASES = [
    ("zh-TW", "zh_Hant"), ("zh-HK", "zh_Hant"), ("zh-MO", "zh_Hant"), ("zh-Hant", "zh_Hant"),
    ("zh-Hant-TW", "zh_Hant"), ("zh-Hant-HK", "zh_Hant"), ("zh-hant", "zh_Hant"),
    ("zh_TW", "zh_Hant"), ("ZH-tw", "zh_Hant"), ("zh-yue-HK", "zh_Hant"),
    ("zh-CN", "zh"), ("zh-SG", "zh"), ("zh-Hans", "zh"), ("zh", "zh"), ("zh-Hans-HK", "zh"),
    ("zh-Hans-TW", "zh"), ("zh-MY", "zh"), ("zh-Latn", "zh"), ("ZH", "zh"),
    ("en", "en"), ("en-US", "en"), ("en-GB", "en"), ("en-Latn-US", "en"), ("EN_gb", "en"),
    ("fr", None), ("fr-CA", None), ("", None), ("x" * 50, None), ("zhx", None), ("eng", None),
    ("hant", None), ("*", None), ("i-klingon", None),
]
LIST_CASES = [  # the reader's languages in order of preference
    (["fr", "zh-TW", "en"], "zh_Hant"), (["de", "fr"], None), (["en-GB", "zh-CN"], "en"),
    (["zh-CN", "zh-TW"], "zh"), ([], None),
]


@pytest.mark.parametrize("tag, expected", TAG_CASES)
def test_match_tag(tag, expected):
    assert match_tag(tag) == expected


@pytest.mark.parametrize("region", ["TW", "HK", "MO", "CN", "SG"])
def test_script_inference_agrees_with_cldr_likely_subtags(region):
    script = Locale.parse(f"zh_{region}").script  # Babel: zh_TW -> zh_Hant_TW
    assert match_tag(f"zh-{region}") == ("zh_Hant" if script == "Hant" else "zh")


@pytest.mark.parametrize("header, expected", [
    ("zh-TW,zh;q=0.9,en;q=0.8", "zh_Hant"),
    ("zh-HK", "zh_Hant"),
    ("en;q=0.5, zh-Hant;q=0.9", "zh_Hant"),
    ("zh-CN,zh-TW;q=0.5", "zh"),
    ("fr, zh-MO;q=0.3", "zh_Hant"),
    ("zh-TW;q=0, en", "en"),
    ("*", None),
    ("de", None),
])
def test_negotiate_honours_order_and_quality(header, expected):
    assert negotiate(parse_accept_header(header, LanguageAccept)) == expected


@pytest.mark.parametrize("value, expected", [
    ("zh_Hant", "zh_Hant"), ("zh-hant", "zh_Hant"), ("EN", "en"), ("zh", "zh"),
    ("", None), (None, None), ("klingon", None), ("zh_Hans", None), ("%%%", None),
])
def test_the_saved_choice_is_a_locale_id(value, expected):
    assert locale_from_cookie(value) == expected


def test_locale_table():
    info = LOCALES["zh_Hant"]
    assert (info.id, info.tag, info.segment, info.og, info.name) == \
        ("zh_Hant", "zh-Hant", "zh-hant", "zh_TW", "繁體")
    assert [i.segment for i in LOCALES.values()] == ["zh", "en", "zh-hant"]
    assert [i.tag for i in LOCALES.values()] == ["zh-Hans", "en", "zh-Hant"]


def test_url_for_takes_a_locale_id_and_writes_its_segment(app):
    from flask import url_for
    with app.test_request_context():
        assert url_for("reader.index", lang="zh_Hant") == "/zh-hant/"
        assert url_for("reader.article", lang="en", slug="x") == "/en/x/"


def test_the_table_sent_to_the_browser_is_the_python_table():
    table = client_table()
    assert table["rules"] == [[rx, LOCALES[code].segment] for rx, code in NEGOTIATION]
    assert table["segments"] == {code: info.segment for code, info in LOCALES.items()}
    assert table["default"] == LOCALES[DEFAULT_LOCALE].segment
    assert table["cookie"] == "locale"


# --- the same rules in JavaScript -------------------------------------------------------------

NODE_SCRIPT = r"""
const vm = require("vm"), fs = require("fs");
const [workerPath, rootPath, tablePath, casesPath] = process.argv.slice(2);
const table = fs.readFileSync(tablePath, "utf8");
const {tags, lists, cookies} = JSON.parse(fs.readFileSync(casesPath, "utf8"));

// the service worker as /sw.js serves it, with a stand-in for the worker global scope
const worker = vm.createContext({
  self: {addEventListener() {}, location: {origin: "http://127.0.0.1:8000"},
         navigator: {languages: []}},
  caches: {}, fetch() {}, URL, Request: class {}, Response: class {}, Headers: class {},
  console, setTimeout, clearTimeout,
});
vm.runInContext(fs.readFileSync(workerPath, "utf8"), worker);
const negotiate = (languages) => vm.runInContext(`negotiate(${JSON.stringify(languages)})`, worker);

// the static export's root page script, with a stand-in document
const rootSource = fs.readFileSync(rootPath, "utf8");
function rootPage(languages, cookie) {
  let went = null;
  vm.runInContext(rootSource, vm.createContext({
    document: {getElementById: () => ({textContent: table}), cookie},
    navigator: {languages, language: languages[0] || ""},
    location: {replace(url) { went = url; }},
  }));
  return went;
}

const out = {worker: {}, root: {}, lists: {}, rootLists: {}, cookies: {}};
for (const tag of tags) {
  out.worker[tag] = negotiate([tag]);
  out.root[tag] = rootPage([tag], "");
}
lists.forEach((languages, i) => {
  out.lists[i] = negotiate(languages);
  out.rootLists[i] = rootPage(languages, "");
});
cookies.forEach(([cookie, languages], i) => { out.cookies[i] = rootPage(languages, cookie); });
console.log(JSON.stringify(out));
"""

COOKIE_CASES = [  # (document.cookie, languages) -> where the root page sends the reader
    ("locale=zh_Hant", ["en"], "zh_Hant"), ("theme=dark; locale=en", ["zh-CN"], "en"),
    ("locale=klingon", ["zh-TW"], "zh_Hant"), ("", ["fr"], DEFAULT_LOCALE),
]


@pytest.fixture(scope="module")
def javascript(fixture_site, tmp_path_factory) -> dict:
    """What the service worker and the root page decide for every case, run by node."""
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node not found: the JavaScript negotiation cannot be checked")
        pytest.skip("node not found (apt-get install nodejs)")
    tmp = tmp_path_factory.mktemp("negotiation")
    app = start_app(fixture_site)
    (tmp / "sw.js").write_bytes(app.test_client().get("/sw.js").data)
    (tmp / "table.json").write_text(json.dumps(client_table()), "utf-8")
    cases = {"tags": [t for t, _ in TAG_CASES], "lists": [langs for langs, _ in LIST_CASES],
             "cookies": [[c, langs] for c, langs, _ in COOKIE_CASES]}
    (tmp / "cases.json").write_text(json.dumps(cases), "utf-8")
    (tmp / "run.js").write_text(NODE_SCRIPT, "utf-8")
    proc = subprocess.run([node, str(tmp / "run.js"), str(tmp / "sw.js"),
                           str(ROOT / "static/js/root.js"), str(tmp / "table.json"),
                           str(tmp / "cases.json")], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def segment(code):
    return LOCALES[code].segment if code else None


@pytest.mark.parametrize("tag, expected", TAG_CASES)
def test_the_service_worker_and_the_root_page_negotiate_as_python(javascript, tag, expected):
    assert javascript["worker"][tag] == segment(match_tag(tag)) == segment(expected)
    assert javascript["root"][tag] == f"/{segment(expected or DEFAULT_LOCALE)}/"


@pytest.mark.parametrize("index, case", list(enumerate(LIST_CASES)))
def test_a_list_of_languages_is_taken_in_order_as_python_does(javascript, index, case):
    languages, expected = case
    header = ", ".join(f"{tag};q={1 - i / 10:.1f}" for i, tag in enumerate(languages))
    assert negotiate(parse_accept_header(header, LanguageAccept)) == expected
    assert javascript["lists"][str(index)] == segment(expected)
    assert javascript["rootLists"][str(index)] == f"/{segment(expected or DEFAULT_LOCALE)}/"


@pytest.mark.parametrize("index, case", list(enumerate(COOKIE_CASES)))
def test_the_root_page_puts_the_saved_choice_first(javascript, index, case):
    _cookie, _languages, expected = case
    assert javascript["cookies"][str(index)] == f"/{segment(expected)}/"

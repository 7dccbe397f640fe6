"""The release build (`make release`): a validated, immutable snapshot switched atomically.
A broken article or catalog never replaces the site readers get."""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.helpers import FULL, UNDATED, UPDATED, build_command, read_catalog, write_catalog
from webapp.web.factory import create_app
from webapp.publish.build import BuildError
from webapp.web.release import ReleaseError
from webapp import contract
from webapp.config import ROOT


def current(site) -> str:
    return contract.current_id(site.build_dir)


def test_a_release_is_a_directory_switched_by_a_symlink(site_copy):
    release = site_copy.release()
    releases = site_copy.build_dir / "releases"
    assert (releases / "current").is_symlink() and current(site_copy) == release.name
    info = json.loads((release / "release.json").read_text("utf-8"))
    assert info["id"] == release.name and info["articles"] == 5
    assert info["site_url"] == "http://127.0.0.1:8000"
    for name in ("release.sqlite", "worker.json", "translations/zh/LC_MESSAGES/messages.mo",
                 "translations/zh_Hant/LC_MESSAGES/messages.mo"):
        assert (release / name).is_file(), name
    # every input is stored once under its SHA-256
    source = (site_copy.content / f"{FULL}.md").read_bytes()
    digest = hashlib.sha256(source).hexdigest()
    assert (site_copy.build_dir / "objects" / digest[:2] / digest).read_bytes() == source
    # static files are hashed copies, with compressed siblings
    css = site_copy.build_dir / "static" / info["assets"]["css/site.css"]
    assert css.is_file() and css.with_name(css.name + ".br").is_file()


def test_the_same_inputs_give_the_same_release(site_copy, tmp_path):
    first = site_copy.release()
    assert site_copy.release() == first  # nothing changed: nothing new
    elsewhere = site_copy.config(BUILD_DIR=str(tmp_path / "other-build"))
    from tests.helpers import build_release
    assert build_release(elsewhere).name == first.name  # the id is the hash of the inputs


def retitle_in_english(site_copy, text: str) -> None:
    """Give the full fixture article's English catalog a new headline (msgstr of its title)."""
    po = site_copy.po("en", FULL)
    catalog = read_catalog(po, "en")
    title = site_copy.article(FULL).title
    catalog.get(title.text, context=title.msgctxt).string = text
    write_catalog(po, catalog)


def test_a_changed_translation_is_a_new_release_and_the_old_one_stays(site_copy):
    old = site_copy.release()
    retitle_in_english(site_copy, "A new English headline")
    new = site_copy.release()
    assert new != old and current(site_copy) == new.name
    assert old.is_dir()  # pages rendered by the old release still find everything


def test_a_running_app_keeps_its_release_until_restarted(site_copy):
    """A worker serves one release for its life (gunicorn HUP starts workers on the new one),
    so no page mixes old and new text."""
    running = site_copy.app()
    site_copy.edit(FULL, "金坛龙舟节吸引万名游客", "金坛龙舟节吸引两万名游客")
    restarted = site_copy.app()
    old = running.test_client().get(f"/zh/{FULL}/").get_data(as_text=True)
    new = restarted.test_client().get(f"/zh/{FULL}/").get_data(as_text=True)
    assert "吸引万名游客" in old and "两万名" not in old
    assert "吸引两万名游客" in new


def test_a_broken_article_stops_the_build_and_the_site_keeps_its_release(site_copy):
    good = site_copy.release()
    (site_copy.content / "broken.md").write_text("---\nsubtitle: x\n---\n", "utf-8")
    with pytest.raises(BuildError) as err:
        site_copy.release()
    assert err.value.problems == ["content/broken.md:1: front matter has no 'title'"]
    assert current(site_copy) == good.name
    client = create_app(site_copy.config()).test_client()
    assert client.get(f"/en/{FULL}/").status_code == 200


def test_the_build_command_names_every_broken_file_and_line(site_copy):
    site_copy.release()
    (site_copy.content / "broken.md").write_text("---\nsubtitle: x\n---\n", "utf-8")
    (site_copy.content / "worse.md").write_text("---\ntitle: 标题\ncolour: red\n---\n", "utf-8")
    proc = build_command(site_copy.config())
    assert proc.returncode == 1
    assert "the current release is unchanged" in proc.stderr
    assert "content/broken.md:1: front matter has no 'title'" in proc.stderr
    assert "content/worse.md:3: unknown front matter key 'colour'" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("encoding, hint", [("gbk", "GBK/GB18030"), ("utf-16", "UTF-16")])
def test_an_article_saved_in_a_legacy_encoding_is_named_with_the_others(site_copy, encoding,
                                                                          hint):
    """Chinese Windows editors save GBK or UTF-16 by default: the build names the file, the
    line and the encoding, beside every other broken file, instead of a traceback."""
    good = site_copy.release()
    legacy = site_copy.content / "legacy.md"
    legacy.write_bytes("---\ntitle: 标题\n---\n\n第一段。\n".encode(encoding))
    (site_copy.content / "broken.md").write_text("---\nsubtitle: x\n---\n", "utf-8")
    proc = build_command(site_copy.config())
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    line = [x for x in proc.stderr.splitlines() if x.strip().startswith(f"content/{legacy.name}:")]
    assert line and "not valid UTF-8" in line[0] and hint in line[0], proc.stderr
    assert "content/broken.md:1: front matter has no 'title'" in proc.stderr
    assert current(site_copy) == good.name


def test_a_figure_whose_image_file_is_missing_stops_the_build(site_copy):
    # the last article listed: the release check renders only the first of each page type
    site_copy.edit(UNDATED, "image: old-bridge.jpg", "image: images/nope.jpg")
    with pytest.raises(BuildError) as err:
        site_copy.release()
    assert err.value.problems == [f"content/{UNDATED}.md:6: figure image "
                                  "photos/images/nope.jpg does not exist (photos go in photos)"]


def test_an_article_named_after_a_page_of_the_site_is_refused(site_copy):
    (site_copy.content / "archive.md").write_text("---\ntitle: 标题\n---\n\n段落。\n", "utf-8")
    with pytest.raises(BuildError, match=r"archive\.md: the name 'archive' is taken"):
        site_copy.release()


def test_a_missing_ui_catalog_is_refused_not_served_in_english(site_copy):
    (site_copy.translations / "zh" / "LC_MESSAGES" / "messages.po").unlink()
    with pytest.raises(BuildError, match=r"zh/LC_MESSAGES/messages\.po: missing UI catalog"):
        site_copy.release()


def test_the_app_refuses_to_start_without_a_release(tmp_path):
    with pytest.raises(ReleaseError, match="make release"):
        create_app({"BUILD_DIR": str(tmp_path / "empty")})


def test_readiness_names_the_release_and_its_catalogs(client, app):
    resp = client.get("/readyz")
    assert resp.status_code == 200 and resp.headers["Cache-Control"] == "no-store"
    body = resp.get_json()
    assert body["ready"] is True and body["articles"] == 5
    assert body["release"] == app.extensions["reader"].release.id
    assert body["ui_catalogs"] == {"zh": True, "zh_Hant": True}


def test_two_apps_on_two_releases_each_use_their_own_ui_catalogs(site_copy):
    """A process may start an app per release (the release check, the export, tools): each
    speaks its own release's UI catalogs, never the first one's."""
    old = site_copy.app()
    assert ">分享</button>" in old.test_client().get(f"/zh/{FULL}/").get_data(as_text=True)
    po = site_copy.translations / "zh" / "LC_MESSAGES" / "messages.po"
    catalog = read_catalog(po, "zh")
    catalog.get("Share").string = "转发"
    write_catalog(po, catalog)
    new = site_copy.app()
    assert ">转发</button>" in new.test_client().get(f"/zh/{FULL}/").get_data(as_text=True)
    # a page the old app renders now (not from its memo) still speaks the old release
    assert ">分享</button>" in old.test_client().get(f"/zh/{UPDATED}/").get_data(as_text=True)


def test_the_published_stylesheet_is_minified_under_its_source_hash(site_copy):
    """The one render-blocking download of a page: comments and spare whitespace dropped."""
    from webapp.publish.assets import hashed_name
    release = site_copy.release()
    info = json.loads((release / "release.json").read_text("utf-8"))
    source = (ROOT / "static" / "css" / "site.css").read_bytes()
    assert info["assets"]["css/site.css"] == hashed_name("css/site.css", source)
    published = (site_copy.build_dir / "static" / info["assets"]["css/site.css"]).read_bytes()
    assert b"/*" not in published and len(published) < 0.75 * len(source)
    assert b".figure-frame{display:grid}" in published


def test_a_release_names_the_cache_tags_whose_pages_it_changed(site_copy, tmp_path):
    """What a publish bans in a shared cache (scripts/after_reload.py): the changed article's
    tag and ``listing``; nothing for a rebuild of the same inputs; every page (None) when what
    every page shows changed (here the site URL) or the earlier release is unknown."""
    from webapp.publish.build import changed_tags
    old = site_copy.release()
    assert changed_tags(old, old) == []
    retitle_in_english(site_copy, "A new English headline")
    new = site_copy.release()
    assert changed_tags(old, new) == [f"article-{FULL}", "listing"]
    assert changed_tags(tmp_path / "pruned", new) is None
    moved = site_copy.release(SITE_URL="https://news.example")
    assert changed_tags(new, moved) is None

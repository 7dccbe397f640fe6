"""Photos offline (issue 25, docs/photos.md): the worker keeps the photos of the pages it keeps
in one size, the one this device loaded; a saved article's photos stay whatever the budget,
count in the library's size, and show with no connection."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from scripts.photo_site import SLUG, photo_site
from tests.offline.conftest import FIGURES
from scripts.browser import worker_library
from scripts.harness import Gunicorn, ReleaseTree
from tests.offline.reader import cache_contents, ui, wait_controlled

ARTICLE = f"/zh/{SLUG}/"
SHOWN = """async () => Promise.all([...document.querySelectorAll('.article picture img')].map(
  async (img) => { img.scrollIntoView(); await img.decode().catch(() => null);
                   return [new URL(img.currentSrc).pathname, img.naturalWidth]; }))"""


@pytest.fixture(scope="module")
def publication(tmp_path_factory):
    root = tmp_path_factory.mktemp("photos")
    photo_site(root, size=(2400, 1800))     # smaller than a phone's, same widths up to 1,600
    publication = ReleaseTree(root)
    publication.build()
    return publication


@pytest.fixture(scope="module")
def tight_server(publication):
    """The same release with a photo budget of one byte: no unsaved photo fits."""
    with Gunicorn(publication, env={"JINTAN_OFFLINE_PHOTO_BYTES": "1"}) as server:
        yield server


def photos_kept(page) -> list[str]:
    return sorted(cache_contents(page).get("reader-photos", []))


def wait_photos(page, expected: list[str], seconds: float = 20) -> list[str]:
    """The kept photos once they are ``expected`` (the worker stores them after answering)."""
    for _ in range(int(seconds * 4)):
        kept = photos_kept(page)
        if kept == expected:
            break
        page.wait_for_timeout(250)
    return kept


@pytest.mark.parametrize("dpr", [1, 3])
def test_a_read_article_keeps_its_photos_in_the_size_this_device_loaded(
        new_context, page_errors, dpr):
    context = new_context(device_scale_factor=dpr)
    page = page_errors(context.new_page())
    page.goto(ARTICLE)
    wait_controlled(page)
    page.reload()                      # now controlled: the worker sees the photo requests
    shown = page.evaluate(SHOWN)
    assert len(shown) == 3 and all(width > 0 for _path, width in shown)
    assert wait_photos(page, sorted(p for p, _ in shown)) == sorted(p for p, _ in shown)
    widths = {int(p.rsplit("-", 1)[1].split(".")[0]) for p, _ in shown}
    assert widths == ({480} if dpr == 1 else {1080})      # one size each, for this screen
    context.set_offline(True)
    page.reload()
    offline = page.evaluate(SHOWN)
    assert [p for p, _ in offline] == [p for p, _ in shown] and all(w > 0 for _p, w in offline)


def test_a_saved_article_keeps_its_photos_beyond_the_budget_and_counts_them(
        browser, tight_server, page_errors):
    context = browser.new_context(base_url=tight_server.url, viewport={"width": 390, "height": 844},
                                  device_scale_factor=3)
    page = page_errors(context.new_page())
    page.goto(ARTICLE)
    wait_controlled(page)
    page.reload()
    page.evaluate(SHOWN)
    page.wait_for_timeout(1000)
    assert photos_kept(page) == []            # read only: over the one-byte budget
    page.goto(ARTICLE)
    button = page.get_by_role("button", name=ui("zh", "Save to read offline"), exact=True)
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    kept = photos_kept(page)
    assert len(kept) == 3 and all("-1080." in p for p in kept)
    page.goto(f"/en/{SLUG}/")                 # another page read: its photos evict nothing saved
    page.evaluate(SHOWN)
    page.wait_for_timeout(1000)
    assert photos_kept(page) == kept
    library = worker_library(page)
    item = next(i for i in library["items"] if i["slug"] == SLUG)
    assert sorted(item["photos"]) == kept
    assert library["photos"]["count"] == 3
    assert item["bytes"] > library["photos"]["bytes"] > 0     # pages + photos
    FIGURES["saved article with 3 photos on a 390 px DPR 3 phone"] = (
        f"{item['bytes'] / 1024:.0f} KiB ({library['photos']['bytes'] / 1024:.0f} KiB photos)")
    assert item["bytes"] <= 600_000
    context.set_offline(True)
    page.goto(ARTICLE)
    expect(page.locator(".saved-copy")).to_be_visible()
    assert all(width > 0 for _p, width in page.evaluate(SHOWN))
    context.close()

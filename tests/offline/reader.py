"""What a test asks the browser about offline reading: the service worker's state, its caches,
and the UI strings a reader sees (from the catalogs).

``page.wait_for_function`` treats a returned promise as truthy, so conditions that need an
asynchronous API (Cache Storage, a message to the worker) are awaited inside one
``page.evaluate``: the page asks again on each animation frame until the condition holds or the
deadline passes.
"""

from __future__ import annotations

import re
from functools import cache

from babel.messages.pofile import read_po
from playwright.sync_api import expect

from webapp.config import ROOT

SEGMENT_LOCALE = {"zh": "zh", "en": "en", "zh-hant": "zh_Hant"}
HTML_LANG = {"zh": "zh-Hans", "en": "en", "zh-hant": "zh-Hant"}
TIMEOUT_MS = 60_000

_HELPERS = """
const ask = (worker, message) => new Promise((resolve, reject) => {
  const channel = new MessageChannel();
  const timer = setTimeout(() => reject(new Error("the worker did not answer")), 10000);
  channel.port1.onmessage = (event) => { clearTimeout(timer); resolve(event.data); };
  worker.postMessage(message, [channel.port2]);
});
const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
const until = async (condition, what, timeout) => {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await frame();
  }
};
const cacheContents = async () => {
  const out = {};
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    out[name] = (await cache.keys()).map((r) => { const u = new URL(r.url); return u.pathname + u.search; });
  }
  return out;
};
"""

CONTROLLED = _HELPERS + """
async (timeout) => until(() => Boolean(navigator.serviceWorker.controller), "a controller", timeout)
"""

STATE = _HELPERS + """
async () => {
  const registration = await navigator.serviceWorker.getRegistration();
  const describe = async (worker) => worker && {state: worker.state,
    ...(worker.state === "activated" ? await ask(worker, {type: "status"}) : {})};
  return {
    controller: Boolean(navigator.serviceWorker.controller),
    active: await describe(registration && registration.active),
    waiting: await describe(registration && registration.waiting),
    installing: await describe(registration && registration.installing),
  };
}
"""

SETTLED = _HELPERS + """
async ([release, timeout]) => until(async () => {
  const registration = await navigator.serviceWorker.getRegistration();
  if (!registration || !registration.active || registration.installing || registration.waiting) return null;
  if (registration.active.state !== "activated") return null;
  const status = await ask(registration.active, {type: "status"});
  return status.release === release && status.refreshed === release && status;
}, `the worker of release ${release}, refreshed`, timeout)
"""

LATEST = _HELPERS + """
async ([segment, timeout]) => until(async () => {
  const registration = await navigator.serviceWorker.getRegistration();
  const {locale} = await ask(registration.active, {type: "status"});
  return locale.choice === segment && locale.synced === segment
    && Boolean(await caches.match(`/${segment}/`, {cacheName: "reader-latest"}));
}, `the front page of ${segment} kept as the reader's choice`, timeout)
"""

CACHES = _HELPERS + "async () => cacheContents()"

READ_PAGES = _HELPERS + """
async ([paths, last, timeout]) => {
  let seen = null;
  try {
    return await until(async () => {
      const kept = (await cacheContents())["reader-pages"] || [];
      const meta = await caches.match("/__meta/lru", {cacheName: "reader-meta"});
      const order = meta ? await meta.json() : [];
      seen = {kept, order};
      return order.length === paths.length && paths.every((p) => kept.includes(p)
        && order.includes(p)) && order[order.length - 1] === last && seen;
    }, "the read pages", timeout);
  } catch (err) {
    throw new Error(`${err.message}: reader-pages holds ${JSON.stringify(seen)}`);
  }
}
"""

COUNT_PERSIST = """
window.__persistCalls = 0;
if (navigator.storage && navigator.storage.persist) {
  const persist = navigator.storage.persist.bind(navigator.storage);
  navigator.storage.persist = () => { window.__persistCalls += 1; return persist(); };
}
"""


def wait_controlled(page, timeout: int = TIMEOUT_MS) -> None:
    """Wait until a service worker controls ``page``."""
    page.evaluate(CONTROLLED, timeout)


def worker_state(page) -> dict:
    """The registration's workers: ``{"active": {"state", "release", "shell", "refreshed"},
    "waiting": ..., "installing": ..., "controller": bool}`` (None for an absent worker)."""
    return page.evaluate(STATE)


def wait_settled(page, release: str, timeout: int = TIMEOUT_MS) -> dict:
    """Wait until the active worker is ``release``'s, nothing installs or waits, and the worker
    has refreshed what it keeps for that release; its status."""
    return page.evaluate(SETTLED, [release, timeout])


def wait_latest(page, segment: str, timeout: int = TIMEOUT_MS) -> None:
    """Wait until the worker holds ``segment`` as the reader's choice and keeps its front page."""
    page.evaluate(LATEST, [segment, timeout])


def cache_contents(page) -> dict[str, list[str]]:
    """Every cache of the origin: ``{name: [path + query of each entry]}``."""
    return page.evaluate(CACHES)


def wait_read_pages(page, paths: list[str], last: str, timeout: int = TIMEOUT_MS) -> dict:
    """Wait until the pages read (the LRU order) are exactly ``paths``, each kept in
    reader-pages (with the alternates of the articles among them), and ``last`` is the most
    recently read (keeping runs after each navigation, one page at a time, so every earlier
    navigation has been dealt with by then); ``{"kept": [...], "order": [...]}``."""
    return page.evaluate(READ_PAGES, [paths, last, timeout])


def shells(contents: dict) -> list[str]:
    return [name for name in contents if name.startswith("reader-shell-")]


@cache
def ui_catalog(locale: str) -> dict[str, str]:
    """msgid -> msgstr of the usable entries (translated, not fuzzy) of ``locale``'s UI catalog."""
    if locale == "en":
        return {}
    with open(ROOT / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as fh:
        return {m.id: m.string for m in read_po(fh, locale=locale)
                if m.id and m.string and not m.fuzzy}


def ui(segment: str, msgid: str) -> str:
    """The UI string ``msgid`` as gettext gives it to a reader of ``segment`` (``zh``, ``en``,
    ``zh-hant``): the catalog's translation, else the English msgid."""
    return ui_catalog(SEGMENT_LOCALE[segment]).get(msgid, msgid)


def size_pattern(segment: str) -> re.Pattern:
    """What the library shows as an article's size: ``%(size)s on this device``, translated,
    with a number and a unit in place of ``%(size)s``."""
    text = re.escape(ui(segment, "%(size)s on this device")).replace(
        re.escape("%(size)s"), r"[\d.,]+\s*(?:kB|KB|MB|千字节|兆字节|千位元組|百萬位元組)")
    return re.compile(text)


# --- journeys (issue 23): what is kept and what the page promises ------------------------------

ARTICLE_VIEWS = ("", "parallel/")
KEPT_NOTICE = "You are offline: reading a copy kept on this device when you were last online."
SAVED_NOTICE = "You are offline: reading the saved copy."

KEPT = _HELPERS + """
async ([paths, timeout]) => until(async () => {
  const kept = (await cacheContents())["reader-pages"] || [];
  return paths.every((p) => kept.includes(p)) && kept;
}, `reader-pages holding ${paths.join(" ")}`, timeout)
"""


def article_pages(slug: str) -> list[str]:
    """Every page of an article: each locale's version and parallel view."""
    return [f"/{s}/{slug}/{view}" for view in ARTICLE_VIEWS for s in SEGMENT_LOCALE]


def a_read_article_opens_offline_in_every_language(page, slug: str) -> None:
    """Read in Chinese only, online: offline, the switcher's other languages and the parallel
    views open too, each saying it is a copy kept from the last time online (not "saved")."""
    page.goto(f"/zh/{slug}/")
    wait_controlled(page)
    page.goto(f"/zh/{slug}/")  # read with the worker in charge
    page.evaluate(KEPT, [article_pages(slug), TIMEOUT_MS])
    page.context.set_offline(True)
    for path in article_pages(slug):
        page.goto(path)
        segment = path.split("/")[1]
        expect(page.locator("html")).to_have_attribute("lang", HTML_LANG[segment])
        expect(page.locator("h1")).not_to_have_text(ui(segment, "You are offline"))
        expect(page.locator(".saved-copy")).to_have_text(ui(segment, KEPT_NOTICE))
        expect(page.locator(".saved-copy")).to_be_visible()


PERSIST_STUBS = {  # what the browser answers to navigator.storage.persist()
    "granted": "navigator.storage.persisted = async () => false;"
               " navigator.storage.persist = async () => true;",
    "denied": "navigator.storage.persisted = async () => false;"
              " navigator.storage.persist = async () => false;",
    "absent": "delete StorageManager.prototype.persist; delete StorageManager.prototype.persisted;",
}
SAVED_SAYS = {
    "granted": "Saved. You can now read it offline.",
    "denied": "Saved to read offline, but your browser has not agreed to keep "
              "it: it may delete saved articles when the device runs short of space.",
    "absent": "Saved to read offline. This browser does not say how long it "
              "keeps saved articles: it may delete them when the device runs short of space.",
}


def saved_says_what_the_browser_granted(page, slug: str, segment: str, persistence: str) -> None:
    """The save's status says "Saved" plainly only when the browser keeps the site's storage;
    otherwise what may happen to the copy."""
    page.context.add_init_script(PERSIST_STUBS[persistence])
    page.goto(f"/{segment}/{slug}/")
    wait_controlled(page)
    page.locator(".save-button").click()
    expect(page.locator(".save-button")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".save-status")).to_have_text(ui(segment, SAVED_SAYS[persistence]))


def a_save_without_room_leaves_nothing_behind(page, server_url: str, slug: str) -> None:
    """The device has room for the worker's shell but not for an article's six pages: the
    save says it failed and reader-saved holds nothing (no unlisted pages)."""
    page.goto(f"/en/{slug}/")
    wait_controlled(page)
    page.evaluate(KEPT, [[f"/en/{slug}/"], TIMEOUT_MS])
    usage = page.evaluate("navigator.storage.estimate().then((e) => e.usage)")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Storage.overrideQuotaForOrigin", {"origin": server_url, "quotaSize": usage + 30_000})
    page.locator(".save-button").click()
    expect(page.locator(".save-status")).to_have_text(
        ui("en", "Could not save: your device may be full, or your browser does not let websites save pages."))
    expect(page.locator(".save-button")).to_have_attribute("aria-pressed", "false")
    assert cache_contents(page).get("reader-saved", []) == []
    cdp.send("Storage.overrideQuotaForOrigin", {"origin": server_url})


TOTAL_JS = """async () => {
  const cache = await caches.open("reader-saved");
  let bytes = 0;
  for (const request of await cache.keys()) bytes += (await (await cache.match(request)).blob()).size;
  return new Intl.NumberFormat(document.documentElement.lang, {style: "unit",
    unit: bytes < 1e6 ? "kilobyte" : "megabyte", maximumFractionDigits: 1})
    .format(bytes < 1e6 ? bytes / 1e3 : bytes / 1e6);
}"""


def the_library_counts_what_it_keeps(page, slug: str, segment: str) -> None:
    """The library's total is the size of the saved copies it lists, and goes at once when the
    last one is removed."""
    page.goto(f"/{segment}/{slug}/")
    wait_controlled(page)
    page.locator(".save-button").click()
    expect(page.locator(".save-button")).to_have_attribute("aria-pressed", "true")
    page.goto(f"/{segment}/saved/")
    expect(page.locator(".saved-item")).to_have_count(1)
    total = page.evaluate(TOTAL_JS)
    expect(page.locator("[data-saved-storage]")).to_have_text(
        ui(segment, "Saved articles take up %(size)s on this device.").replace("%(size)s", total))
    page.locator(".saved-item").get_by_role("button").click()
    expect(page.locator(".saved-item")).to_have_count(0)
    expect(page.locator("[data-saved-storage]")).to_be_hidden()

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
      return kept.length === paths.length && paths.every((p) => kept.includes(p))
        && order[order.length - 1] === last && seen;
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
    """Wait until reader-pages holds exactly ``paths`` and ``last`` is the most recently read
    (keeping runs after each navigation, one page at a time, so every earlier navigation has
    been dealt with by then); ``{"kept": [...], "order": [...]}``."""
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

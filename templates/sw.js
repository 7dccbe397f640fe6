// Jintan Reader service worker (rendered by webapp/pwa.py; svgomg's shape, Workbox's words).
//
// install   precache every page in every locale, the offline pages and the static files.
//           PRECACHE is a Workbox-style manifest: pages carry a content-hash `revision` and are
//           stored under `<url>?__rev=<revision>`; hashed /static/ URLs carry none. An entry an
//           older precache already holds is copied, so a deploy re-downloads only what changed.
//           No skipWaiting() here: a new version waits until the reader accepts the page's
//           "updated, reload" prompt (message SKIP_WAITING).
// activate  delete every other `reader-` cache (old precaches, and the visited-pages cache,
//           whose pages point at old static URLs), then claim the open pages.
// fetch     other origins and non-GET requests pass through untouched.
//           navigations: network first (3 s), then the saved page (marked data-saved-copy),
//           then the offline page in the URL's locale.
//           precached static files: cache first. Anything else: the network, not stored.
// VERSION is a hash of PRECACHE, so these bytes change exactly when a precached byte does.

const VERSION = {{ version | tojson }};
const PRECACHE = {{ precache | tojson }};
const LOCALES = {{ locales | tojson }};  // URL segments
const DEFAULT_LOCALE = {{ default_locale | tojson }};
const PRECACHE_NAME = `reader-precache-${VERSION}`;
const PAGES_NAME = "reader-pages";  // pages the reader visited that the manifest lacks
const MAX_PAGES = 50;
const NETWORK_TIMEOUT = 3000;       // ms before a navigation falls back to the saved copy

// url path -> cache key ("/en/<slug>/" -> "/en/<slug>/?__rev=1a2b3c4d5e6f")
const KEYS = new Map(PRECACHE.map(({url, revision}) =>
  [url, revision ? `${url}?__rev=${revision}` : url]));

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(PRECACHE_NAME);
    await Promise.all([...KEYS.values()].map(async (key) => {
      if (await cache.match(key)) return;
      let response = await caches.match(key);  // same bytes in an older precache
      if (!response) {
        // the revision in the URL also gets past a proxy or CDN holding an older copy
        response = await fetch(key, {cache: "no-cache"});
        if (!response.ok || response.redirected) throw new Error(`precache ${key}: ${response.status}`);
      }
      await cache.put(key, response);
    }));
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("reader-") && name !== PRECACHE_NAME) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "SKIP_WAITING") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const {request} = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(event, url));
  } else if (KEYS.has(url.pathname) && url.pathname.startsWith("/static/")) {
    event.respondWith(cacheFirst(request, KEYS.get(url.pathname)));
  }
});

async function cacheFirst(request, key) {
  const cached = await caches.match(key, {cacheName: PRECACHE_NAME});
  return cached || fetch(request);
}

async function navigate(event, url) {
  const network = fetch(event.request);
  network.catch(() => {});  // handled below, or not needed once a saved copy answered
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(resolve, NETWORK_TIMEOUT); });
  try {
    const response = await Promise.race([network, timeout]);
    if (response) {
      if (response.ok && response.type === "basic" && !KEYS.has(url.pathname)) {
        event.waitUntil(remember(url.href, response.clone()));
      }
      return response;
    }
  } catch (err) {
    // offline or the server is unreachable: fall through to the saved copy
  } finally {
    clearTimeout(timer);
  }
  const saved = await savedPage(url);
  if (saved) return savedCopy(saved);
  try {
    return await network;  // slow, but nothing saved to show instead: keep waiting
  } catch (err) {
    return (await offlinePage(url)) || Response.error();
  }
}

/** Keep a visited page, trimming the oldest beyond MAX_PAGES (keys are in insertion order). */
async function remember(href, response) {
  const cache = await caches.open(PAGES_NAME);
  await cache.put(href, response);
  const keys = await cache.keys();
  for (const old of keys.slice(0, Math.max(0, keys.length - MAX_PAGES))) await cache.delete(old);
}

/** The saved page for a URL: precached (query ignored), else visited; "/" -> a front page. */
async function savedPage(url) {
  const path = url.pathname === "/" ? `/${preferredLocale()}/` : url.pathname;
  if (KEYS.has(path)) return caches.match(KEYS.get(path), {cacheName: PRECACHE_NAME});
  return caches.match(url.href, {cacheName: PAGES_NAME});
}

function offlinePage(url) {
  const first = url.pathname.split("/")[1];
  const locale = LOCALES.includes(first) ? first : preferredLocale();
  return caches.match(KEYS.get(`/${locale}/offline/`), {cacheName: PRECACHE_NAME});
}

function preferredLocale() {
  for (const tag of self.navigator.languages || []) {
    const lower = tag.toLowerCase();
    // Traditional Chinese: script Hant, or a region that writes it (as webapp/i18n.py match_tag)
    if (/^zh-(hant|tw|hk|mo)\b/.test(lower) && LOCALES.includes("zh-hant")) return "zh-hant";
    const primary = lower.split("-")[0];
    if (LOCALES.includes(primary)) return primary;
  }
  return DEFAULT_LOCALE;
}

/** The saved response, with <html data-saved-copy> so the page can say it is a saved copy. */
async function savedCopy(response) {
  const html = (await response.text()).replace("<html ", "<html data-saved-copy ");
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  headers.delete("content-encoding");
  return new Response(html, {status: response.status, statusText: response.statusText, headers});
}

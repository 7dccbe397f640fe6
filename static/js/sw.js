// Jintan Reader service worker (design: docs/offline.md). /sw.js is this file after one line,
// `const DATA = {...};`, the release's worker data as JSON (webapp/site/offline.py).
//
// Caches (every name starts with "reader-"; anything else of ours is deleted on activation):
//   reader-shell-<version>  the app shell, precached at install: hashed static files, the
//                           manifests, and the offline and saved-library pages (stored under
//                           ?__rev=<revision>).
//   reader-latest           the front page and the newest articles in the reader's language.
//   reader-pages            pages read online, least recently used beyond MAX_PAGES, each
//                           article read with its other languages and parallel views (they
//                           do not count as reads: they leave with the page read).
//   reader-saved            articles the reader saved (every locale + parallel): never evicted.
//   reader-photos           photos of kept pages, one size each (the file the page loaded on
//                           this device): those of saved articles never evicted, the others
//                           oldest first beyond PHOTO_BUDGET bytes, and all of them
//                           dropped first under storage pressure (docs/photos.md).
//   reader-meta             the reader's language choice, the LRU order (pages read) and each
//                           one's alternates, the saved list.
// install   precache the shell (copying entries an older shell already holds), then activate at
//           once: RELEASE is in these bytes, so every release installs a new worker.
// activate  delete old shells and claim open pages; then, outside activation, refresh what is
//           kept (latest, saved, read pages) with conditional requests, once per release, so an
//           offline reader gets the new text next time. Every navigation and message resumes a
//           refresh that was cut short. The "status" message reports release and refresh.
// fetch     navigations: network first (3 s), keeping every page it gets; then the kept copy
//           (marked data-saved-copy="saved" or "kept"), or for a search page the search of
//           the kept articles; then the offline page in the URL's language. Other requests for
//           shell entries (hashed static files, manifests): cache first. Photos: the kept file,
//           else the network (kept when a kept page asked), else offline another kept size.
//           Other origins and non-GET requests: untouched.

// DATA: the release's worker data (see above); a declared global in lint/eslint.config.mjs
const {
  release: RELEASE,                 // the release id: in these bytes, so every release updates
  shell: SHELL,                     // precache manifest: [{url, revision}]
  shellVersion: SHELL_VERSION,
  latest: LATEST,                   // locale segment -> paths, newest first
  locales: LOCALE_TABLE,            // webapp/locales.py client_table()
  offlinePages: OFFLINE_PAGES,      // locale segment -> offline page path
  maxPages: MAX_PAGES,
  photoBudget: PHOTO_BUDGET,        // bytes of unsaved photos kept (LRU)
  photoPrefix: PHOTO_PREFIX,        // "/static/photos/": photo renditions, content-hashed
  searchPages: SEARCH_PAGES,        // locale segment -> search page path (in the shell)
} = DATA;
const ARTICLE_PATTERN = new RegExp(DATA.articlePattern);
const READ_PATTERNS = DATA.readPatterns.map((source) => new RegExp(source));
const NETWORK_TIMEOUT = 3000;                         // ms before a navigation uses the kept copy
const STORAGE_PRESSURE = 0.8;                         // share of the quota that triggers eviction

const SHELL_CACHE = `reader-shell-${SHELL_VERSION}`;
const LATEST_CACHE = "reader-latest";
const PAGES_CACHE = "reader-pages";
const SAVED_CACHE = "reader-saved";
const META_CACHE = "reader-meta";
const PHOTOS_CACHE = "reader-photos";
const OURS = new Set([SHELL_CACHE, LATEST_CACHE, PAGES_CACHE, SAVED_CACHE, META_CACHE, PHOTOS_CACHE]);

/** The cache key of a shell entry: its URL, with ?__rev=<revision> for pages and manifests. */
const shellKey = ({url, revision}) => (revision ? `${url}?__rev=${revision}` : url);
const SHELL_KEYS = new Map(SHELL.map((entry) => [entry.url, shellKey(entry)]));
/** The locale segment `path` starts with (`/zh-hant/x/` -> "zh-hant"), or null: the one place
 * the worker reads a locale from a path, against the locale table's segments. */
const segmentOf = (path) => {
  const first = path.split("/")[1];
  return Object.values(LOCALE_TABLE.segments).includes(first) ? first : null;
};
/** Whether `path` is a page the worker may keep (the registry's offline=READ page types). */
const isPage = (path) => READ_PATTERNS.some((re) => re.test(path));
/** Whether `path` is a photo rendition (webapp/publish/images.py: photos/<stem>-<width>.<hash>.<ext>). */
const isPhoto = (path) => typeof path === "string" && path.startsWith(PHOTO_PREFIX)
  && !path.includes("..");
/** The part of a rendition's path that names the photo, whatever its width and format. */
const photoOf = (path) => path.replace(/-(?:\d+|share)\.[0-9a-f]{12}\.\w+$/, "");

// --- small persistent state in reader-meta ---------------------------------------------------
/** The JSON record `name` from reader-meta, or `fallback`. */
async function readMeta(name, fallback) {
  const response = await (await caches.open(META_CACHE)).match(`/__meta/${name}`);
  return response ? response.json() : fallback;
}
/** Store `value` as the JSON record `name` in reader-meta. */
async function writeMeta(name, value) {
  const cache = await caches.open(META_CACHE);
  await cache.put(`/__meta/${name}`, new Response(JSON.stringify(value),
    {headers: {"Content-Type": "application/json"}}));
}
// One writer at a time: every change to the kept pages goes through this queue.
let queue = Promise.resolve();
/** Run `task` after every task queued before it (whether they failed or not); its promise. */
const serially = (task) => (queue = queue.then(task, task));

// --- the reader's language --------------------------------------------------------------------
/** The URL segment for the first of `tags` (BCP 47) the locale table matches, or null. */
function negotiate(tags) {
  for (const tag of tags || []) {
    const lower = String(tag).toLowerCase().replace(/_/g, "-");
    for (const [source, segment] of LOCALE_TABLE.rules) if (new RegExp(source).test(lower)) return segment;
  }
  return null;
}
/** The language of "/" and of the offline page: the saved choice, else the browser's. */
async function preferredSegment() {
  const locale = await readMeta("locale", {});
  return locale.choice || negotiate(self.navigator.languages) || LOCALE_TABLE.default;
}
/** The language whose newest articles are kept: the saved choice, else the one last read. */
async function readingSegment() {
  const locale = await readMeta("locale", {});
  return locale.choice || locale.reading || negotiate(self.navigator.languages) || LOCALE_TABLE.default;
}

// --- install and activate -----------------------------------------------------------------------
self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    await Promise.all(SHELL.map(async (entry) => {
      const key = shellKey(entry);
      if (await cache.match(key)) return;
      let response = await caches.match(key);   // the same bytes in an older shell
      if (!response) {
        // the revision in the URL also gets past a proxy or CDN holding an older copy
        response = await fetch(key, {cache: "no-cache"});
        if (!response.ok || response.redirected) throw new Error(`precache ${key}: ${response.status}`);
      }
      await cache.put(key, response);
    }));
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("reader-") && !OURS.has(name)) await caches.delete(name);
    }
    await self.clients.claim();
  })());
  // Not in waitUntil: until activation settles the browser holds every navigation and
  // request of the pages this worker controls, and a newer worker would wait behind it.
  refresh().catch(() => {});
});

// --- refreshing what is kept, once per release ------------------------------------------------
let refreshing = null;
let refreshed = false;

/** A newer worker is installing or waiting. The browser activates it only once this worker's
 * events are done, and it refreshes for its own release: stop, so it is not kept waiting. */
const superseded = () => [self.registration.installing, self.registration.waiting]
  .some((worker) => worker && worker !== self.serviceWorker);

/** Bring the kept pages up to this release once: the newest articles of the reader's language,
 * then saved and read pages. One run at a time; a run cut short (offline, worker stopped) is
 * not recorded, so the next event starts it again; a run of a superseded worker stops between
 * batches. Resolves when it is done or given up. */
function refresh() {
  if (refreshed) return Promise.resolve();
  if (!refreshing) {
    refreshing = (async () => {
      if ((await readMeta("refreshed", null)) === RELEASE) {
        refreshed = true;
        return;
      }
      if (superseded()) return;
      await syncLatest();
      await refreshKept();
      if (superseded()) return;
      await writeMeta("refreshed", RELEASE);
      refreshed = true;
    })().finally(() => { refreshing = null; });
  }
  return refreshing;
}

// --- keeping pages ---------------------------------------------------------------------------------
/** Fetch `path` for keeping (revalidated, with cookies): a 200 HTML page, not redirected.
 * Rejects with a TypeError when the network fails, with an Error for any other answer. */
async function fetchPage(path) {
  const response = await fetch(path, {cache: "no-cache", credentials: "same-origin"});
  const type = response.headers.get("Content-Type") || "";
  if (!response.ok || response.redirected || !type.startsWith("text/html")) {
    throw new Error(`${path}: ${response.status}`);
  }
  return response;
}

/** Make reader-latest hold the front page and newest articles of the reading language for this
 * release; nothing to do when it already does. The decision is taken in the queue, so the
 * activation and every page's locale message trigger one download, not one each. Entries of
 * another language go only once the new ones are in. Rejects on a network error (offline). */
async function syncLatest() {
  await serially(async () => {
    const locale = await readMeta("locale", {});
    const segment = await readingSegment();
    if (locale.synced === segment && locale.release === RELEASE) return;
    const wanted = LATEST[segment] || [];
    const fetched = await Promise.all(wanted.map(async (path) => {
      try {
        return [path, await fetchPage(path)];
      } catch (err) {
        if (err instanceof TypeError) throw err;  // no network: try again at the next event
        return [path, null];                        // gone from the site: nothing to keep
      }
    }));
    const cache = await caches.open(LATEST_CACHE);
    for (const [path, response] of fetched) if (response) await cache.put(path, response);
    for (const request of await cache.keys()) {
      if (!wanted.includes(new URL(request.url).pathname)) await cache.delete(request);
    }
    await writeMeta("locale", {...(await readMeta("locale", {})), synced: segment, release: RELEASE});
  });
}

/** Re-fetch every saved and read page (conditional requests: mostly 304s), a few at a time.
 * A fresh copy replaces the kept one only if the page is still kept when it arrives (eviction
 * or a removal may have happened meanwhile). Rejects on the first network error (offline): the
 * run is not complete. */
async function refreshKept() {
  for (const name of [SAVED_CACHE, PAGES_CACHE]) {
    const cache = await caches.open(name);
    const paths = (await cache.keys()).map((request) => new URL(request.url).pathname);
    for (let i = 0; i < paths.length; i += 4) {
      if (superseded()) return;
      await Promise.all(paths.slice(i, i + 4).map(async (path) => {
        let response;
        try {
          response = await fetchPage(path);
        } catch (err) {
          if (err instanceof TypeError) throw err;  // no network: try the whole run again later
          return;  // the page is gone from the site: keep the copy the reader has
        }
        await serially(async () => {
          if (await cache.match(path)) await cache.put(path, response);
        });
      }));
    }
  }
}

/** The other pages of the article a page shows: its other languages and parallel views, as
 * its "Save to read offline" box lists them (templates/_save.html `data-urls`, `data-save`);
 * `{slug, paths}` without `path` itself, or null for a page that is not an article. */
function alternatesOf(path, html) {
  const box = /<div class="save" data-save="([^"]+)"\s+data-urls="([^"]*)"/.exec(html);
  if (!box) return null;
  return {slug: box[1], paths: box[2].split(" ").filter((p) => p && p !== path && isPage(p))};
}

/** Keep a page just fetched online: refresh it wherever it is kept, and in the read-pages LRU;
 * an article's other languages and parallel views are kept with it (fetched unless kept
 * already), so its language switcher works offline. They are not reads: the LRU counts the
 * page read, and they leave with it. The page is recorded first, in navigation order; its
 * alternates follow in a second step of the queue, if it is still kept then. A failed
 * alternate is skipped (the next read tries again). */
async function keep(path, response) {
  const body = await response.blob();
  const copy = () => new Response(body, {status: response.status, headers: response.headers});
  const article = alternatesOf(path, await body.text());
  const pages = await caches.open(PAGES_CACHE);
  await serially(async () => {
    for (const name of [SAVED_CACHE, LATEST_CACHE]) {
      const cache = await caches.open(name);
      if (await cache.match(path)) await cache.put(path, copy());
    }
    await pages.put(path, copy());
    const alternates = await readMeta("alternates", {});
    if (article) alternates[path] = article.paths;
    const order = (await readMeta("lru", [])).filter((p) => p !== path);
    order.push(path);
    await writeMeta("lru", await trim(order, alternates));
    await writeMeta("alternates", alternates);
  });
  if (!article) return;
  const fetched = [];
  for (const alt of article.paths) {
    if (await pages.match(alt) || await caches.match(alt, {cacheName: SAVED_CACHE})) continue;
    try {
      fetched.push([alt, await fetchPage(alt)]);
    } catch (err) {
      // offline or gone: not kept this time
    }
  }
  await serially(async () => {
    if (!(await readMeta("lru", [])).includes(path)) return;  // evicted meanwhile
    for (const [alt, fresh] of fetched) await pages.put(alt, fresh);
  });
}

/** Keep a page the reader opened before this worker controlled it (the first page of a first
 * visit), unless it is kept already: the copy in reader-latest when it is there (a front page:
 * no second download), else fetched again (revalidated: usually a 304 from the HTTP cache),
 * then kept like any page read. Offline or gone from the site: nothing to keep. */
async function keepUncontrolled(path) {
  if (await (await caches.open(PAGES_CACHE)).match(path)) return;
  try {
    const latest = await (await caches.open(LATEST_CACHE)).match(path);
    await keep(path, latest || await fetchPage(path));
  } catch (err) {
    // offline, or no longer a page: nothing to keep
  }
}

/** Evict the least recently read pages beyond MAX_PAGES, or half of them (never the newest) under
 * storage pressure, photos first;
 * returns the new order. An evicted page takes its alternates (`alternates`: page read ->
 * paths, pruned here in place) unless another kept page still has them. Entries nothing knows
 * (a worker stopped between writes) count as the oldest, so nothing escapes the bound. */
async function trim(order, alternates = {}) {
  const cache = await caches.open(PAGES_CACHE);
  const present = (await cache.keys()).map((request) => new URL(request.url).pathname);
  const known = new Set(order);
  const ridden = new Set(Object.values(alternates).flat());
  order = [...present.filter((p) => !known.has(p) && !ridden.has(p)),
    ...order.filter((p) => present.includes(p))];
  const limit = await pageLimit(order.length);
  while (order.length > limit) {
    const victim = order.shift();
    const alts = alternates[victim] || [];
    delete alternates[victim];
    const still = new Set([...order, ...order.flatMap((p) => alternates[p] || [])]);
    for (const p of [victim, ...alts]) if (!still.has(p)) await cache.delete(p);
  }
  for (const p of Object.keys(alternates)) if (!order.includes(p)) delete alternates[p];
  return order;
}

/** How many read pages may stay: MAX_PAGES, or under storage pressure (after every unsaved
 * photo went) half of the `count` kept, never fewer than one: the page just read stays. */
async function pageLimit(count) {
  if ((await underPressure()) && (await trimPhotos(0)) && (await underPressure())) {
    return Math.max(1, Math.floor(count / 2));
  }
  return MAX_PAGES;
}

/** Whether the origin uses more than STORAGE_PRESSURE of its quota (false without a
 * StorageManager: the entry and byte bounds alone apply). */
async function underPressure() {
  try {
    const {usage, quota} = await self.navigator.storage.estimate();
    return Boolean(quota && usage / quota > STORAGE_PRESSURE);
  } catch (err) {
    return false;
  }
}

// --- photos -----------------------------------------------------------------------------------------
/** The photos saved articles need (never evicted). */
async function pinnedPhotos() {
  return new Set((await readMeta("saved", [])).flatMap((item) => item.photos || []));
}

/** Evict unsaved photos, the longest kept first, until they take at most `budget` bytes;
 * returns true (so it chains in a condition). Runs inside the write queue. */
async function trimPhotos(budget) {
  const cache = await caches.open(PHOTOS_CACHE);
  const pinned = await pinnedPhotos();
  const index = await readMeta("photos", {});
  const present = new Set((await cache.keys()).map((request) => new URL(request.url).pathname));
  for (const path of Object.keys(index)) if (!present.has(path)) delete index[path];
  const order = Object.keys(index).filter((p) => !pinned.has(p)).sort((a, b) => index[a].last - index[b].last);
  let total = order.reduce((sum, p) => sum + index[p].bytes, 0);
  while (total > budget && order.length) {
    const path = order.shift();
    total -= index[path].bytes;
    delete index[path];
    await cache.delete(path);
  }
  await writeMeta("photos", index);
  return true;
}

/** Keep one photo file (a 200 response) in reader-photos and its size in the index. */
async function keepPhoto(path, response) {
  const body = await response.blob();
  await serially(async () => {
    await (await caches.open(PHOTOS_CACHE)).put(path, new Response(body,
      {status: 200, headers: response.headers}));
    const index = await readMeta("photos", {});
    index[path] = {bytes: body.size, last: Date.now()};
    await writeMeta("photos", index);
    await trimPhotos(PHOTO_BUDGET);
  });
}

/** A photo: the kept file; else the network's, kept when a kept page (any page the worker
 * keeps: read, latest, saved) asked for it; else, offline, another kept size of the same photo
 * (the page was kept at another width or orientation). */
async function photo(event, url) {
  const path = url.pathname;
  const photos = await caches.open(PHOTOS_CACHE);
  const kept = await photos.match(path);
  if (kept) return kept;
  try {
    const response = await fetch(event.request);
    if (response.ok && response.type === "basic") {
      const client = event.clientId && await self.clients.get(event.clientId);
      if (client && isPage(new URL(client.url).pathname)) {
        event.waitUntil(keepPhoto(path, response.clone()).catch(() => {}));
      }
    }
    return response;
  } catch (err) {
    const same = photoOf(path);
    for (const request of await photos.keys()) {
      if (photoOf(new URL(request.url).pathname) === same) return photos.match(request);
    }
    return Response.error();
  }
}

/** Mark a read page as just read again (offline), so eviction takes it last; an alternate
 * read offline does this for the page it came with. */
async function touch(path) {
  await serially(async () => {
    const order = await readMeta("lru", []);
    const alternates = await readMeta("alternates", {});
    const mine = order.filter((p) => p === path || (alternates[p] || []).includes(path));
    if (!mine.length) return;
    await writeMeta("lru", [...order.filter((p) => !mine.includes(p)), ...mine]);
  });
}

// --- saving articles -------------------------------------------------------------------------------
/** Save an article: fetch every page of it (each locale and parallel view), then store them all
 * and list the article, in one step of the write queue. A failed fetch stores nothing; a store
 * that fails (QuotaExceededError: the device has no room) deletes the pages it wrote, so
 * reader-saved never holds pages the list does not show. Rejects with the error. */
async function save({slug, title, urls, photos = []}) {
  const pages = urls.filter(isPage);
  if (!pages.length) throw new Error(`nothing to save for ${slug}`);
  // the photos in the size this device showed (the page sends what it loaded): kept already
  // when the page was read, else fetched now
  const wanted = [...new Set((Array.isArray(photos) ? photos : []).filter(isPhoto))];
  const photoCache = await caches.open(PHOTOS_CACHE);
  const missing = [];
  for (const path of wanted) if (!(await photoCache.match(path))) missing.push(path);
  const fetched = await Promise.all(missing.map(async (path) => {
    const response = await fetch(path);
    if (!response.ok) throw new Error(`${path}: ${response.status}`);
    return [path, await response.blob(), response.headers];
  }));
  const responses = await Promise.all(pages.map((path) => fetchPage(path)));
  await serially(async () => {
    const cache = await caches.open(SAVED_CACHE);
    const before = await readMeta("saved", []);
    const listed = new Set(before.flatMap((item) => item.urls));
    try {
      for (const [i, path] of pages.entries()) await cache.put(path, responses[i]);
      const index = await readMeta("photos", {});
      for (const [path, body, headers] of fetched) {
        await photoCache.put(path, new Response(body, {status: 200, headers}));
        index[path] = {bytes: body.size, last: Date.now()};
      }
      await writeMeta("photos", index);
      const saved = before.filter((item) => item.slug !== slug);
      saved.unshift({slug, title, urls: pages, photos: wanted, savedAt: Date.now()});
      await writeMeta("saved", saved);
    } catch (err) {
      for (const path of pages) if (!listed.has(path)) await cache.delete(path).catch(() => {});
      throw err;
    }
  });
}

/** Remove a saved article: its pages leave reader-saved and the list. */
async function remove({slug}) {
  await serially(async () => {
    const saved = await readMeta("saved", []);
    const item = saved.find((entry) => entry.slug === slug);
    const cache = await caches.open(SAVED_CACHE);
    for (const path of item ? item.urls : []) await cache.delete(path);
    await writeMeta("saved", saved.filter((entry) => entry !== item));
    await trimPhotos(PHOTO_BUDGET);   // its photos are now read pages' photos, in the budget
  });
}

/** The text of the first <h1> of a page (tags dropped, entities decoded), or null. */
function headingOf(html) {
  const match = /<h1\b[^>]*>([\s\S]*?)<\/h1>/i.exec(html);
  if (!match) return null;
  const named = {amp: "&", lt: "<", gt: ">", quot: '"', apos: "'"};
  const text = match[1].replace(/<[^>]*>/g, "")
    .replace(/&(?:#x([0-9a-f]+)|#([0-9]+)|(amp|lt|gt|quot|apos));/gi, (entity, hex, dec, name) =>
      hex ? String.fromCodePoint(parseInt(hex, 16)) : dec ? String.fromCodePoint(Number(dec))
        : named[name.toLowerCase()])
    .replace(/\s+/g, " ").trim();
  return text || null;
}

/** The saved articles, each with the bytes it keeps on the device (the sum of its cached
 * bodies, its photos included) and its title in every language (from the kept copies, so a library page lists it
 * in its own language). The page adds the sizes up: what the app knows it keeps, not
 * `storage.estimate()`, which lags behind a removal and counts more than the library; and the
 * photos kept (count, bytes, budget). */
async function library() {
  const cache = await caches.open(SAVED_CACHE);
  const index = await readMeta("photos", {});
  const items = [];
  for (const item of await readMeta("saved", [])) {
    let bytes = (item.photos || []).reduce((sum, path) => sum + (index[path] ? index[path].bytes : 0), 0);
    const titles = {};
    for (const path of item.urls) {
      const response = await cache.match(path);
      if (!response) continue;
      const blob = await response.blob();
      bytes += blob.size;
      const segment = segmentOf(path);
      if (segment && path === `/${segment}/${item.slug}/`) {
        titles[segment] = headingOf(await blob.text());
      }
    }
    items.push({...item, bytes, titles});
  }
  const photos = {count: Object.keys(index).length, budget: PHOTO_BUDGET,
                  bytes: Object.values(index).reduce((sum, entry) => sum + entry.bytes, 0)};
  return {items, photos};
}

self.addEventListener("message", (event) => {
  const data = event.data || {};
  const reply = (value) => event.ports[0] && event.ports[0].postMessage(value);
  const work = (async () => {
    try {
      if (data.type === "locale") {
        const known = Object.values(LOCALE_TABLE.segments);
        await serially(async () => {
          const locale = await readMeta("locale", {});
          const choice = known.includes(data.choice) ? data.choice : null;
          const reading = known.includes(data.reading) ? data.reading : locale.reading;
          await writeMeta("locale", {...locale, choice, reading});
        });
        await syncLatest().catch(() => {});  // offline: the next event tries again
        if (typeof data.page === "string" && data.page.startsWith("/") && isPage(data.page)) {
          await keepUncontrolled(data.page);
        }
        reply({ok: true});
      } else if (data.type === "save") {
        await save(data);
        reply({ok: true});
      } else if (data.type === "remove") {
        await remove(data);
        reply({ok: true});
      } else if (data.type === "library") {
        reply({ok: true, ...(await library())});
      } else if (data.type === "status") {
        reply({ok: true, release: RELEASE, shell: SHELL_VERSION,
               refreshed: await readMeta("refreshed", null), locale: await readMeta("locale", {})});
      }
    } catch (err) {
      reply({ok: false, error: String(err)});
    }
  })();
  event.waitUntil(Promise.all([work, refresh().catch(() => {})]));
});

// --- fetch -------------------------------------------------------------------------------------------
self.addEventListener("fetch", (event) => {
  const {request} = event;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (request.mode === "navigate") {
    event.respondWith(navigate(event, url));
    event.waitUntil(refresh().catch(() => {}));  // resumes a refresh cut short
  } else if (SHELL_KEYS.has(url.pathname)) {
    event.respondWith(cacheFirst(request, url.pathname));
  } else if (isPhoto(url.pathname)) {
    event.respondWith(photo(event, url));
  }
});

/** A shell entry from the shell, else from the network. */
async function cacheFirst(request, path) {
  const cached = await caches.match(SHELL_KEYS.get(path), {cacheName: SHELL_CACHE});
  return cached || fetch(request);
}

/** A navigation: the network's answer within NETWORK_TIMEOUT, else the kept copy, else the
 * network's late answer, else the offline page. Every page the network answers is kept, even
 * one that came too late to be shown, so the next offline visit has it. */
async function navigate(event, url) {
  const path = url.pathname;
  const network = fetch(event.request);
  // registered before the page reads the body: the clone is taken first
  event.waitUntil(network.then((response) => {
    const type = response.headers.get("Content-Type") || "";
    if (response.ok && response.type === "basic" && !response.redirected && isPage(path)
        && type.startsWith("text/html")) {
      return keep(path, response.clone());
    }
    return null;
  }).catch(() => {}));  // offline: nothing to keep
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(resolve, NETWORK_TIMEOUT); });
  try {
    const response = await Promise.race([network, timeout]);
    if (response) return response;
  } catch (err) {
    // offline or the server is unreachable: fall through to the kept copy
  } finally {
    clearTimeout(timer);
  }
  const searched = await offlineSearch(url);
  if (searched) return searched;
  const kept = await keptPage(path);
  if (kept) return markSaved(kept.response, kept.saved);
  try {
    return await network;  // slow, but nothing kept to show instead: keep waiting
  } catch (err) {
    return (await offlinePage(path)) || Response.error();
  }
}

/** The kept copy of a path (query ignored): saved, read, latest, or shell; "/" -> a front page.
 * `{response, saved}` (saved: the reader saved it), or null. */
async function keptPage(path) {
  if (path === "/") path = `/${await preferredSegment()}/`;
  for (const name of [SAVED_CACHE, PAGES_CACHE, LATEST_CACHE]) {
    const response = await caches.match(path, {cacheName: name});
    if (response) {
      if (name === PAGES_CACHE) await touch(path);
      return {response, saved: name === SAVED_CACHE};
    }
  }
  if (!SHELL_KEYS.has(path)) return null;
  const response = await caches.match(SHELL_KEYS.get(path), {cacheName: SHELL_CACHE});
  return response ? {response, saved: false} : null;
}

/** The offline page in the language of `path`, else in the reader's preferred language. */
async function offlinePage(path) {
  const segment = segmentOf(path) || await preferredSegment();
  return caches.match(SHELL_KEYS.get(OFFLINE_PAGES[segment]), {cacheName: SHELL_CACHE});
}

/** The kept response, with <html data-saved-copy="saved"> (a page the reader saved) or "kept"
 * (kept from reading or the newest articles), so the page says which kind of copy it is. */
async function markSaved(response, saved) {
  const html = (await response.text())
    .replace("<html ", `<html data-saved-copy="${saved ? "saved" : "kept"}" `);
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  headers.delete("content-encoding");
  return new Response(html, {status: response.status, statusText: response.statusText, headers});
}

// --- searching offline -------------------------------------------------------------------------
// Offline, /<locale>/search/?q= searches the articles the device keeps (saved, read, latest):
// the text of each kept article page, no copy of any index. Matching: every word (or "quoted
// phrase") of the query appears in the page's text, after NFKC (full-width = half-width),
// case folding and Traditional to Simplified character by character (DATA.scriptFold: the
// release's table, made from the project's OpenCC for the characters of the archive:
// webapp/search.py script_table). No stemming and no OpenCC phrase rules (the server does
// both online). The results fill the search page of the shell, which says it searched only
// what the device keeps.

/** Traditional character -> Simplified, from DATA.scriptFold ("電电池池…": pairs). */
const SCRIPT_FOLD = new Map((DATA.scriptFold || "").match(/../gu)?.map((pair) => [...pair]) || []);

/** `text` folded for matching: NFKC, lower case, Traditional characters to Simplified (one
 * character for one: offsets in the result are offsets in the NFKC form). */
const foldText = (text) => text.normalize("NFKC").toLowerCase()
  .replace(/\p{Script=Han}/gu, (c) => SCRIPT_FOLD.get(c) || c);

/** Text with &, <, >, " escaped for HTML. */
const escapeHtml = (text) => String(text).replace(/[&<>"]/g,
  (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})[c]);

/** Plain text of an HTML fragment: tags dropped, the few entities our pages use decoded. */
function plainText(html) {
  const named = {amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " "};
  return html.replace(/<(script|style|template)\b[\s\S]*?<\/\1>/gi, " ").replace(/<[^>]*>/g, " ")
    .replace(/&(?:#x([0-9a-f]+)|#([0-9]+)|([a-z]+));/gi, (entity, hex, dec, name) =>
      hex ? String.fromCodePoint(parseInt(hex, 16)) : dec ? String.fromCodePoint(Number(dec))
        : (named[name.toLowerCase()] ?? entity))
    .replace(/\s+/g, " ").trim();
}

/** The query's terms: words, and "quoted phrases", folded (foldText); at most 12. */
function queryTerms(q) {
  const folded = foldText(q).slice(0, 200);
  const terms = [];
  folded.split('"').forEach((part, i) => {
    for (const piece of (i % 2 ? [part] : part.split(/\s+/))) {
      const term = piece.replace(/\s+/g, " ").trim();
      if (/[\p{L}\p{N}]/u.test(term)) terms.push(term);
    }
  });
  return [...new Set(terms)].slice(0, 12);
}

/** The first of `terms` found in `lower` from `pos` before `end`: [index, term], or [-1, ""]. */
function nextMatch(lower, terms, pos, end) {
  let next = -1;
  let term = "";
  for (const t of terms) {
    const i = lower.indexOf(t, pos);
    if (i >= 0 && i < end && (next < 0 || i < next)) { next = i; term = t; }
  }
  return [next, term];
}

/** `text` around the first match of `terms`, escaped, every match in <mark>. */
function offlineSnippet(text, terms) {
  const lower = foldText(text);
  const aligned = lower.length === text.length;
  const source = aligned ? text : lower;
  const first = Math.min(...terms.map((t) => lower.indexOf(t)).filter((i) => i >= 0));
  const start = Math.max(0, first - 40);
  const end = Math.min(source.length, start + 120);
  let out = start > 0 ? "…" : "";
  let pos = start;
  while (pos < end) {
    const [next, term] = nextMatch(lower, terms, pos, end);
    if (next < 0) break;
    out += escapeHtml(source.slice(pos, next)) + "<mark>" +
      escapeHtml(source.slice(next, next + term.length)) + "</mark>";
    pos = next + term.length;
  }
  return out + escapeHtml(source.slice(pos, end)) + (end < source.length ? "…" : "");
}

/** Every kept article page (path, title, text), the locale `segment`'s copy first per slug. */
async function keptArticles(segment) {
  const found = new Map();
  for (const name of [SAVED_CACHE, PAGES_CACHE, LATEST_CACHE]) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      const path = new URL(request.url).pathname;
      if (!ARTICLE_PATTERN.test(path)) continue;
      const [, seg, slug] = path.split("/");
      const known = found.get(slug);
      if (known && (known.segment === segment || seg !== segment)) continue;
      const response = await cache.match(request);
      if (!response) continue;
      const html = await response.text();
      const main = /<main\b[^>]*>([\s\S]*?)<\/main>/i.exec(html);
      found.set(slug, {path, segment: seg, title: headingOf(html) || slug,
                       text: plainText(main ? main[1] : html)});
    }
  }
  return [...found.values()];
}

/** The search page of the shell for `url`'s locale, filled with the kept articles matching
 * its query; null when `url` is not a search with a query. */
async function offlineSearch(url) {
  const segment = url.pathname.split("/")[1];
  const q = url.searchParams.get("q") || "";
  if (SEARCH_PAGES[segment] !== url.pathname || !q.trim()) return null;
  const shell = await caches.match(SHELL_KEYS.get(url.pathname), {cacheName: SHELL_CACHE});
  if (!shell) return null;
  const terms = queryTerms(q);
  const matches = terms.length ? (await keptArticles(segment)).filter((a) => {
    const text = foldText(`${a.title} ${a.text}`);
    return terms.every((t) => text.includes(t));
  }) : [];
  const items = matches.map((a) => `<li class="search-item"><h2 class="list-title">` +
    `<a href="${escapeHtml(a.path)}">${escapeHtml(a.title)}</a></h2>` +
    `<p class="search-snippet">${offlineSnippet(a.text, terms)}</p></li>`).join("");
  let html = (await shell.text())
    .replace('<p class="search-offline" role="status" hidden>', '<p class="search-offline" role="status">')
    .replace(/(<input id="search-q"[^>]*value=")[^"]*"/, (m, head) => `${head}${escapeHtml(q)}"`);
  html = matches.length
    ? html.replace("<div class=\"search-results\" data-search-results>",
      `<div class="search-results" data-search-results data-offline-results="${matches.length}"><ol class="search-list">${items}</ol>`)
    : html.replace('<p class="search-status search-none" hidden>',
      '<p class="search-status search-none" role="status">');
  const headers = new Headers(shell.headers);
  headers.delete("content-length");
  headers.delete("content-encoding");
  return new Response(html, {status: 200, headers});
}

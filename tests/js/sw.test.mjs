// Unit tests of the service worker's pure parts and its LRU, under node's test runner, on the
// real static/js/sw.js with an in-memory Cache API. Run by tests/test_worker_js.py (make unit).
import {test} from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import vm from "node:vm";
import path from "node:path";
import {fileURLToPath} from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const ORIGIN = "http://127.0.0.1:8000";
const SOURCE = fs.readFileSync(path.join(ROOT, "static/js/sw.js"), "utf8");
const TABLE = JSON.parse(process.env.LOCALE_TABLE || "null");
const PATTERNS = JSON.parse(process.env.READ_PATTERNS || "null");

/** An in-memory CacheStorage: enough of the Cache API for the worker (match, put, delete, keys). */
function cacheStorage() {
  const stores = new Map();
  const key = (request) => new URL(typeof request === "string" ? request : request.url, ORIGIN).href;
  const open = async (name) => {
    if (!stores.has(name)) {
      const entries = new Map();
      stores.set(name, {
        match: async (request) => entries.get(key(request))?.clone(),
        put: async (request, response) => { entries.set(key(request), response.clone()); },
        delete: async (request) => entries.delete(key(request)),
        keys: async () => [...entries.keys()].map((url) => new Request(url)),
      });
    }
    return stores.get(name);
  };
  const match = async (request, {cacheName} = {}) => {
    for (const name of cacheName ? [cacheName] : [...stores.keys()]) {
      const found = stores.has(name) && await (await open(name)).match(request);
      if (found) return found;
    }
    return undefined;
  };
  return {open, match, keys: async () => [...stores.keys()], delete: async (name) => stores.delete(name),
    has: async (name) => stores.has(name)};
}

/** A fresh worker global scope running sw.js with `data`, and its storage estimate: an
 * object, or a function of the worker's CacheStorage answering one (a browser's figure
 * follows what the origin stores). */
function worker({maxPages = 3, estimate = {usage: 0, quota: 1000}, photoBudget = 1e6, extra = {}} = {}) {
  const DATA = {release: "r1", shell: [{url: "/zh/offline/", revision: "abc"},
    {url: "/static/css/site.0123456789ab.css", revision: null}], shellVersion: "v1",
    latest: {zh: ["/zh/"]}, locales: TABLE, offlinePages: {zh: "/zh/offline/"},
    readPatterns: PATTERNS, maxPages, photoBudget, photoPrefix: "/static/photos/", ...extra};
  const storage = cacheStorage();
  const self = {addEventListener() {}, location: {origin: ORIGIN},
    navigator: {languages: [], storage: {estimate: async () =>
      (typeof estimate === "function" ? estimate(storage) : estimate)}},
    registration: {}, clients: {}};
  const context = vm.createContext({self, caches: storage, fetch() {}, URL, Request,
    Response, Headers, console, setTimeout, clearTimeout, DATA});
  vm.runInContext(SOURCE, context);
  return context;
}
const run = (w, code) => vm.runInContext(code, w);
const page = (text) => new Response(`<h1>${text}</h1>`, {headers: {"Content-Type": "text/html"}});

test("shell entries with a revision are keyed by it, hashed files by their URL", () => {
  const w = worker();
  assert.equal(run(w, `shellKey({url: "/zh/offline/", revision: "abc"})`), "/zh/offline/?__rev=abc");
  assert.equal(run(w, `shellKey({url: "/static/a.0123456789ab.css", revision: null})`),
    "/static/a.0123456789ab.css");
});

test("only the registry's reading pages may be kept", () => {
  const w = worker();
  assert.equal(run(w, `isPage("/zh/")`), true);
  assert.equal(run(w, `isPage("/en/jintan-new-energy/")`), true);
  assert.equal(run(w, `isPage("/en/jintan-new-energy/parallel/")`), true);
  for (const other of ["/sw.js", "/healthz", "/static/css/site.css", "/en/feed.atom", "/"]) {
    assert.equal(run(w, `isPage(${JSON.stringify(other)})`), false, other);
  }
});

test("a browser's languages pick the locale's URL segment, as webapp/locales.py does", () => {
  const w = worker();
  const cases = [[["zh-TW"], "zh-hant"], [["zh-Hant-HK"], "zh-hant"], [["zh-CN"], "zh"],
    [["en-GB"], "en"], [["fr", "en-US"], "en"], [["fr"], null], [["ZH_hk"], "zh-hant"]];
  for (const [tags, segment] of cases) {
    assert.equal(run(w, `negotiate(${JSON.stringify(tags)})`), segment, tags.join(","));
  }
});

test("a heading's text is the h1 without tags, entities decoded", () => {
  const w = worker();
  assert.equal(run(w, `headingOf("<h1 class=x>A &amp; <em>B</em> &#x4e2d;&#25991;</h1>")`), "A & B 中文");
  assert.equal(run(w, `headingOf("<p>no heading</p>")`), null);
});

test("the least recently read page goes first beyond the bound", async () => {
  const w = worker({maxPages: 3});
  w.page = page;
  for (const p of ["/zh/a/", "/zh/b/", "/zh/c/"]) await run(w, `keep(${JSON.stringify(p)}, page("x"))`);
  await run(w, `touch("/zh/a/")`);                  // read again offline: now the newest
  await run(w, `keep("/zh/d/", page("d"))`);
  const cache = await w.caches.open("reader-pages");
  const kept = (await cache.keys()).map((r) => new URL(r.url).pathname).sort();
  assert.deepEqual(kept, ["/zh/a/", "/zh/c/", "/zh/d/"]);
  assert.deepEqual(await run(w, `readMeta("lru", [])`), ["/zh/c/", "/zh/a/", "/zh/d/"]);
});

test("under storage pressure half of the read pages go, oldest first", async () => {
  const w = worker({maxPages: 60, estimate: {usage: 900, quota: 1000}});
  w.page = page;
  for (const p of ["/zh/a/", "/zh/b/", "/zh/c/", "/zh/d/"]) await run(w, `keep(${JSON.stringify(p)}, page("x"))`);
  const cache = await w.caches.open("reader-pages");
  const kept = (await cache.keys()).map((r) => new URL(r.url).pathname);
  assert.ok(kept.length <= 2 && kept.includes("/zh/d/"), kept.join(" "));
});

// The search page of the shell, as templates/search.html renders it without a query.
const SEARCH_SHELL = '<html lang="zh-Hans"><main><input id="search-q" name="q" value="">' +
  '<p class="search-offline" role="status" hidden>offline</p>' +
  '<p class="search-status search-none" hidden>none</p>' +
  '<div class="search-results" data-search-results></div></main></html>';

/** A worker keeping the Traditional and the English copy of one article, and the search page. */
async function searchWorker(scriptFold) {
  const w = worker({extra: {shell: [{url: "/zh/search/", revision: "s1"}],
    searchPages: {zh: "/zh/search/", "zh-hant": "/zh-hant/search/", en: "/en/search/"},
    articlePattern: "^/(?:zh|en|zh-hant)/[a-z0-9]+(?:-[a-z0-9]+)*/$",
    ...(scriptFold === undefined ? {} : {scriptFold})}});
  const html = (title, body) => new Response(`<html><main><h1>${title}</h1><p>${body}</p></main></html>`,
    {headers: {"Content-Type": "text/html"}});
  const shell = await w.caches.open("reader-shell-v1");
  await shell.put("/zh/search/?__rev=s1", new Response(SEARCH_SHELL, {headers: {"Content-Type": "text/html"}}));
  const pages = await w.caches.open("reader-pages");
  await pages.put("/zh-hant/salt/", html("鹽穴儲能", "動力電池項目在金壇開工，投資２０億元。"));
  await pages.put("/en/battery/", html("Batteries", "A BATTERY plant in Jintán."));
  return w;
}

/** Paths of the offline results of `q` on the Simplified search page. */
async function offlineResults(w, q) {
  const response = await run(w, `offlineSearch(new URL("/zh/search/?q=" + encodeURIComponent(${JSON.stringify(q)}), self.location.origin))`);
  const html = await response.text();
  return [...html.matchAll(/<a href="([^"]+)">/g)].map((m) => m[1]);
}

test("offline search folds Simplified and Traditional, full-width and half-width, and case", async () => {
  // the release's table: each Traditional character of the archive, then its Simplified form
  const w = await searchWorker("儲储動动壇坛池池穴穴鹽盐電电項项");
  assert.deepEqual(await offlineResults(w, "电池"), ["/zh-hant/salt/"]);      // Simplified query
  assert.deepEqual(await offlineResults(w, "電池"), ["/zh-hant/salt/"]);      // Traditional query
  assert.deepEqual(await offlineResults(w, "盐穴 金坛"), ["/zh-hant/salt/"]); // every word, either script
  assert.deepEqual(await offlineResults(w, "20亿元"), []);                   // 億 is not in the table
  assert.deepEqual(await offlineResults(w, "２０"), ["/zh-hant/salt/"]);      // full-width = half-width
  assert.deepEqual(await offlineResults(w, "ＢＡＴＴＥＲＹ"), ["/en/battery/"]);
  assert.deepEqual(await offlineResults(w, "battery jintán"), ["/en/battery/"]);
  assert.deepEqual(await offlineResults(w, "电车"), []);
  // the snippet shows the kept page's own script, the match marked
  const results = await run(w, `offlineSearch(new URL("/zh/search/?q=%E7%94%B5%E6%B1%A0", self.location.origin))`);
  assert.match(await results.text(), /動力<mark>電池<\/mark>項目/);
});

test("offline search without the release's table still folds width and case", async () => {
  const w = await searchWorker(undefined);
  assert.deepEqual(await offlineResults(w, "電池"), ["/zh-hant/salt/"]);
  assert.deepEqual(await offlineResults(w, "电池"), []);
  assert.deepEqual(await offlineResults(w, "ｂａｔｔｅｒｙ"), ["/en/battery/"]);
});

/** Paths kept in one cache of a test worker, sorted. */
async function keptIn(w, name) {
  return (await (await w.caches.open(name)).keys()).map((r) => new URL(r.url).pathname).sort();
}
const photoFile = (bytes) => new Response(new Uint8Array(bytes), {headers: {"Content-Type": "image/avif"}});
const SAVED_PHOTO = "/static/photos/harbour-43780cdb-800.1dfaed431dd1.avif";
const READ_PHOTOS = ["/static/photos/turbines-88e27d0d-800.7d6cf1a2f516.avif",
  "/static/photos/meeting-d05323e7-800.4cc2ea43712c.avif"];

/** A worker holding a saved article's photo and two photos of pages only read (300 bytes
 * each, under the photo budget), with `usage` giving the storage estimate's figure. */
async function workerWithPhotos(usage) {
  const w = worker({maxPages: 60, estimate: async (storage) => ({usage: await usage(storage), quota: 1000})});
  w.page = page;
  w.photoFile = photoFile;
  await run(w, `writeMeta("saved", [{slug: "photo-fixture", urls: ["/zh/photo-fixture/"],
    photos: [${JSON.stringify(SAVED_PHOTO)}]}])`);
  for (const photoPath of [SAVED_PHOTO, ...READ_PHOTOS]) {
    await run(w, `keepPhoto(${JSON.stringify(photoPath)}, photoFile(300))`);
  }
  return w;
}

const photoCount = async (storage) => (await (await storage.open("reader-photos")).keys()).length;

test("under storage pressure the unsaved photos go first and the read pages stay when that is enough", async () => {
  // 3 photos of 300 bytes: 900 of 1000 in use (pressure); once the two unsaved ones go, 300
  const w = await workerWithPhotos(async (storage) => 300 * await photoCount(storage));
  assert.deepEqual(await keptIn(w, "reader-photos"), [SAVED_PHOTO, ...READ_PHOTOS].sort());
  for (const p of ["/zh/a/", "/zh/b/", "/zh/c/", "/zh/d/"]) await run(w, `keep(${JSON.stringify(p)}, page("x"))`);
  assert.deepEqual(await keptIn(w, "reader-photos"), [SAVED_PHOTO]);  // a saved article's: never evicted
  assert.deepEqual(Object.keys(await run(w, `readMeta("photos", {})`)), [SAVED_PHOTO]);
  assert.deepEqual(await keptIn(w, "reader-pages"), ["/zh/a/", "/zh/b/", "/zh/c/", "/zh/d/"]);  // text outlives photos
});

test("when dropping the unsaved photos is not enough, half the read pages go too, and the saved photo stays", async () => {
  const w = await workerWithPhotos(async () => 950);  // something else fills the quota
  for (const p of ["/zh/a/", "/zh/b/", "/zh/c/", "/zh/d/"]) await run(w, `keep(${JSON.stringify(p)}, page("x"))`);
  assert.deepEqual(await keptIn(w, "reader-photos"), [SAVED_PHOTO]);
  const pages = await keptIn(w, "reader-pages");
  assert.ok(pages.length <= 2 && pages.includes("/zh/d/"), pages.join(" "));  // the page just read stays
});

test("without storage pressure read pages' photos stay within the budget, the longest kept going first", async () => {
  const w = worker({maxPages: 60, photoBudget: 700});
  w.photoFile = photoFile;
  await run(w, `writeMeta("saved", [{slug: "s", urls: [], photos: [${JSON.stringify(SAVED_PHOTO)}]}])`);
  await run(w, `keepPhoto(${JSON.stringify(SAVED_PHOTO)}, photoFile(500))`);  // outside the budget
  for (const photoPath of READ_PHOTOS) {
    await run(w, `keepPhoto(${JSON.stringify(photoPath)}, photoFile(400))`);
    await new Promise((resolve) => setTimeout(resolve, 5));  // a later Date.now()
  }
  assert.deepEqual(await keptIn(w, "reader-photos"), [SAVED_PHOTO, READ_PHOTOS[1]].sort());
});

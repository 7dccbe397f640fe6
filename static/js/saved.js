// The saved-articles library (templates/saved.html): lists what the service worker keeps in
// reader-saved, with each article's size on the device and a Remove button. Works offline:
// the page is in the worker's shell and the list comes from its caches.
const page = document.querySelector("[data-saved-page]");
const list = page?.querySelector("[data-saved-list]");
const empty = page?.querySelector("[data-saved-empty]");
const storage = page?.querySelector("[data-saved-storage]");
const status = page?.querySelector("[data-saved-status]");
const locale = document.documentElement.dataset.segment;   // the page's locale segment
// iOS and iPadOS (which says Macintosh, with touch), outside a home-screen app
const isIOS = /iPhone|iPad|iPod/.test(navigator.userAgent) ||
  (/Macintosh/.test(navigator.userAgent) && navigator.maxTouchPoints > 1);
const standalone = matchMedia("(display-mode: standalone)").matches || navigator.standalone === true;

/** `n` bytes as kB or MB in the page's language. */
const formatBytes = (n) => new Intl.NumberFormat(document.documentElement.lang,
  {style: "unit", unit: n < 1e6 ? "kilobyte" : "megabyte", maximumFractionDigits: 1})
  .format(n < 1e6 ? n / 1e3 : n / 1e6);

/** One saved article as a list item: its title in this page's language (else as saved),
 * linking to its page in this language, its size, and a Remove button. */
function item({slug, title, titles, urls, bytes}) {
  title = (titles && titles[locale]) || title;
  const li = document.createElement("li");
  li.className = "saved-item";
  const link = document.createElement("a");
  const own = urls.find((u) => u === `/${locale}/${slug}/`) || urls[0];
  link.href = own;
  link.textContent = title;
  const meta = document.createElement("span");
  meta.className = "saved-size";
  meta.textContent = page.dataset.size.replace("%(size)s", formatBytes(bytes));
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "saved-remove";
  remove.textContent = page.dataset.remove;
  remove.setAttribute("aria-label", `${page.dataset.remove}: ${title}`);
  remove.addEventListener("click", async () => {
    const result = await ask({type: "remove", slug});
    if (result.ok) {
      li.remove();
      status.textContent = page.dataset.removed;
      empty.hidden = list.children.length > 0;
      showTotal();
    }
  });
  li.dataset.bytes = String(bytes);
  li.append(link, " ", meta, " ", remove);
  return li;
}

/** The bytes the listed articles keep, added up (what the app knows it keeps; not
 * `storage.estimate()`, which lags behind a removal): shown while any is listed. */
function showTotal() {
  const total = [...list.children].reduce((sum, li) => sum + Number(li.dataset.bytes || 0), 0);
  storage.textContent = page.dataset.storage.replace("%(size)s", formatBytes(total));
  storage.hidden = list.children.length === 0;
}

let ask;

/** Fill the library from the worker: one item per saved article, and their total size. */
async function render() {
  if (!page) return;
  // the hashed URL of js/offline.js (its `ask`), from the page: static names carry a hash
  ({ask} = await import(page.dataset.offlineModule));
  page.querySelector("[data-saved-nojs]").hidden = true;
  page.querySelector("[data-saved-ios]").hidden = !(isIOS && !standalone);
  if (!("serviceWorker" in navigator)) return;
  const result = await ask({type: "library"});
  const items = result.items || [];
  list.replaceChildren(...items.map(item));
  empty.hidden = items.length > 0;
  showTotal();
}

render();

// "Save to read offline" (templates/_save.html): asks the service worker to keep this article in
// every language with its parallel text, never evicted. A save asks the browser to keep the
// site's storage (navigator.storage.persist) unless it already does, and says "Saved" plainly
// only if it does: a browser may refuse (Chromium without site engagement, any browser low on
// space) or have no such API (WebKit), and then may delete the copy when space runs short
// (https://storage.spec.whatwg.org/#persistence). Hidden without a service worker.

const box = document.querySelector("[data-save]");
const button = box?.querySelector(".save-button");
const status = box?.querySelector(".save-status");

/** Send a message to the active worker and wait for its answer. */
export async function ask(message) {
  const registration = await navigator.serviceWorker.ready;
  const worker = navigator.serviceWorker.controller || registration.active;
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = (event) => resolve(event.data || {ok: false});
    worker.postMessage(message, [channel.port2]);
  });
}

/** The photo files this page shows on this device: for each figure the candidate the browser
 * picked from its srcset (the lazy ones are loaded now), so the worker keeps one size each. */
async function pagePhotos() {
  const images = [...document.querySelectorAll(".article picture img")];
  await Promise.all(images.map((img) => {
    if (img.complete && img.currentSrc) return null;
    img.loading = "eager";
    return new Promise((resolve) => {
      img.addEventListener("load", resolve, {once: true});
      img.addEventListener("error", resolve, {once: true});
      setTimeout(resolve, 15000);
    });
  }));
  return images.map((img) => img.currentSrc && new URL(img.currentSrc).pathname).filter(Boolean);
}

/** Show whether the article is saved: aria-pressed for assistive technology, a check mark on
 * screen. The button's name stays "Save to read offline" (a toggle's label must not change). */
function render(saved) {
  button.setAttribute("aria-pressed", String(saved));
  button.querySelector(".save-mark").hidden = !saved;
}

/** Whether the browser keeps the site's storage: "granted", "denied", or "absent" (no API).
 * Asks once per save while not granted (the browser decides, maybe without asking). Firefox
 * answers persist() only once the reader has replied to its permission prompt: the answer is
 * awaited at most PERSIST_WAIT ms, and "not yet" is said as "denied" (it has not agreed). */
function persistence() {
  if (!navigator.storage?.persist || !navigator.storage.persisted) return Promise.resolve("absent");
  const asked = navigator.storage.persisted()
    .then((yes) => yes || navigator.storage.persist()).catch(() => false);
  const later = new Promise((done) => setTimeout(() => done(false), PERSIST_WAIT));
  return Promise.race([asked, later]).then((yes) => (yes ? "granted" : "denied"));
}
const PERSIST_WAIT = 1000;   // ms

const DONE = {granted: "done", denied: "doneDenied", absent: "doneAbsent"};

/** Reveal the Save toggle with the worker's state, and save or remove on each press. */
async function init() {
  if (!box || !("serviceWorker" in navigator) || !("caches" in window)) return;
  const slug = box.dataset.save;
  const {items = []} = await ask({type: "library"});
  render(items.some((item) => item.slug === slug));
  button.hidden = false;
  button.addEventListener("click", async () => {
    // busy: aria-disabled, not disabled, which would drop the keyboard focus to <body>
    if (button.getAttribute("aria-disabled") === "true") return;
    const saved = button.getAttribute("aria-pressed") === "true";
    button.setAttribute("aria-disabled", "true");
    if (saved) {
      const result = await ask({type: "remove", slug});
      if (result.ok) { render(false); status.textContent = status.dataset.removed; }
    } else {
      status.textContent = status.dataset.saving;
      const kept = persistence();   // asked now, answered (or not) while the pages are saved
      const result = await ask({type: "save", slug, title: box.dataset.title,
                                urls: box.dataset.urls.split(" "), photos: await pagePhotos()});
      const how = result.ok ? await kept : null;   // the button and its status change together
      if (result.ok) { render(true); status.textContent = status.dataset[DONE[how]]; }
      else status.textContent = status.dataset.failed;
    }
    button.removeAttribute("aria-disabled");
  });
}

init();

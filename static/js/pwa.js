// Install and offline: registers the service worker after the page has loaded, tells it the
// reader's language, says when a new version took over, shows the install control, and says
// when the page on screen is a copy kept on the device. Reading works without this module:
// every element it shows is already in the page (base.html), hidden.

const $ = (selector) => document.querySelector(selector);
const show = (el, visible = true) => { if (el) el.hidden = !visible; };

// --- Saved copy: the service worker marks pages it answered from its caches -----------------
// "saved": a page the reader saved; "kept": kept from reading or the newest articles (the
// notice's own text). Only a saved page is called the saved copy.
if (document.documentElement.hasAttribute("data-saved-copy")) {
  const notice = $(".saved-copy");
  if (notice && document.documentElement.dataset.savedCopy === "saved") {
    notice.textContent = notice.dataset.saved;
  }
  show(notice);
}

// --- Install control ---------------------------------------------------------------------------
// Chromium offers `beforeinstallprompt`; iOS has no install API, so it gets instructions.
// Everything hides once the app runs installed (display-mode: standalone).
const standaloneQuery = matchMedia("(display-mode: standalone)");
const isStandalone = () => standaloneQuery.matches || navigator.standalone === true;
const isIOS = /iPhone|iPad|iPod/.test(navigator.userAgent) ||
  (/Macintosh/.test(navigator.userAgent) && navigator.maxTouchPoints > 1);  // iPadOS
let installEvent = null;

/** Show the install control that fits: Chromium's prompt, iOS instructions, or nothing. */
function renderInstall() {
  const offerPrompt = Boolean(installEvent) && !isStandalone();
  const offerIOS = isIOS && !offerPrompt && !isStandalone();
  show($(".install-button"), offerPrompt);
  show($(".install-ios"), offerIOS);
  show($(".install"), offerPrompt || offerIOS);
}

addEventListener("beforeinstallprompt", (event) => {
  event.preventDefault();  // our own control replaces the mini-infobar
  installEvent = event;
  renderInstall();
});
addEventListener("appinstalled", () => { installEvent = null; renderInstall(); });
standaloneQuery.addEventListener("change", renderInstall);
$(".install-button")?.addEventListener("click", async () => {
  const event = installEvent;
  if (!event) return;
  installEvent = null;  // a prompt can be shown once
  await event.prompt();
  await event.userChoice;
  renderInstall();
});
renderInstall();

// --- The reader's language, for the worker ----------------------------------------------------------
// The worker cannot read cookies: tell it the saved choice (for "/" offline) and the language
// being read (for the newest articles it keeps), on every page and whenever the choice changes.
const nav = $(".switcher");
const COOKIE = nav?.dataset.cookie || "locale";
// locale id -> URL segment, and this page's segment: data from the templates (webapp/locales.py)
const SEGMENTS = Object.fromEntries([...document.querySelectorAll(".switcher a[data-locale]")]
  .map((a) => [a.dataset.locale, a.dataset.segment]));

/** The URL segment of the language saved in the `locale` cookie, or null. */
function savedChoice() {
  const match = document.cookie.match(new RegExp(`(?:^|;\\s*)${COOKIE}=([^;]*)`));
  return match ? SEGMENTS[decodeURIComponent(match[1])] || null : null;
}

// The first page of a first visit loads before any worker controls it, so the worker never
// sees it: name it, and the worker keeps it like any page read (a 304 from the HTTP cache).
const uncontrolledPage = "serviceWorker" in navigator && !navigator.serviceWorker.controller
  ? location.pathname : null;

/** Tell `worker` the saved choice and the language of this page (and the page, if no worker
 * controlled it when it loaded). */
function tellLocale(worker) {
  const reading = document.documentElement.dataset.segment || null;
  worker?.postMessage({type: "locale", choice: savedChoice(), reading, page: uncontrolledPage});
}

// --- Service worker and updates ------------------------------------------------------------------
// A new worker takes over on its own (it skips waiting), so the reader never has to accept an
// update for offline pages to be current. When the page on screen is older than the release
// (its version differs from the current page's) it offers one reload, and never reloads by
// itself.
/** Show the one "reload for the new edition" prompt when this page is older than the
 *  release served (`outdated`); its button reloads. Nothing when shown already. */
async function offerReload() {
  const prompt = $(".update-prompt");
  if (!prompt || !prompt.hidden || !(await outdated())) return;
  show(prompt);
  prompt.querySelector("button").addEventListener("click", () => location.reload(), {once: true});
}

/** Whether this page's text is older than the release now served: its page-version (a
 * hash of its bytes, webapp/delivery.py stamp_version) differs from the current page's. A
 * page opened after the publish already has the new text: no notice. Not a navigation, so the
 * worker lets this request through to the network (a 304 when nothing changed). Offline or on
 * an error: false (nothing newer can be shown). */
async function outdated() {
  const mine = document.querySelector('meta[name="page-version"]')?.content;
  try {
    const response = await fetch(location.pathname, {cache: "no-cache", credentials: "same-origin"});
    const current = /<meta name="page-version" content="([0-9a-f]+)">/.exec(await response.text());
    return response.ok && Boolean(current) && current[1] !== mine;
  } catch {
    return false;
  }
}

/** Register /sw.js, tell it the language, and look for a new release when the tab comes back. */
async function register() {
  let registration;
  try {
    registration = await navigator.serviceWorker.register("/sw.js", {scope: "/", updateViaCache: "none"});
  } catch {
    return;  // no worker (private mode, storage off, offline first visit): reading goes on
  }
  const ready = await navigator.serviceWorker.ready;
  tellLocale(ready.active);
  document.addEventListener("reader:locale", () => tellLocale(navigator.serviceWorker.controller || ready.active));
  // A home-screen app can stay open for days: look for a new release when it comes back.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && navigator.onLine) registration.update().catch(() => {});
  });
}

if ("serviceWorker" in navigator) {
  // A page loaded without a worker is claimed by the first one: that is an install, not an
  // update. Every later change of controller is a new release taking over this page.
  let controlled = Boolean(navigator.serviceWorker.controller);
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (controlled) offerReload();
    controlled = true;
    tellLocale(navigator.serviceWorker.controller);
  });
  // after load: the worker's downloads never compete with the first paint
  if (document.readyState === "complete") register();
  else addEventListener("load", register, {once: true});
}

// Install and offline: registers the service worker after the page has loaded, offers a new
// version when one is waiting, shows the install control, and says when the page on screen is
// the copy saved on the device. Reading works without this module: every element it shows is
// already in the page (base.html), hidden.

const $ = (selector) => document.querySelector(selector);
const show = (el, visible = true) => { if (el) el.hidden = !visible; };

// --- Saved copy: the service worker marks pages it answered from its cache ------------------
if (document.documentElement.hasAttribute("data-saved-copy")) show($(".saved-copy"));

// --- Install control ---------------------------------------------------------------------------
// Chromium offers `beforeinstallprompt`; iOS has no install API, so it gets instructions.
// Everything hides once the app runs installed (display-mode: standalone).
const standaloneQuery = matchMedia("(display-mode: standalone)");
const isStandalone = () => standaloneQuery.matches || navigator.standalone === true;
const isIOS = /iPhone|iPad|iPod/.test(navigator.userAgent) ||
  (/Macintosh/.test(navigator.userAgent) && navigator.maxTouchPoints > 1);  // iPadOS
let installEvent = null;

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

// --- Service worker and updates ----------------------------------------------------------------
// Workbox's update recipe: a new worker waits; the reader accepts; the page tells it to skip
// waiting and reloads once when it takes control (the flag prevents reload loops, and the
// first install's clients.claim() never reloads).
let accepted = false;
let reloading = false;

function offerUpdate(worker) {
  const prompt = $(".update-prompt");
  if (!prompt || !prompt.hidden) return;  // already offered
  show(prompt);
  prompt.querySelector("button").addEventListener("click", () => {
    if (worker.state === "activated") {  // another tab already switched to it
      location.reload();
      return;
    }
    accepted = true;
    worker.postMessage({type: "SKIP_WAITING"});
  }, {once: true});
}

async function register() {
  let registration;
  try {
    registration = await navigator.serviceWorker.register("/sw.js", {scope: "/", updateViaCache: "none"});
  } catch {
    return;  // no worker (private mode, storage off, offline first visit): reading goes on
  }
  if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
  registration.addEventListener("updatefound", () => {
    const worker = registration.installing;
    worker?.addEventListener("statechange", () => {
      if (worker.state === "installed" && navigator.serviceWorker.controller) offerUpdate(worker);
    });
  });
  // A home-screen app can stay open for days: look for a new version when it comes back.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && navigator.onLine) registration.update().catch(() => {});
  });
}

if ("serviceWorker" in navigator) {
  navigator.serviceWorker.addEventListener("controllerchange", () => {
    if (!accepted || reloading) return;
    reloading = true;
    location.reload();
  });
  // after load: the worker's precache downloads never compete with the first paint
  if (document.readyState === "complete") register();
  else addEventListener("load", register, {once: true});
}

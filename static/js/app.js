// Language switcher: remember the reader's choice (cookie read by "/" and, offline, by the
// service worker) and keep their place. Reading works without this script; it only adds memory
// and the #fragment. The cookie's name and lifetime come from webapp/locales.py (data-cookie).
const nav = document.querySelector(".switcher");
const COOKIE = nav?.dataset.cookie || "locale";
const MAX_AGE = nav?.dataset.cookieMaxAge || String(60 * 60 * 24 * 365);

/** Save the reader's choice: SameSite=Lax, and Secure whenever the page came over HTTPS. */
export function saveLocale(locale) {
  const secure = location.protocol === "https:" ? "; Secure" : "";
  document.cookie = `${COOKIE}=${encodeURIComponent(locale)}; Path=/; Max-Age=${MAX_AGE}; SameSite=Lax${secure}`;
  document.dispatchEvent(new CustomEvent("reader:locale", {detail: locale}));
}

/** Id of the first block visible below the sticky header, or "" near the top of the page. */
function currentBlockId() {
  if (window.scrollY < 80) return "";
  const header = document.querySelector(".site-header");
  const top = header ? header.getBoundingClientRect().bottom : 0;
  for (const el of document.querySelectorAll("main [id]")) {
    if (el.getBoundingClientRect().bottom > top + 8) return el.id;
  }
  return "";
}

// Every switcher link (each language, and the parallel text) keeps the place: the articles and
// their parallel view share block ids (a parallel row carries its block's id).
for (const link of document.querySelectorAll(".switcher a[data-locale], .switcher a[data-parallel]")) {
  link.addEventListener("click", () => {
    if (link.dataset.locale) saveLocale(link.dataset.locale);
    const id = currentBlockId();
    const url = new URL(link.href);
    url.hash = id ? `#${id}` : "";
    link.href = url.href;
  });
}

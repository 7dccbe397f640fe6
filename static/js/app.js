// Language switcher: remember the reader's choice (cookie read by "/") and keep their place.
// Reading works without this script; it only adds memory and the #fragment.
const COOKIE = "locale";
const YEAR = 60 * 60 * 24 * 365;

/** Id of the first block whose top is in the viewport, or "" near the top of the page. */
function currentBlockId() {
  if (window.scrollY < 80) return "";
  const blocks = document.querySelectorAll("main [id]");
  for (const el of blocks) {
    if (el.getBoundingClientRect().bottom > 0) return el.id;
  }
  return "";
}

for (const link of document.querySelectorAll(".switcher a[data-locale]")) {
  link.addEventListener("click", () => {
    document.cookie = `${COOKIE}=${link.dataset.locale}; Path=/; Max-Age=${YEAR}; SameSite=Lax`;
    const id = currentBlockId();
    const url = new URL(link.href);
    url.hash = id ? `#${id}` : "";
    link.href = url.href;
  });
}

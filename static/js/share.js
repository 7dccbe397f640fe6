// Share button (templates/_share.html): the Web Share API where the browser has it (phones),
// else copy the page's link to the clipboard and confirm in the status line (role="status",
// so screen readers hear it). Without this module the button stays hidden; its box is
// kept (site.css), so showing it moves nothing.
const box = document.querySelector("[data-share]");

/** The link to share: the page's canonical path on the origin the reader is using (a saved
 *  offline copy was rendered with the build's base URL). */
function shareUrl() {
  const canonical = document.querySelector('link[rel="canonical"]');
  const path = canonical ? new URL(canonical.href).pathname : location.pathname;
  return new URL(path, location.origin).href;
}

/** The title to share: the page's `og:title` (the article's own title, without the site's
 *  name), else the document's title. */
function shareTitle() {
  const meta = document.querySelector('meta[property="og:title"]');
  return meta ? meta.content : document.title;
}

// With neither Web Share nor a clipboard (an insecure origin, an old WebView) the button could
// only fail: it stays hidden (a feature test, as everywhere here).
const canShare = typeof navigator.share === "function" || typeof navigator.clipboard?.writeText === "function";

if (box && canShare) {
  const button = box.querySelector("button");
  const status = box.querySelector('[role="status"]');
  let timer;
  const say = (text) => {
    status.textContent = text;
    clearTimeout(timer);
    timer = setTimeout(() => { status.textContent = ""; }, 8000);
  };
  button.addEventListener("click", async () => {
    const url = shareUrl();
    if (typeof navigator.share === "function") {
      try {
        await navigator.share({title: shareTitle(), url});
        return;
      } catch (err) {
        if (err && err.name === "AbortError") return;  // the reader closed the share sheet
        // any other refusal (no user activation, policy): copy the link instead
      }
    }
    try {
      await navigator.clipboard.writeText(url);
      say(status.dataset.copied);
    } catch {
      say(`${status.dataset.failed} ${url}`);
    }
  });
  button.hidden = false;
}

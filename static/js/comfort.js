// Reading comfort (templates/_reading_tools.html): text size and theme controls remembered on
// the device, and the reading progress bar. Progressive enhancement: the controls are rendered
// `hidden` with their labels from the catalogs; this module reveals and wires them.
//
// Preferences live in localStorage ("reader-size": small | large, "reader-theme": light |
// dark; absent = default size, follow the system) and are mirrored on <html data-size> and
// <html data-theme>, which static/js/prefs.js also sets before first paint on the next load.

const STORE = { size: "reader-size", theme: "reader-theme" };
const DEFAULTS = { size: "default", theme: "system" };
const root = document.documentElement;

/** The saved value of preference `key` ("size" or "theme"), or its default. */
function saved(key) {
  try {
    return localStorage.getItem(STORE[key]) || DEFAULTS[key];
  } catch {
    return DEFAULTS[key];
  }
}

/** Apply preference `key` = `value` to the page and remember it (the default is forgotten). */
function apply(key, value) {
  if (value === DEFAULTS[key]) root.removeAttribute(`data-${key}`);
  else root.setAttribute(`data-${key}`, value);
  try {
    if (value === DEFAULTS[key]) localStorage.removeItem(STORE[key]);
    else localStorage.setItem(STORE[key], value);
  } catch {
    // storage blocked: the choice holds for this page only
  }
}

/** Wire the reading-comfort panel: each radio group shows its saved choice and applies a
 *  new one (`apply`); the toggle opens and closes the panel, Escape closes it and gives the
 *  focus back; then the tools are shown (hidden without JavaScript). */
function setUpControls() {
  const tools = document.querySelector("[data-reading-tools]");
  const toggle = document.querySelector("[data-comfort-toggle]");
  const panel = document.querySelector("[data-comfort-panel]");
  if (!tools || !toggle || !panel) return;
  for (const group of panel.querySelectorAll("[data-pref]")) {
    const key = group.dataset.pref;
    const current = saved(key);
    for (const input of group.querySelectorAll("input[type=radio]")) {
      input.checked = input.value === current;
      input.addEventListener("change", () => { if (input.checked) apply(key, input.value); });
    }
  }
  toggle.addEventListener("click", () => {
    const open = toggle.getAttribute("aria-expanded") !== "true";
    toggle.setAttribute("aria-expanded", String(open));
    panel.hidden = !open;
  });
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape") {
      toggle.setAttribute("aria-expanded", "false");
      panel.hidden = true;
      toggle.focus();
    }
  });
  tools.hidden = false;
}

/** A fixed bar whose width follows how far the reader is through the page (transform only,
 * one update per animation frame, so it never causes layout or layout shift). */
function setUpProgress() {
  const progress = document.querySelector("[data-progress]");
  if (!progress) return;
  const bar = progress.firstElementChild;
  let queued = false;
  const update = () => {
    queued = false;
    const scrollable = root.scrollHeight - window.innerHeight;
    const ratio = scrollable > 0 ? Math.min(1, Math.max(0, window.scrollY / scrollable)) : 1;
    bar.style.transform = `scaleX(${ratio})`;
  };
  const schedule = () => {
    if (!queued) {
      queued = true;
      requestAnimationFrame(update);
    }
  };
  window.addEventListener("scroll", schedule, { passive: true });
  window.addEventListener("resize", schedule, { passive: true });
  update();
  progress.hidden = false;
}

setUpControls();
setUpProgress();

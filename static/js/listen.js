// "Listen": reads the article aloud with the browser's speech synthesis (Web Speech API),
// in the page's language. The button (templates/_reading_tools.html, labels from the
// catalogs) is revealed only when the browser has a voice for that language; voices may load
// late, so `voiceschanged` is watched too. One button toggles Listen / Pause / Resume, a second
// one stops. Each block is one utterance, queued in reading order, spoken in its own `lang`.

// Article page: title, subtitle, editor's note, captions, body, quotes (text, speaker, role).
// The parallel page marks what to read with `data-speak` (the column in the page's language).
const ARTICLE_PARTS = [
  ".article-header h1", ".article-header .subtitle", ".note p", ".figure figcaption",
  ".article-body > h2", ".article-body > p", ".quotes h2", ".quote blockquote",
  ".quote .speaker", ".quote .role",
].join(", ");

const synth = window.speechSynthesis;
const button = document.querySelector("[data-listen]");
const stopButton = document.querySelector("[data-listen-stop]");

/** "zh-Hans" -> ["zh", "hans"]; voice tags use "-" or "_" ("zh_CN" on Android). */
function subtags(tag) {
  return String(tag || "").toLowerCase().replace(/_/g, "-").split("-");
}

/** Regions that write each Chinese script, most likely first (CLDR likely subtags). */
const SCRIPT_REGIONS = { hans: ["cn", "sg"], hant: ["tw", "hk", "mo"] };

/** The best voice for language tag `lang` among `voices`, or null: same primary language
 * ("cmn" counts as "zh"), then the region matching the script (zh-Hans -> zh-CN), then an
 * exact region, then the browser's default voice. */
export function voiceFor(lang, voices) {
  const [primary, ...rest] = subtags(lang);
  const same = (voice) => {
    const p = subtags(voice.lang)[0];
    return p === primary || (primary === "zh" && p === "cmn");
  };
  const regions = rest.flatMap((s) => SCRIPT_REGIONS[s] || (s.length === 2 ? [s] : []));
  const score = (voice) => {
    const vt = subtags(voice.lang);
    const region = regions.findIndex((r) => vt.includes(r));
    return (region === -1 ? 100 : region) * 2 + (voice.default ? 0 : 1);
  };
  const candidates = voices.filter(same);
  candidates.sort((a, b) => score(a) - score(b));
  return candidates[0] || null;
}

/** The blocks to read, in document order, each with its language. */
function parts() {
  const marked = document.querySelectorAll("main [data-speak]");
  const elements = marked.length ? marked : document.querySelectorAll(ARTICLE_PARTS);
  return [...elements]
    .map((el) => ({ el, text: el.textContent.replace(/\s+/g, " ").trim(),
                    lang: el.closest("[lang]")?.getAttribute("lang") || document.documentElement.lang }))
    .filter((part) => part.text);
}

let state = "idle"; // idle | playing | paused
let run = 0;        // which reading the callbacks belong to (a stop starts a new one)

/** Enter state `next` (idle | playing | paused): the button shows that state's label, the
 *  stop button shows unless idle. */
function setState(next) {
  state = next;
  button.dataset.state = next;
  for (const label of button.querySelectorAll("[data-label]")) label.hidden = label.dataset.label !== next;
  stopButton.hidden = next === "idle";
}

/** Read the page from its start: one utterance per block (`parts`), each in its own
 *  language with the best voice for it (`voiceFor`), the block read marked `.speaking`. */
function start() {
  synth.cancel();
  const voices = synth.getVoices();
  const current = ++run;
  const queue = parts();
  queue.forEach((part, i) => {
    const utterance = new SpeechSynthesisUtterance(part.text);
    const voice = voiceFor(part.lang, voices);
    utterance.lang = voice ? voice.lang : part.lang;
    if (voice) utterance.voice = voice;
    utterance.onstart = () => { if (current === run) part.el.classList.add("speaking"); };
    utterance.onend = utterance.onerror = () => {
      part.el.classList.remove("speaking");
      if (current === run && i === queue.length - 1) setState("idle");
    };
    synth.speak(utterance);
  });
  setState(queue.length ? "playing" : "idle");
}

/** Stop reading: cancel the queue, unmark the block, back to idle (callbacks of the
 *  stopped reading are ignored: `run` moved on). */
function stop() {
  run += 1;
  synth.cancel();
  for (const el of document.querySelectorAll(".speaking")) el.classList.remove("speaking");
  setState("idle");
}

/** The Listen button: start when idle, pause when playing, resume when paused. */
function onButton() {
  if (state === "idle") start();
  else if (state === "playing") { synth.pause(); setState("paused"); }
  else { synth.resume(); setState("playing"); }
}

/** Show the button once a voice for the page's language exists (now or when voices load). */
function revealWhenVoiced() {
  const check = () => {
    if (voiceFor(document.documentElement.lang, synth.getVoices())) {
      button.hidden = false;
      return true;
    }
    return false;
  };
  if (!check() && synth.addEventListener) {
    const onChange = () => { if (check()) synth.removeEventListener("voiceschanged", onChange); };
    synth.addEventListener("voiceschanged", onChange);
  }
}

if (synth && typeof window.SpeechSynthesisUtterance === "function" && button && stopButton) {
  button.addEventListener("click", onButton);
  stopButton.addEventListener("click", stop);
  window.addEventListener("pagehide", () => synth.cancel());
  revealWhenVoiced();
}

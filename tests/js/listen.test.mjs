// Unit tests of "Listen"'s voice choice (static/js/listen.js voiceFor), under node's test
// runner, on the real file: it runs as a classic script in a context with no speech synthesis
// and no buttons, so only its functions are defined. Run by tests/test_worker_js.py (make unit).
import {test} from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import vm from "node:vm";
import path from "node:path";
import {fileURLToPath} from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const SOURCE = fs.readFileSync(path.join(ROOT, "static/js/listen.js"), "utf8");

/** listen.js's top-level functions, run without a speech API (its set-up is skipped). */
function listen() {
  const context = vm.createContext({window: {}, document: {querySelector: () => null}});
  vm.runInContext(SOURCE.replace(/^export /gm, ""), context, {filename: "static/js/listen.js"});
  return context;
}

const {voiceFor} = listen();

/** Voices as speechSynthesis.getVoices() lists them: `lang` tags, one of them the default. */
function voices(...tags) {
  return tags.map((tag) => ({lang: tag.replace("*", ""), name: tag, default: tag.endsWith("*")}));
}

test("a Simplified Chinese page is read by a mainland voice before a Taiwanese one", () => {
  assert.equal(voiceFor("zh-Hans", voices("zh-TW*", "zh-HK", "zh-CN")).lang, "zh-CN");
});

test("a Traditional Chinese page is read by a Taiwanese, then a Hong Kong voice", () => {
  assert.equal(voiceFor("zh-Hant", voices("zh-CN*", "zh-HK", "zh-TW")).lang, "zh-TW");
  assert.equal(voiceFor("zh-Hant", voices("zh-CN*", "zh-HK")).lang, "zh-HK");
});

test("Android's tags (zh_CN, cmn-Hans-CN) count as Chinese voices", () => {
  assert.equal(voiceFor("zh-Hans", voices("en-GB*", "zh_TW", "zh_CN")).lang, "zh_CN");
  assert.equal(voiceFor("zh-Hans", voices("en-US*", "cmn-Hans-CN")).lang, "cmn-Hans-CN");
});

test("without a voice of the script's regions, any voice of the language, the default first", () => {
  assert.equal(voiceFor("zh-Hans", voices("zh-TW", "zh-HK*")).lang, "zh-HK");
  assert.equal(voiceFor("en", voices("en-US", "en-GB*", "zh-CN")).lang, "en-GB");
});

test("no voice of the page's language: none (the Listen button stays hidden)", () => {
  assert.equal(voiceFor("en", voices("zh-CN*", "zh-TW")), null);
  assert.equal(voiceFor("zh-Hans", []), null);
});

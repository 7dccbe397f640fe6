// ESLint for static/js (make lint). The recommended rules, plus the few this codebase relies on:
// page scripts are ES modules in browsers (prefs.js and root.js are classic scripts), sw.js is a
// classic service worker script whose data arrives as the global DATA (webapp/web/views/offline.py).
import js from "@eslint/js";
import jsdoc from "eslint-plugin-jsdoc";
import globals from "globals";

// Docstrings, as for Python: every top-level function (exported or not: a page script's
// functions are its module's interface to the reader of the code) opens with a /** */ comment
// saying what goes in and out. Names starting with "_" are private, as in Python.
const documented = {
  "jsdoc/require-jsdoc": ["error", {
    require: {FunctionDeclaration: false},
    contexts: [
      "Program > FunctionDeclaration[id.name!=/^_/]",
      "Program > ExportNamedDeclaration > FunctionDeclaration[id.name!=/^_/]",
      "Program > ExportDefaultDeclaration > FunctionDeclaration",
    ],
  }],
};

const strict = {
  "no-unused-vars": ["error", {argsIgnorePattern: "^_", caughtErrors: "none"}],
  "eqeqeq": ["error", "always", {null: "ignore"}],
  "no-var": "error",
  "prefer-const": "error",
  "no-implicit-globals": "error",
  "no-shadow": "error",
  "no-console": ["error", {allow: ["warn", "error"]}],
  "max-depth": ["error", 4],
  "complexity": ["error", 10],
};

export default [
  js.configs.recommended,
  {
    files: ["static/js/**/*.js"],
    languageOptions: {ecmaVersion: 2023, sourceType: "module", globals: {...globals.browser}},
    plugins: {jsdoc},
    rules: {...strict, ...documented},
  },
  {
    // classic scripts: prefs.js blocks first paint on purpose, root.js is the static export's
    // "/" and runs in any browser; their top-level names are their own
    files: ["static/js/prefs.js", "static/js/root.js"],
    languageOptions: {sourceType: "script"},
    rules: {"no-var": "off", "no-implicit-globals": "off"},
  },
  {
    // the service worker: a classic script in its own global scope
    files: ["static/js/sw.js"],
    languageOptions: {sourceType: "script", globals: {...globals.serviceworker, DATA: "readonly"}},
    rules: {"no-implicit-globals": "off"},
  },
  {
    files: ["tests/js/**/*.mjs"],
    languageOptions: {ecmaVersion: 2023, sourceType: "module", globals: {...globals.node}},
    plugins: {jsdoc},
    rules: {...strict, ...documented},
  },
];

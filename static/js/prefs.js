// Reading preferences, applied before first paint: a classic (blocking) script in <head>,
// external because the CSP forbids inline scripts. It only copies the reader's saved choices
// (static/js/comfort.js saves them) to <html data-theme> and <html data-size>; site.css does
// the rest. A module script would run after parsing and could flash the wrong theme.
(function () {
  try {
    var root = document.documentElement;
    var theme = localStorage.getItem("reader-theme");
    var size = localStorage.getItem("reader-size");
    if (theme === "light" || theme === "dark") root.setAttribute("data-theme", theme);
    if (size === "small" || size === "large") root.setAttribute("data-size", size);
  } catch (e) {
    // storage blocked (private mode, policy): the defaults apply
  }
})();

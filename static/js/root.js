// Root page of the static export: go to the reader's language, as "/" does on the live app.
// Order: the saved choice (cookie "locale", set by the language switcher), then the
// browser's languages (BCP 47 lookup with Chinese script inference), then the first link.
// A classic script in <head>: it runs before the page paints, so readers see no flash.
(function () {
  "use strict";
  var HANT = /^zh-(hant|tw|hk|mo)\b/i;  // regions that write Traditional Chinese

  function links() { return Array.prototype.slice.call(document.querySelectorAll("a[data-locale]")); }

  function pick() {
    var all = links();
    var saved = (document.cookie.match(/(?:^|;\s*)locale=([^;]*)/) || [])[1];
    for (var i = 0; i < all.length; i++) if (all[i].dataset.locale === saved) return all[i];
    var wanted = navigator.languages || [navigator.language || ""];
    for (var j = 0; j < wanted.length; j++) {
      var tag = wanted[j].toLowerCase();
      var script = tag.indexOf("zh") === 0 ? (HANT.test(tag) ? "zh-hant" : "zh-hans") : null;
      for (var k = 0; k < all.length; k++) {
        var h = all[k].hreflang.toLowerCase();
        if (h === tag || h === script || (!script && h.split("-")[0] === tag.split("-")[0])) return all[k];
      }
    }
    return all[0];
  }

  document.addEventListener("DOMContentLoaded", function () {
    var target = pick();
    if (target) location.replace(target.href);
  });
})();

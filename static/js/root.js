// Root page of the static export: go to the reader's language, as "/" does on the live app.
// Order: the saved choice (the locale cookie set by the language switcher), then the browser's
// languages, then the default. The rules are webapp/locales.py's table, embedded in the page as
// JSON (#locale-table): one table for Python, the service worker and this page.
(function () {
  "use strict";
  var table = JSON.parse(document.getElementById("locale-table").textContent);
  var segments = Object.keys(table.segments).map(function (id) { return table.segments[id]; });

  function negotiate(tags) {
    for (var i = 0; i < tags.length; i++) {
      var tag = String(tags[i]).toLowerCase().replace(/_/g, "-");
      for (var j = 0; j < table.rules.length; j++) {
        if (new RegExp(table.rules[j][0]).test(tag)) return table.rules[j][1];
      }
    }
    return null;
  }

  var match = document.cookie.match(new RegExp("(?:^|;\\s*)" + table.cookie + "=([^;]*)"));
  var saved = match ? table.segments[match[1]] || null : null;
  var segment = saved || negotiate(navigator.languages || [navigator.language || ""]) || table["default"];
  if (segments.indexOf(segment) >= 0) location.replace("/" + segment + "/");
})();

/* Relais — small progressive enhancements. Every page works without JavaScript. */
(function () {
  "use strict";
  // CSRF token for requests sent by scripts (fetch): read from the page's meta tag.
  var meta = document.querySelector('meta[name="csrf-token"]');
  window.relaisCsrfToken = meta ? meta.getAttribute("content") : "";
  window.relaisFetch = function (url, options) {
    options = options || {};
    options.headers = options.headers || {};
    options.headers["X-CSRFToken"] = window.relaisCsrfToken;
    options.credentials = "same-origin";
    return fetch(url, options);
  };
  // Alt+N (or Alt+Shift+N) from any page: the link marked accesskey="n" (new call, visit or request).
  document.addEventListener("keydown", function (event) {
    var isN = event.code === "KeyN" || (event.key || "").toLowerCase() === "n";
    if (!event.altKey || event.ctrlKey || event.metaKey || !isN) {
      return;
    }
    var link = document.querySelector('a[accesskey="n"]');
    if (link) {
      event.preventDefault();
      window.location.assign(link.href);
    }
  });
  // The message of what was just saved gets the focus (the page says so to screen readers too).
  var saved = document.querySelector("[data-focus-on-load]");
  if (saved && !document.querySelector("[autofocus]")) {
    saved.focus();
  }
})();

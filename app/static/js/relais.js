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
})();

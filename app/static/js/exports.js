/* XLSX export page: poll the export while it is queued or running (rows written), then reload. */
(function () {
  "use strict";
  var box = document.querySelector("[data-export-status-url]");
  if (!box) { return; }
  var status = box.getAttribute("data-export-status");
  if (status !== "queued" && status !== "running") { return; }
  var url = box.getAttribute("data-export-status-url");
  var state = document.getElementById("export-state");
  var counts = document.getElementById("export-counts");
  var bar = box.querySelector("progress");

  function strong(text) { var s = document.createElement("strong"); s.textContent = text; return s; }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { window.setTimeout(poll, 5000); return; }
        if (data.status !== "queued" && data.status !== "running") { window.location.reload(); return; }
        if (bar) { bar.value = data.percent; bar.textContent = data.percent + " %"; }
        if (state) { state.innerHTML = ""; state.append("État : ", strong(data.status_label)); }
        if (counts) { counts.innerHTML = ""; counts.append("Lignes écrites : ", strong(data.rows_written.toLocaleString("fr-FR")),
                                                           " sur " + data.rows_total.toLocaleString("fr-FR") + "."); }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 500);
}());

/* Import run page: poll the run while it is queued or running (lines read, errors so far), then reload. */
(function () {
  "use strict";
  var box = document.querySelector("[data-import-status-url]");
  if (!box) { return; }
  var status = box.getAttribute("data-import-status");
  if (status !== "queued" && status !== "running") { return; }
  var url = box.getAttribute("data-import-status-url");
  var state = document.getElementById("import-state");
  var counts = document.getElementById("import-counts");
  var bar = box.querySelector("progress");

  function strong(text) { var s = document.createElement("strong"); s.textContent = text; return s; }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { window.setTimeout(poll, 5000); return; }
        if (data.status !== "queued" && data.status !== "running") { window.location.reload(); return; }
        if (bar && data.percent === null) { bar.removeAttribute("value"); bar.textContent = "enregistrement en cours"; }
        else if (bar) { bar.value = data.percent; bar.textContent = data.percent + " %"; }
        if (state) { state.innerHTML = ""; state.append("État : ", strong(data.status_label),
                                                        data.stage ? " — " + data.stage : ""); }
        if (counts) { counts.innerHTML = ""; counts.append("Lignes lues : ", strong(String(data.lines_read)),
                                                           " sur " + data.lines_total + " ; erreurs jusqu'ici : ",
                                                           strong(String(data.errors)), "."); }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 500);
}());

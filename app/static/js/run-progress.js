/* A job's page (ticket import, XLSX export): poll its status while it is queued or running, then reload.

   The box carries data-progress-url and data-progress-status; inside it, [data-progress-state] shows
   "État : <label>[ — stage]" and [data-progress-counts] the counts the server words for people
   (`counts`: a list of [text, bold] pieces), so one script serves every kind of job. */
(function () {
  "use strict";
  var box = document.querySelector("[data-progress-url]");
  if (!box) { return; }
  var status = box.getAttribute("data-progress-status");
  if (status !== "queued" && status !== "running") { return; }
  var url = box.getAttribute("data-progress-url");
  var state = box.querySelector("[data-progress-state]");
  var counts = box.querySelector("[data-progress-counts]");
  var bar = box.querySelector("progress");

  function piece(part) {
    if (!part[1]) { return part[0]; }
    var s = document.createElement("strong"); s.textContent = part[0]; return s;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { window.setTimeout(poll, 5000); return; }
        if (data.status !== "queued" && data.status !== "running") { window.location.reload(); return; }
        if (bar && data.percent === null) { bar.removeAttribute("value"); bar.textContent = "enregistrement en cours"; }
        else if (bar) { bar.value = data.percent; bar.textContent = data.percent + " %"; }
        if (state) { state.innerHTML = ""; state.append("État : ", piece([data.status_label, true]),
                                                        data.stage ? " — " + data.stage : ""); }
        if (counts && data.counts) { counts.innerHTML = ""; counts.append.apply(counts, data.counts.map(piece)); }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 500);
}());

/* Report run page: poll the run's status while it is queued or running, then reload to show results. */
(function () {
  "use strict";
  var box = document.querySelector("[data-run-status-url]");
  if (!box) { return; }
  var status = box.getAttribute("data-run-status");
  if (status !== "queued" && status !== "running") { return; }
  var url = box.getAttribute("data-run-status-url");
  var labels = { queued: "en attente", running: "en cours", finished: "terminé", failed: "en échec" };
  var state = document.getElementById("run-state");
  var bar = box.querySelector("progress");

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { window.setTimeout(poll, 5000); return; }
        if (data.status === "finished" || data.status === "failed") { window.location.reload(); return; }
        if (bar) { bar.value = data.progress; bar.textContent = data.progress + " %"; }
        if (state) { state.innerHTML = ""; state.append("État : ");
          var strong = document.createElement("strong"); strong.textContent = labels[data.status] || data.status;
          state.append(strong, " (" + data.progress + " %)"); }
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
}());

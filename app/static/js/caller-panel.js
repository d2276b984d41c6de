/* Relais — the 3975 operator's caller panel. Polls /telephony/panel every second; when the phone system
   reports that this operator answered a call, shows the caller (residents matched by the number, their
   open tickets and last contacts) and one key to log the call: Enter on the focused link, or F9 anywhere.
   Built with textContent only (no HTML from data); no third-party script. */
(function () {
  "use strict";
  var main = document.getElementById("contenu");
  if (!main || !window.fetch) { return; }
  var POLL_MS = 1000;
  var shown = null, primaryUrl = null, panel = null;
  // The ticket form of the call being logged (…?call=<id>) does not show that call again.
  var loggingCall = Number(new URLSearchParams(window.location.search).get("call")) || null;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text) { node.textContent = text; }
    return node;
  }

  function remove() {
    if (panel) { panel.remove(); }
    panel = null; shown = null; primaryUrl = null;
  }

  function residentItem(resident) {
    var item = el("li", { "class": "caller-resident" });
    var name = el("a", { href: resident.url }, resident.name);
    item.appendChild(name);
    if (resident.phone) { item.appendChild(document.createTextNode(" · " + resident.phone)); }
    item.appendChild(el("p", { "class": "hint" }, resident.last_contact
      ? "Dernier contact : " + resident.last_contact : "Aucun contact enregistré."));
    if (resident.open_tickets.length) {
      var open = el("ul", { "aria-label": "Tickets ouverts de " + resident.name });
      resident.open_tickets.forEach(function (t) {
        var li = el("li");
        li.appendChild(el("a", { href: t.url }, t.reference));
        li.appendChild(document.createTextNode(" — " + t.status));
        open.appendChild(li);
      });
      item.appendChild(el("p", {}, "Tickets ouverts :"));
      item.appendChild(open);
    }
    if (resident.last_tickets.length) {
      var last = el("ul", { "aria-label": "Derniers contacts de " + resident.name });
      resident.last_tickets.forEach(function (t) {
        var li = el("li");
        li.appendChild(el("a", { href: t.url }, t.reference));
        li.appendChild(document.createTextNode(" — " + t.opened + ", " + t.channel));
        last.appendChild(li);
      });
      item.appendChild(el("p", {}, "Derniers contacts :"));
      item.appendChild(last);
    }
    var log = el("a", { href: resident.log_url, "class": "button" }, "Enregistrer l'appel pour " + resident.name);
    item.appendChild(log);
    return item;
  }

  function render(data) {
    var call = data.call;
    var box = el("section", { id: "caller-panel", "class": "caller-panel", role: "region",
                              "aria-labelledby": "caller-panel-title", "aria-live": "polite" });
    var title = call.anonymous ? "Appel en cours : appelant anonyme" : "Appel en cours : " + (call.number || "numéro inconnu");
    box.appendChild(el("h2", { id: "caller-panel-title" }, title));
    box.appendChild(el("p", { "class": "hint" }, "Décroché à " + call.answered_at + (call.queue ? " · file " + call.queue : "")
      + " · F9 : enregistrer l'appel"));
    var primaryText;
    if (call.anonymous) {
      primaryText = "Enregistrer l'appel anonyme";
    } else if (data.residents.length) {
      var list = el("ul", { "class": "caller-residents", "aria-label": "Usagers ayant ce numéro" });
      data.residents.forEach(function (r) { list.appendChild(residentItem(r)); });
      box.appendChild(list);
      primaryText = null;
    } else {
      box.appendChild(el("p", {}, "Aucun usager n'a ce numéro."));
      primaryText = "Créer l'usager avec ce numéro";
    }
    var primary;
    if (primaryText) {
      primary = el("a", { href: data.primary_url, "class": "button" }, primaryText);
      box.appendChild(primary);
    } else {
      primary = box.querySelector(".caller-resident a.button");
    }
    if (!call.anonymous) {
      box.appendChild(el("a", { href: data.anonymous_url, "class": "caller-anonymous" }, "Appel sans usager (anonyme)"));
    }
    primary.setAttribute("data-primary", "");
    primaryUrl = data.primary_url;
    if (panel) { panel.remove(); }
    panel = box;
    main.insertBefore(box, main.firstChild);
    // Take the focus only from nobody: never from a field the operator is in, nor from a page's first field.
    var active = document.activeElement;
    if ((!active || active === document.body) && !document.querySelector("[autofocus]")) { primary.focus(); }
  }

  function showCall(id) {
    fetch("/telephony/panel/" + id, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && data.call) { shown = id; render(data); } })
      .catch(function () {});
  }

  function poll() {
    fetch("/telephony/panel", { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        if (data.call === null) { if (shown !== null) { remove(); } }
        else if (data.call !== shown && data.call !== loggingCall) { showCall(data.call); }
      })
      .catch(function () {})
      .then(function () { window.setTimeout(poll, POLL_MS); });
  }

  document.addEventListener("keydown", function (event) {
    if (event.key === "F9" && primaryUrl) { event.preventDefault(); window.location.assign(primaryUrl); }
  });
  poll();
})();

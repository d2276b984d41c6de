/* Relais — live resident search in the header box (ARIA combobox with a listbox popup).
   Without JavaScript the box is a plain POST form; the searched text never goes into a URL. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-live-search]");
  if (!form || !window.fetch) { return; }
  var input = form.querySelector("input[name=q]");
  var list = document.getElementById(input.getAttribute("aria-controls"));
  var liveUrl = form.getAttribute("action") + "/live";
  var timer = null, sequence = 0, active = -1, options = [];

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-expanded", "false");

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    options.forEach(function (option, i) { option.setAttribute("aria-selected", i === index ? "true" : "false"); });
    active = index;
    if (index >= 0) {
      input.setAttribute("aria-activedescendant", options[index].id);
      options[index].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function render(data) {
    list.textContent = "";
    options = [];
    (data.results || []).forEach(function (result, i) {
      var option = document.createElement("div");
      option.id = "q-global-option-" + i;
      option.setAttribute("role", "option");
      option.setAttribute("aria-selected", "false");
      option.dataset.url = result.url;
      var name = document.createElement("strong");
      name.textContent = result.name;
      option.appendChild(name);
      if (result.detail) {
        var detail = document.createElement("span");
        detail.className = "live-detail";
        detail.textContent = " " + result.detail;
        option.appendChild(detail);
      }
      option.addEventListener("mousedown", function (event) { event.preventDefault(); });
      option.addEventListener("click", function () { window.location.assign(result.url); });
      list.appendChild(option);
      options.push(option);
    });
    if (!options.length && data.message) {
      var empty = document.createElement("div");
      empty.className = "live-message";
      empty.setAttribute("role", "option");
      empty.setAttribute("aria-disabled", "true");
      empty.textContent = data.message;
      list.appendChild(empty);
    }
    list.hidden = !list.childNodes.length;
    input.setAttribute("aria-expanded", list.hidden ? "false" : "true");
    active = -1;
  }

  function search() {
    var q = input.value.trim();
    var mine = ++sequence;
    if (q.length < 3) { close(); return; }
    window.relaisFetch(liveUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ q: q })
    }).then(function (response) {
      return response.ok ? response.json() : { results: [], message: "Recherche indisponible." };
    }).then(function (data) {
      if (mine === sequence) { render(data); }
    }).catch(function () {
      if (mine === sequence) { render({ results: [], message: "Recherche indisponible." }); }
    });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(search, 150);
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && options.length) {
      event.preventDefault();
      if (list.hidden) { list.hidden = false; input.setAttribute("aria-expanded", "true"); }
      highlight((active + 1) % options.length);
    } else if (event.key === "ArrowUp" && options.length) {
      event.preventDefault();
      highlight(active <= 0 ? options.length - 1 : active - 1);
    } else if (event.key === "Enter" && active >= 0 && !list.hidden) {
      event.preventDefault();
      window.location.assign(options[active].dataset.url);
    } else if (event.key === "Escape") {
      if (!list.hidden) { event.preventDefault(); close(); } else { input.value = ""; }
    }
  });

  input.addEventListener("blur", function () { window.setTimeout(close, 100); });
})();

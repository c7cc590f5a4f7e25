/* Pickers of record forms, progressive enhancement (strict CSP: no inline code).
 *
 * - select[data-picker]: a search box above the list filters its options by
 *   name (accents and case ignored); Enter picks the first match. A multiple
 *   list toggles an option on click (no Ctrl needed) and says what is chosen.
 * - input[data-record-search]: titles of matching records are suggested as
 *   you type (the JSON API, ?q=), through a <datalist>; the server reads the
 *   title back. Without JavaScript the select and the search step work alone.
 * Texts come from data-text-* attributes (translated by the server); nothing
 * from data is written as HTML.
 */
(function () {
  "use strict";
  if (window.lieuditPicker) { return; }
  window.lieuditPicker = true;

  function fold(text) {
    return String(text).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function enhanceSelect(select) {
    var options = Array.prototype.slice.call(select.options).filter(function (o) { return o.value !== ""; });
    if (options.length < 8) { return; }
    var box = document.createElement("div");
    box.className = "picker-search";
    var label = document.createElement("label");
    label.htmlFor = select.id + "-search";
    label.textContent = select.getAttribute("data-text-search") || "";
    var input = document.createElement("input");
    input.type = "search";
    input.id = select.id + "-search";
    input.autocomplete = "off";
    input.setAttribute("aria-controls", select.id);
    var status = document.createElement("p");
    status.className = "picker-status";
    status.setAttribute("aria-live", "polite");
    box.appendChild(label);
    box.appendChild(input);
    box.appendChild(status);
    select.parentNode.insertBefore(box, select);
    var initialSize = select.size;
    var chosen = null;
    if (select.multiple) {
      chosen = document.createElement("p");
      chosen.className = "picker-chosen";
      chosen.setAttribute("aria-live", "polite");
      select.parentNode.insertBefore(chosen, select.nextSibling);
    }

    function showChosen() {
      if (!chosen) { return; }
      var names = options.filter(function (o) { return o.selected; }).map(function (o) { return o.textContent; });
      chosen.textContent = names.length ? (select.getAttribute("data-text-chosen") || "") + " " + names.join(", ") : "";
    }

    function filter() {
      var wanted = fold(input.value);
      var shown = 0;
      options.forEach(function (o) {
        var match = !wanted || fold(o.textContent).indexOf(wanted) !== -1;
        o.hidden = !match;
        if (match) { shown += 1; }
      });
      if (!select.multiple) { select.size = wanted ? Math.max(2, Math.min(shown + 1, 8)) : initialSize; }
      var count = (select.getAttribute("data-text-count") || "{n}").replace("{n}", String(shown));
      status.textContent = wanted ? (shown ? count : select.getAttribute("data-text-none") || "") : "";
    }

    input.addEventListener("input", filter);
    input.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") { return; }
      event.preventDefault();
      var first = options.filter(function (o) { return !o.hidden; })[0];
      if (first) {
        first.selected = true;
        showChosen();
        if (!select.multiple) { input.value = ""; filter(); }
      }
    });
    if (select.multiple) {
      select.addEventListener("mousedown", function (event) {
        if (event.target && event.target.tagName === "OPTION") {
          event.preventDefault();
          event.target.selected = !event.target.selected;
          select.focus();
          showChosen();
        }
      });
    }
    select.addEventListener("change", showChosen);
    showChosen();
  }

  function enhanceSearch(input) {
    var list = document.createElement("datalist");
    list.id = input.id + "-suggestions";
    input.parentNode.insertBefore(list, input.nextSibling);
    input.setAttribute("list", list.id);
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(function () {
        var words = input.value.trim();
        if (words.length < 2 || words === asked) { return; }
        asked = words;
        var url = input.getAttribute("data-record-search") + "?limit=10&q=" + encodeURIComponent(words);
        fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { items: [] }; })
          .then(function (data) {
            while (list.firstChild) { list.removeChild(list.firstChild); }
            (data.items || []).forEach(function (item) {
              var option = document.createElement("option");
              option.value = String(item.title || "");
              list.appendChild(option);
            });
          })
          .catch(function () { /* the search step still works on submit */ });
      }, 250);
    });
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("select[data-picker]"), enhanceSelect);
    Array.prototype.forEach.call(document.querySelectorAll("input[data-record-search]"), enhanceSearch);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

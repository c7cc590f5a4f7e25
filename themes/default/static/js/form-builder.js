/* Form builder: reorder fields in place (buttons, keyboard, drag and drop) and
   show the settings of a newly chosen type without reloading the page.
   Without this script the same buttons post the form and the server re-renders. */
(function () {
  "use strict";
  var form = document.querySelector("form.form-builder");
  if (!form || !window.fetch || !window.DOMParser) return;
  var status = document.getElementById("builder-status");
  var dragged = null;

  function list() { return form.querySelector("ol[data-builder]"); }
  function rows() { return Array.prototype.slice.call(list().querySelectorAll("li[data-row]")); }
  function say(text) { if (status) { status.textContent = ""; window.setTimeout(function () { status.textContent = text; }, 50); } }

  function renumber() {
    var all = rows();
    all.forEach(function (li, i) {
      var pos = li.querySelector("[data-position]");
      if (pos) pos.value = String(i + 1);
      var num = li.querySelector("[data-number]");
      if (num) num.textContent = (i + 1) + ".";
      var up = li.querySelector("button[data-move=up]");
      var down = li.querySelector("button[data-move=down]");
      if (up) up.disabled = i === 0;
      if (down) down.disabled = i === all.length - 1;
    });
    return all;
  }

  function announce(li) {
    var all = renumber();
    say(form.dataset.movedText.replace("%(label)s", li.dataset.label || "")
      .replace("%(n)s", String(all.indexOf(li) + 1)).replace("%(total)s", String(all.length)));
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-move]");
    if (!button) return;
    event.preventDefault();
    var li = button.closest("li[data-row]");
    var all = rows();
    var i = all.indexOf(li);
    if (button.dataset.move === "up" && i > 0) list().insertBefore(li, all[i - 1]);
    else if (button.dataset.move === "down" && i < all.length - 1) list().insertBefore(li, all[i + 1].nextSibling);
    announce(li);
    if (button.disabled) {
      var other = li.querySelector("button[data-move=" + (button.dataset.move === "up" ? "down" : "up") + "]");
      if (other) other.focus();
    } else {
      button.focus();
    }
  });

  /* Re-render the field list on the server (the same post as the button without script), in place. */
  function refresh(name, value, index, focus, message) {
    var data = new FormData(form);
    data.set(name, value);
    return fetch(form.getAttribute("action"), { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("ol[data-builder]");
        if (!fresh) { form.requestSubmit(); return; }
        list().replaceWith(document.importNode(fresh, true));
        prepare();
        var li = rows()[index];
        var target = li && li.querySelector(focus);
        if (target) { li.scrollIntoView({ block: "nearest" }); target.focus(); }
        say(message);
      });
  }

  form.addEventListener("change", function (event) {
    var select = event.target.closest("select[data-retype]");
    if (!select) return;
    var index = rows().indexOf(select.closest("li[data-row]"));
    refresh("open", document.getElementById(select.dataset.retype).value, index, "select[data-retype]", form.dataset.retypedText);
  });

  /* « Modifier », « Replier », « Ajouter et régler ce champ »: open or fold a field without reloading the page. */
  form.addEventListener("click", function (event) {
    var button = event.target.closest("button[name=open], button[name=close]");
    if (!button || button.classList.contains("retype")) return;
    event.preventDefault();
    var li = button.closest("li[data-row]");
    var index = li ? rows().indexOf(li) : rows().length; // a new field goes after the others
    var opening = button.name === "open";
    refresh(button.name, button.value, index, opening ? "input[name$='-label']" : "button[name=open]",
      opening ? form.dataset.openedText : form.dataset.foldedText);
  });

  function prepare() {
    rows().forEach(function (li) {
      var handle = li.querySelector(".drag-handle");
      if (handle) handle.setAttribute("draggable", "true");
    });
  }

  form.addEventListener("dragstart", function (event) {
    var handle = event.target.closest && event.target.closest(".drag-handle");
    if (!handle) return;
    dragged = handle.closest("li[data-row]");
    dragged.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.label || "");
    if (event.dataTransfer.setDragImage) event.dataTransfer.setDragImage(dragged, 10, 10);
  });
  form.addEventListener("dragover", function (event) {
    var over = dragged && event.target.closest && event.target.closest("li[data-row]");
    if (!over || over === dragged) return;
    event.preventDefault();
    var box = over.getBoundingClientRect();
    list().insertBefore(dragged, event.clientY > box.top + box.height / 2 ? over.nextSibling : over);
  });
  form.addEventListener("drop", function (event) { if (dragged) event.preventDefault(); });
  form.addEventListener("dragend", function () {
    if (!dragged) return;
    dragged.classList.remove("dragging");
    announce(dragged);
    dragged = null;
  });
  prepare();
})();

/* Markdown editor: a toolbar that writes Markdown into a text box (the page
   editor and the Markdown fields of record forms), page-name suggestions for
   wiki links, image upload for pages (pick or drop a file), and on the page
   editor a preview beside the text and the full syntax help in place.
   Progressive: without this script the text box, the « Aperçu » button and
   the « Fichiers » tab work as they are. */
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) return;

  function announce(status, message) {
    if (!status) return;
    status.textContent = "";
    window.setTimeout(function () { status.textContent = message; }, 50);
  }

  function setup(tools) {
    var area = document.getElementById(tools.dataset.editor);
    if (!area) return;
    var form = area.form;
    var text = tools.dataset;
    var status = tools.querySelector("[data-field=status]");
    function field(name) { return tools.querySelector("[data-field=" + name + "]"); }
    var toolbar = tools.querySelector("[role=toolbar]");
    var buttons = Array.prototype.slice.call(toolbar.querySelectorAll("button"));
    var saved = { start: 0, end: 0 };
    var openPanel = null;
    var dropped = null;

    function say(message) { announce(status, message); }

    /* Replace the selection (or the saved one) with `value`, select `select` inside it. */
    function insert(value, range, select) {
      area.focus();
      area.setSelectionRange(range.start, range.end);
      // execCommand keeps the browser's undo history; setRangeText is the fallback.
      if (!document.execCommand || !document.execCommand("insertText", false, value)) {
        area.setRangeText(value, range.start, range.end, "end");
        area.dispatchEvent(new Event("input", { bubbles: true }));
      }
      var from = range.start + (select ? select[0] : value.length);
      var to = range.start + (select ? select[1] : value.length);
      area.setSelectionRange(from, to);
    }

    function current() { return { start: area.selectionStart, end: area.selectionEnd }; }
    function selected(range) { return area.value.slice(range.start, range.end); }

    function wrap(mark, placeholder) {
      var range = current();
      var inner = selected(range) || placeholder;
      insert(mark + inner + mark, range, [mark.length, mark.length + inner.length]);
    }

    /* Prefix every line of the selection (a title, a list), starting on a fresh line. */
    function prefixLines(prefix, placeholder) {
      var range = current();
      var start = area.value.lastIndexOf("\n", range.start - 1) + 1;
      var body = area.value.slice(start, range.end) || placeholder;
      var lines = body.split("\n").map(function (line) { return line.replace(/^(#+ |- )/, ""); });
      var value = lines.map(function (line) { return prefix + line; }).join("\n");
      insert(value, { start: start, end: range.end }, [prefix.length, value.length]);
    }

    function block(value) {
      var range = current();
      var before = area.value.slice(0, range.start);
      var lead = before === "" || /\n\n$/.test(before) ? "" : /\n$/.test(before) ? "\n" : "\n\n";
      insert(lead + value + "\n", range, [lead.length, lead.length + value.length]);
    }

    function show(name, button) {
      close(false);
      saved = current();
      openPanel = tools.querySelector("[data-panel=" + name + "]");
      openPanel.hidden = false;
      button.setAttribute("aria-expanded", "true");
      var first = openPanel.querySelector("input");
      var chosen = selected(saved);
      if (name === "link" && chosen) field("link-text").value = chosen;
      if (name === "wiki" && chosen) field("wiki-page").value = chosen;
      (first || openPanel.querySelector("button")).focus();
    }

    function close(refocus) {
      if (!openPanel) return;
      openPanel.hidden = true;
      var owner = toolbar.querySelector("[aria-controls='" + openPanel.id + "']");
      if (owner) owner.setAttribute("aria-expanded", "false");
      openPanel = null;
      if (refocus) { area.focus(); area.setSelectionRange(saved.start, saved.end); }
    }

    var actions = {
      bold: function () { wrap("**", text.textBold); },
      italic: function () { wrap("*", text.textItalic); },
      title: function () { prefixLines("## ", text.textTitle); },
      list: function () { prefixLines("- ", text.textItem); },
      table: function () { block(text.textTable); },
      link: function (button) { show("link", button); },
      wiki: function (button) { show("wiki", button); },
      image: function (button) { show("image", button); }
    };

    function run(name) {
      var button = toolbar.querySelector("[data-action=" + name + "]");
      if (button) actions[name](button);
    }

    /* The toolbar is one tab stop; arrows move between its buttons (WAI-ARIA toolbar). */
    function rove(button) {
      buttons.forEach(function (b) { b.tabIndex = b === button ? 0 : -1; });
      button.focus();
    }
    buttons.forEach(function (b, i) { b.tabIndex = i === 0 ? 0 : -1; });
    toolbar.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-action]");
      if (!button) return;
      buttons.forEach(function (b) { b.tabIndex = b === button ? 0 : -1; });
      run(button.dataset.action);
    });
    toolbar.addEventListener("keydown", function (event) {
      var i = buttons.indexOf(document.activeElement);
      if (i < 0) return;
      var next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: buttons.length - 1 }[event.key];
      if (next === undefined) return;
      event.preventDefault();
      rove(buttons[(next + buttons.length) % buttons.length]);
    });

    area.addEventListener("keydown", function (event) {
      if (!(event.ctrlKey || event.metaKey) || event.altKey) return;
      var key = event.key.toLowerCase();
      var name = key === "b" ? "bold" : key === "i" ? "italic" : key === "k" ? (event.shiftKey ? "wiki" : "link") : null;
      if (!name || (event.shiftKey && key !== "k")) return;
      event.preventDefault();
      run(name);
    });

    tools.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && openPanel) { event.preventDefault(); close(true); }
      if (event.key === "Enter" && openPanel && event.target.tagName === "INPUT" && event.target.type !== "file") {
        event.preventDefault(); // Enter inserts, it does not save the page
        var go = openPanel.querySelector("[data-insert]");
        if (go) go.click();
      }
    });

    tools.addEventListener("click", function (event) {
      if (event.target.closest("[data-close]")) { close(true); return; }
      var go = event.target.closest("[data-insert]");
      if (!go) return;
      var kind = go.dataset.insert;
      if (kind === "link") {
        var url = field("link-url").value.trim();
        var label = field("link-text").value.trim() || url;
        if (!url) { field("link-url").focus(); return; }
        close(false);
        insert("[" + label.replace(/[\[\]]/g, "") + "](" + url.replace(/[()\s]/g, encodeURIComponent) + ")", saved);
      } else if (kind === "wiki") {
        var name = field("wiki-page").value.replace(/[\[\]|]/g, "").trim();
        var shown = field("wiki-text").value.replace(/[\[\]|]/g, "").trim();
        if (!name) { field("wiki-page").focus(); return; }
        close(false);
        insert("[[" + name + (shown && shown !== name ? "|" + shown : "") + "]]", saved);
      } else if (kind === "image") {
        upload();
      }
    });

    /* Page-name suggestions: a <datalist> filled as the name is typed (answers cached). */
    var known = {};
    var timer = null;
    var pageInput = field("wiki-page");
    var options = field("wiki-pages");
    function fill(titles) {
      options.textContent = "";
      titles.forEach(function (title) {
        var option = document.createElement("option");
        option.value = title;
        options.appendChild(option);
      });
    }
    pageInput.addEventListener("input", function () {
      var q = pageInput.value.trim().toLowerCase();
      window.clearTimeout(timer);
      if (q.length < 2) return;
      if (known[q]) { fill(known[q]); return; }
      timer = window.setTimeout(function () {
        fetch(text.titlesUrl + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
          .then(function (response) { return response.ok ? response.json() : { titles: [] }; })
          .then(function (answer) { known[q] = answer.titles || []; fill(known[q]); })
          .catch(function () {});
      }, 200);
    });

    /* Image upload: attach to the page through the attachments service, insert its Markdown. */
    var fileInput = field("image-file");
    var imageError = field("image-error");
    function fail(message) {
      imageError.textContent = message;
      imageError.hidden = false;
    }
    function upload() {
      var file = (fileInput && fileInput.files[0]) || dropped;
      if (!file) { fileInput.focus(); return; }
      imageError.hidden = true;
      var data = new FormData();
      data.append("csrf_token", form.elements.csrf_token.value);
      data.append("file", file, file.name);
      data.append("alt", field("image-alt").value);
      say(text.textSending);
      fetch(text.uploadUrl, { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (answer) {
            if (!response.ok || !answer.markdown) { fail(answer.message || text.textFailed); return; }
            close(false);
            fileInput.value = "";
            field("image-alt").value = "";
            dropped = null;
            insert(answer.markdown, saved);
            say(text.textSent);
          });
        })
        .catch(function () { fail(text.textFailed); });
    }
    if (fileInput) {
      area.addEventListener("dragover", function (event) {
        if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") >= 0) {
          event.preventDefault();
          area.classList.add("editor-drop");
        }
      });
      area.addEventListener("dragleave", function () { area.classList.remove("editor-drop"); });
      area.addEventListener("drop", function (event) {
        area.classList.remove("editor-drop");
        var files = event.dataTransfer && event.dataTransfer.files;
        if (!files || !files.length) return;
        event.preventDefault();
        show("image", toolbar.querySelector("[data-action=image]"));
        dropped = files[0];
        field("image-alt").focus();
        say(text.textDropped.replace("%(name)s", dropped.name));
      });
    }

    tools.hidden = false;
  }

  /* Markdown fields of a record form: one toolbar per field, copied from the page's template. */
  var model = document.getElementById("markdown-tools");
  if (model) {
    Array.prototype.forEach.call(document.querySelectorAll("textarea[data-markdown]"), function (field) {
      if (!/^[A-Za-z][\w-]*$/.test(field.id)) return;
      var html = model.innerHTML.replace(/__target__/g, field.id).replace(/__prefix__/g, field.id + "-editor");
      field.parentNode.insertBefore(document.createRange().createContextualFragment(html), field);
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-editor]"), setup);

  /* Page editor: preview beside the text box, the same server preview as the « Aperçu » button, without leaving the page. */
  var preview = document.getElementById("editor-preview");
  var form = preview && document.getElementById("body").form;
  var previewButton = form && form.querySelector("button[name=action][value=preview]");
  var status = document.getElementById("editor-status");
  if (previewButton && window.DOMParser) {
    previewButton.addEventListener("click", function (event) {
      event.preventDefault();
      var data = new FormData(form);
      data.set("action", "preview");
      announce(status, preview.dataset.textPreviewing);
      fetch(form.getAttribute("action"), { method: "POST", body: data, credentials: "same-origin" })
        .then(function (response) { return response.text(); })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var part = doc.querySelector("section.preview:not(#editor-preview) .prose") || doc.querySelector("#body-error, .notice-error");
          var target = preview.querySelector("[data-preview-body]");
          target.textContent = "";
          if (part) target.appendChild(document.importNode(part, true));
          preview.hidden = false;
          preview.closest("[data-editor-split]").classList.add("side-by-side");
          announce(status, preview.dataset.textPreviewed);
        })
        .catch(function () { form.requestSubmit(previewButton); });
    });
  }

  /* The full syntax help page, read into the help panel the first time it opens (the link stays for no-script use). */
  var help = document.querySelector("details.syntax-help");
  if (help && window.DOMParser) {
    help.addEventListener("toggle", function () {
      var full = help.querySelector("[data-help-full]");
      var link = help.querySelector("[data-help-page]");
      if (!help.open || !full || !link || full.dataset.loaded) return;
      full.dataset.loaded = "1";
      fetch(link.getAttribute("href"), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (html) {
          var prose = html && new DOMParser().parseFromString(html, "text/html").querySelector("main .prose");
          if (!prose) return;
          full.appendChild(document.importNode(prose, true));
          full.hidden = false;
          link.closest("p").hidden = true;
        })
        .catch(function () {});
    });
  }

})();

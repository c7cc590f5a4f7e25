// Live board of a wiki-party: listens to the server-sent events and reloads the board in place
// when it changed. Without JavaScript, a <noscript> meta refresh reloads the page instead.
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.getAttribute("data-stream");
  if (!url || !window.EventSource || !window.fetch || !window.DOMParser) { return; }
  var busy = false;
  function reload() {
    if (busy) { return; }
    busy = true;
    fetch(window.location.href, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("party-board");
        var board = document.getElementById("party-board");
        if (fresh && board) { board.replaceWith(fresh); }
      })
      .catch(function () {})
      .then(function () { busy = false; });
  }
  function start() {
    var source = new EventSource(url);
    source.addEventListener("change", function (event) {
      var board = document.getElementById("party-board");
      if (board && board.getAttribute("data-stamp") !== event.data) { reload(); }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();

/* Geometry fields of record forms: place a point, draw a line or a polygon, move or delete vertices.
 *
 * Progressive enhancement of the plain field (a textarea taking
 * « latitude, longitude » or GeoJSON, which keeps working without
 * JavaScript): a map and a toolbar are added above it, and every change
 * is written back into the textarea, which is what the form submits. The
 * server validates the geometry as for any other input.
 */
(function () {
  "use strict";

  var LATLON = /^\s*(-?\d{1,3}(?:[.,]\d+)?)\s*[,;\s]\s*(-?\d{1,3}(?:[.,]\d+)?)\s*$/;

  function round(v) { return Math.round(v * 1e7) / 1e7; }

  function parse(text) {
    text = (text || "").trim();
    if (!text) return null;
    var m = LATLON.exec(text);
    if (m) return { type: "Point", coordinates: [parseFloat(m[2].replace(",", ".")), parseFloat(m[1].replace(",", "."))] };
    try {
      var obj = JSON.parse(text);
      if (obj && obj.type === "Feature") obj = obj.geometry;
      return obj && typeof obj.type === "string" ? obj : null;
    } catch (e) {
      return null;
    }
  }

  function button(label, toolbar) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    toolbar.appendChild(b);
    return b;
  }

  function init(textarea) {
    if (textarea.dataset.ready) return;
    textarea.dataset.ready = "1";
    var kinds = (textarea.dataset.geometryKinds || "Point").split(" ");
    var wrap = document.createElement("div");
    wrap.className = "geo-editor";
    var toolbar = document.createElement("div");
    toolbar.className = "geo-toolbar";
    toolbar.setAttribute("role", "toolbar");
    toolbar.setAttribute("aria-label", textarea.dataset.textToolbar);
    var box = document.createElement("div");
    box.className = "map";
    box.setAttribute("role", "application");
    box.setAttribute("aria-label", textarea.dataset.textMap);
    var status = document.createElement("p");
    status.className = "help geo-status";
    status.setAttribute("aria-live", "polite");
    wrap.appendChild(toolbar);
    wrap.appendChild(box);
    wrap.appendChild(status);
    textarea.parentNode.insertBefore(wrap, textarea);

    var map = L.map(box).setView([47.65, -2.08], 10);
    if (textarea.dataset.tiles) {
      L.tileLayer(textarea.dataset.tiles, { maxZoom: 19, attribution: textarea.dataset.attribution }).addTo(map);
    }
    var kind = null;        // "Point", "LineString" or "Polygon" being edited
    var vertices = [];      // L.LatLng
    var markers = L.layerGroup().addTo(map);
    var shape = null;
    var readOnly = null;
    var buttons = Object.create(null);

    function write() {
      var text = "";
      if (kind === "Point" && vertices.length) {
        text = vertices[0].lat.toFixed(6) + ", " + vertices[0].lng.toFixed(6);  // the server's « latitude, longitude »
      } else if (kind === "LineString" && vertices.length >= 2) {
        text = JSON.stringify({ type: "LineString", coordinates: vertices.map(function (v) { return [round(v.lng), round(v.lat)]; }) });
      } else if (kind === "Polygon" && vertices.length >= 3) {
        var ring = vertices.map(function (v) { return [round(v.lng), round(v.lat)]; });
        ring.push(ring[0]);
        text = JSON.stringify({ type: "Polygon", coordinates: [ring] });
      }
      textarea.value = text;
      var needed = kind === "Polygon" ? 3 : kind === "LineString" ? 2 : 1;
      status.textContent = kind && vertices.length < needed ? textarea.dataset.textMore.replace("{n}", String(needed - vertices.length)) : (kind ? textarea.dataset.textHelp : "");
    }

    function redraw() {
      markers.clearLayers();
      if (shape) { map.removeLayer(shape); shape = null; }
      if (kind === "LineString" && vertices.length >= 2) shape = L.polyline(vertices, { className: "geo-drawn", interactive: false }).addTo(map);
      if (kind === "Polygon" && vertices.length >= 2) shape = L.polygon(vertices, { className: "geo-drawn", interactive: false }).addTo(map);
      vertices.forEach(function (latlng, index) {
        var marker = L.marker(latlng, {
          draggable: true, keyboard: true, title: textarea.dataset.textVertex,
          icon: L.divIcon({ className: "geo-vertex", iconSize: [14, 14] }),
        });
        marker.on("drag", function (e) { vertices[index] = e.target.getLatLng(); if (shape) shape.setLatLngs(vertices); });
        marker.on("dragend", function () { write(); });
        marker.on("click", function () { if (kind !== "Point") { vertices.splice(index, 1); redraw(); write(); } });
        markers.addLayer(marker);
      });
    }

    function press(name) {
      Object.keys(buttons).forEach(function (k) { buttons[k].setAttribute("aria-pressed", String(k === name)); });
    }

    function start(newKind) {
      if (readOnly) { map.removeLayer(readOnly); readOnly = null; }
      if (newKind !== kind) vertices = kind === "Point" || newKind === "Point" ? [] : vertices;
      kind = newKind;
      press(newKind);
      redraw();
      write();
    }

    var labels = { Point: textarea.dataset.textPoint, LineString: textarea.dataset.textLine, Polygon: textarea.dataset.textPolygon };
    ["Point", "LineString", "Polygon"].forEach(function (k) {
      if (kinds.indexOf(k) >= 0 || kinds.indexOf("Multi" + k) >= 0) {
        buttons[k] = button(labels[k], toolbar);
        buttons[k].setAttribute("aria-pressed", "false");
        buttons[k].addEventListener("click", function () { start(k); });
      }
    });
    button(textarea.dataset.textClear, toolbar).addEventListener("click", function () {
      vertices = [];
      if (readOnly) { map.removeLayer(readOnly); readOnly = null; }
      redraw();
      textarea.value = "";
      status.textContent = "";
    });

    map.on("click", function (e) {
      if (!kind) start(buttons.Point ? "Point" : Object.keys(buttons)[0]);
      if (kind === "Point") vertices = [e.latlng];
      else vertices.push(e.latlng);
      redraw();
      write();
    });

    function load() {
      var geometry = parse(textarea.value);
      vertices = [];
      kind = null;
      if (geometry && geometry.type === "Point" && Array.isArray(geometry.coordinates)) {
        kind = "Point";
        vertices = [L.latLng(geometry.coordinates[1], geometry.coordinates[0])];
      } else if (geometry && geometry.type === "LineString" && Array.isArray(geometry.coordinates)) {
        kind = "LineString";
        vertices = geometry.coordinates.map(function (c) { return L.latLng(c[1], c[0]); });
      } else if (geometry && geometry.type === "Polygon" && Array.isArray(geometry.coordinates) && geometry.coordinates.length === 1) {
        kind = "Polygon";
        vertices = geometry.coordinates[0].slice(0, -1).map(function (c) { return L.latLng(c[1], c[0]); });
      } else if (geometry) {
        try { readOnly = L.geoJSON(geometry, { style: { className: "geo-drawn" } }).addTo(map); } catch (e) { readOnly = null; }
        status.textContent = textarea.dataset.textComplex;
      }
      press(kind);
      redraw();
      var bounds = readOnly ? readOnly.getBounds() : L.latLngBounds(vertices);
      if (bounds.isValid()) map.fitBounds(bounds, { maxZoom: 16, padding: [20, 20] });
    }

    textarea.addEventListener("change", load);
    load();
  }

  function startAll() {
    if (typeof L === "undefined") return;
    document.querySelectorAll("textarea[data-geometry-kinds]").forEach(init);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", startAll);
  else startAll();
})();

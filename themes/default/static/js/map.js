/* Lieudit maps: every element with class "map" shows the record layer and the zone outlines.
 *
 * Data comes from same-origin GeoJSON endpoints named in data-* attributes;
 * popups are built with DOM methods and textContent only, never innerHTML
 * from data (HOSTILE_INPUTS B6-47..49); properties are read from the parsed
 * object by known names only. When tiles fail (offline wiki-party) the data
 * and outlines stay, and a notice says so. The list beside the map is the
 * accessible alternative: this script only adds to the page.
 */
(function () {
  "use strict";

  var FORM_CLASSES = Object.create(null);
  var nextColour = 0;

  function colourOf(formKey) {
    if (!(formKey in FORM_CLASSES)) {
      var swatch = document.querySelector('input[name="calque"][value="' + CSS.escape(formKey) + '"] + label .swatch');
      var match = swatch && /layer-(\d+)/.exec(swatch.className);
      FORM_CLASSES[formKey] = match ? Number(match[1]) : nextColour++ % 8;
    }
    return "layer-" + FORM_CLASSES[formKey];
  }

  function safeUrl(url) {
    return typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/" ? url : null;
  }

  function popupFor(props, box) {
    var root = document.createElement("div");
    root.className = "map-popup";
    var title = document.createElement("h3");
    title.textContent = String(props.title || "");
    root.appendChild(title);
    if (props.communes) {
      var place = document.createElement("p");
      place.className = "map-popup-place";
      place.textContent = String(props.communes);
      root.appendChild(place);
    }
    if (props.summary) {
      var summary = document.createElement("p");
      summary.textContent = String(props.summary);
      root.appendChild(summary);
    }
    if (props.approximate === true) {
      var note = document.createElement("p");
      note.className = "help";
      note.textContent = box.dataset.textApproximate;
      root.appendChild(note);
    }
    var url = safeUrl(props.url);
    if (url) {
      var link = document.createElement("a");
      link.href = url;
      link.textContent = box.dataset.textOpen;
      root.appendChild(link);
    }
    return root;
  }

  function clusterIcon(count) {
    var el = document.createElement("span");
    el.textContent = String(count);
    var size = count < 100 ? 34 : count < 1000 ? 42 : 52;
    return L.divIcon({ html: el, className: "map-cluster", iconSize: [size, size] });
  }

  function init(box) {
    if (box.dataset.ready) return;  // the script may be included twice (two maps in a page)
    box.dataset.ready = "1";
    var status = box.parentNode.querySelector(".map-status");
    var map = L.map(box, { zoomControl: true, attributionControl: true }).setView([47.65, -2.08], 10);
    if (box.dataset.tiles) {
      var failed = 0;
      var tiles = L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution });
      tiles.on("tileerror", function () {
        failed += 1;
        if (failed === 1 && status) status.textContent = box.dataset.textTilesFailed;
      });
      tiles.addTo(map);
    } else if (status) {
      status.textContent = box.dataset.textTilesFailed;
    }
    var outlines = L.geoJSON(null, {
      style: function () { return { className: "map-zone", weight: 1, fill: false }; },
      pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, { radius: 2, className: "map-zone-centre" }); },
      interactive: false,
    }).addTo(map);
    var records = L.geoJSON(null, {
      style: function (feature) { return { className: "map-shape " + colourOf(String(feature.properties.form || "")) }; },
      pointToLayer: function (feature, latlng) {
        var props = feature.properties || {};
        if (props.cluster === true) {
          return L.marker(latlng, { icon: clusterIcon(Number(props.count) || 0), keyboard: true,
            title: box.dataset.textCluster.replace("{n}", String(Number(props.count) || 0)) });
        }
        return L.circleMarker(latlng, { radius: 7, className: "map-point " + colourOf(String(props.form || "")) });
      },
      onEachFeature: function (feature, layer) {
        var props = feature.properties || {};
        if (props.cluster === true) {
          layer.on("click", function () { map.setView(layer.getLatLng(), Math.min(map.getZoom() + 2, 18)); });
        } else {
          layer.bindPopup(function () { return popupFor(props, box); });
        }
      },
    }).addTo(map);
    var fitted = false;
    var pending = null;

    function load() {
      var b = map.getBounds();
      var bbox = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map(function (v) { return v.toFixed(5); }).join(",");
      var url = box.dataset.layerUrl + (box.dataset.layerUrl.indexOf("?") >= 0 ? "&" : "?") + (fitted ? "bbox=" + bbox : "");
      if (pending) pending.abort();
      pending = new AbortController();
      fetch(url, { signal: pending.signal, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          if (!data) return;
          records.clearLayers();
          records.addData(data);
          box.dataset.loaded = String((data.features || []).length);
          if (!fitted) {
            fitted = true;
            var bounds = records.getBounds();
            if (bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 });
            else if (outlines.getBounds().isValid()) map.fitBounds(outlines.getBounds());
          }
        })
        .catch(function () { /* aborted or offline: keep what is shown */ });
    }

    fetch(box.dataset.zonesUrl, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) outlines.addData(data); })
      .catch(function () {});
    map.on("moveend", function () { if (fitted) load(); });
    load();

    var addLinks = document.querySelectorAll(".map-add-link");
    if (addLinks.length) {
      var picked = null;
      map.on("click", function (event) {
        var lat = event.latlng.lat.toFixed(6);
        var lng = event.latlng.lng.toFixed(6);
        if (picked) picked.setLatLng(event.latlng);
        else picked = L.marker(event.latlng, { keyboard: false }).addTo(map);
        addLinks.forEach(function (link) {
          var url = new URL(link.href, window.location.href);
          url.searchParams.set(link.dataset.field, lat + ", " + lng);
          link.href = url.pathname + url.search;
        });
        if (status) status.textContent = box.dataset.textPicked;
      });
    }
  }

  function showGeometry(box) {
    if (box.dataset.ready) return;
    box.dataset.ready = "1";
    var geometry;
    try { geometry = JSON.parse(box.dataset.geometry); } catch (e) { return; }
    var map = L.map(box, { scrollWheelZoom: false });
    // Without JavaScript the box is a labelled picture; Leaflet fills it with controls and links,
    // which a picture may not hold (axe "nested-interactive"): it becomes a labelled region.
    box.setAttribute("role", "region");
    if (box.dataset.tiles) L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution }).addTo(map);
    var shape = L.geoJSON(geometry, {
      style: function () { return { className: "map-shape layer-0" }; },
      pointToLayer: function (feature, latlng) { return L.circleMarker(latlng, { radius: 8, className: "map-point layer-0" }); },
    }).addTo(map);
    var bounds = shape.getBounds();
    if (bounds.isValid()) map.fitBounds(bounds, { maxZoom: 15, padding: [20, 20] });
  }

  function start() {
    if (typeof L === "undefined") return;
    document.querySelectorAll("div.map[data-layer-url]").forEach(init);
    document.querySelectorAll("div.map[data-geometry]").forEach(showGeometry);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

// Every map's view and its points at every zoom (layers/viewport.py).
//
// layout.meta.fit = [west, south, east, north]: the territory or unit the map shows. It is fitted
// into the map's real box, whatever the screen (a wall, a 4K screen, a phone), when the figure
// names new bounds and whenever the box changes size; a user's pan and zoom are kept otherwise.
//
// layout.meta.zoomed = {<trace name>: {minzoom}}: a layer drawn only from that zoom (below it its
// points, lines or names would cover the polygons). A tiled layer of that name gets its zoom
// range in assets/maptiles.js, and its circles grow with the zoom there (layers/cameras.py).
// Plotly's own marker layers keep their size: a zoom expression set on them breaks Plotly's
// later updates of those layers.
(function () {
  "use strict";
  var PAD = 16;

  function subplotMap(gd) {
    var full = gd._fullLayout;
    return full && full.map && full.map._subplot ? full.map._subplot.map : null;
  }

  // Room for a panel laid over the map's left side (the one map's layer list on a wide screen).
  function padding(gd) {
    var pad = { top: PAD, bottom: PAD, left: PAD, right: PAD };
    var page = gd.closest(".map-page");
    var aside = page && page.querySelector("aside");
    if (aside) {
      var a = aside.getBoundingClientRect();
      var g = gd.getBoundingClientRect();
      var over = a.right - g.left;
      if (a.width > 0 && over > 0 && over < g.width / 3 && a.top < g.top + g.height / 2) pad.left += over;
    }
    return pad;
  }

  function fit(gd, map) {
    var bounds = gd.layout.meta.fit;
    var w = gd.clientWidth, h = gd.clientHeight;
    var key = JSON.stringify(bounds);
    var last = gd.__gridopsFitBox;
    // A few pixels (a scrollbar coming or going) are within the padding: no new fit, which would
    // also cancel a drag in progress.
    var same = last && Math.abs(last[0] - w) <= 40 && Math.abs(last[1] - h) <= 40;
    if ((gd.__gridopsFit === key && same) || !w || !h) return;
    // Not while the map is (re)loading its style: Plotly is then still building its layers.
    if (!map.isStyleLoaded()) return;
    map.resize();
    var camera = map.cameraForBounds([[bounds[0], bounds[1]], [bounds[2], bounds[3]]], { padding: padding(gd) });
    if (!camera) return;
    gd.__gridopsFit = key;
    gd.__gridopsFitBox = [w, h];
    var zoom = Math.round(camera.zoom * 100) / 100;
    // The server sized the first view for this screen (layers/viewport.py fit): nothing to move.
    var at = map.project(camera.center), now = map.project(map.getCenter());
    if (Math.abs(map.getZoom() - zoom) <= 0.015 && Math.abs(at.x - now.x) <= 2 && Math.abs(at.y - now.y) <= 2) {
      gd.dataset.fitZoom = map.getZoom().toFixed(2);
      return;
    }
    gd.dataset.fitZoom = zoom.toFixed(2);
    // Through Plotly as a user's edit, so that its layout holds the view and a new figure of the
    // same uirevision (a refresh, a new filter) keeps it, as it keeps a user's pan and zoom.
    var relayout = window.Plotly._guiRelayout || window.Plotly.relayout;
    relayout(gd, { "map.center": { lon: camera.center.lng, lat: camera.center.lat }, "map.zoom": zoom });
  }

  // Layer ids without serialising the style (its sources hold every trace's GeoJSON).
  function layerIds(map) {
    if (map.getLayersOrder) return map.getLayersOrder();
    return map.style && map.style._order ? map.style._order.slice() : [];
  }

  // Only what differs is set again: every change makes MapLibre draw the map anew.
  // A trace whose layers Plotly has not made yet is zoomed on a later pass (attach's): a first view
  // that needs no fit gets no second drawing to wait for.
  function zoomPoints(gd, map) {
    var zoomed = gd.layout.meta.zoomed;
    var ids = layerIds(map);
    var missing = 0;
    (gd._fullData || []).forEach(function (trace) {
      var spec = zoomed[trace.name];
      if (!spec) return;
      var found = 0;
      ids.forEach(function (id) {
        if (id.indexOf("plotly-trace-layer-" + trace.uid) !== 0) return;
        var layer = map.getLayer(id);
        if (!layer) return;
        found++;
        if (layer.minzoom !== spec.minzoom) map.setLayerZoomRange(id, spec.minzoom, 24);
      });
      if (!found) missing++;
    });
    gd.__gridopsZoomPending = missing > 0;
  }

  function apply(gd, drawn) {
    var meta = gd.layout && gd.layout.meta;
    var map = subplotMap(gd);
    if (!meta || !map) return;
    if (meta.fit) fit(gd, map);
    if (meta.zoomed && (drawn || !gd.__gridopsZoomedOnce || gd.__gridopsZoomPending)) {
      gd.__gridopsZoomedOnce = true;
      // Once the map has loaded (assets/maptiles.js), at the style change of Plotly adding its
      // layers: a layer hidden at this zoom then never has its tiles cut and drawn. (Set before
      // the load, the ranges made the wall's first paint 1.2 s slower.)
      var ready = window.gridopsStyleReady ? window.gridopsStyleReady(map) : map.isStyleLoaded();
      if (!ready) {
        if (!gd.__gridopsWaiting) {
          gd.__gridopsWaiting = true;
          map.once("styledata", function () { gd.__gridopsWaiting = false; apply(gd, true); });
        }
        return;
      }
      zoomPoints(gd, map);
    }
  }

  function attach() {
    document.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
      if (!gd.__gridopsFitBound && gd.on) {
        gd.__gridopsFitBound = true;
        gd.on("plotly_afterplot", function () { apply(gd, true); });
      }
      apply(gd, false);  // the fit also when the box changed size without a redraw
    });
  }

  setInterval(attach, 400);
})();

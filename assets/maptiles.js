// Vector-tile layers on Plotly's own MapLibre map (docs/performance.md; layers/base.py TiledLayer).
//
// The tiled layers' specs travel beside the figure, in a store whose changes the clientside
// callback gridops_tiles.apply hands to the map's graph (layers/figure.py): a change of them never
// makes Plotly redraw the map. Each spec gets a vector source and a MapLibre layer drawn just above
// the trace before its slot. The layer's feature-state arrays ({id_runs, <name>: [...]}) go into
// MapLibre's feature state, only the entries that changed since the last spec; a new tile URL (the
// data version moved) refetches the tiles; "visible" follows the layer toggle, and a layer the
// specs no longer name is hidden. A hover box shows the spec's template, filled from the feature's
// properties and state.
(function () {
  "use strict";
  var PREFIX = "gridops-tiles-";

  function subplotMap(gd) {
    var full = gd._fullLayout;
    return full && full.map && full.map._subplot ? full.map._subplot.map : null;
  }

  // The first MapLibre layer of the traces after ``slot``: the tiled layer goes just below it.
  function beforeId(gd, map, slot) {
    var uids = (gd._fullData || []).slice(slot + 1).map(function (t) { return t.uid; });
    var layers = map.getStyle().layers;
    for (var i = 0; i < layers.length; i++) {
      for (var j = 0; j < uids.length; j++) {
        if (layers[i].id.indexOf("plotly-trace-layer-" + uids[j]) === 0) return layers[i].id;
      }
    }
    return undefined;
  }

  // Layers can be added: the map has had its first "load" (on which Plotly adds its traces) and its
  // style's document is in. Not MapLibre's isStyleLoaded(), which also waits for every source's
  // tiles, and so put the tiled layers (and their requests) after all of Plotly's traces had been
  // cut into tiles and drawn; and not before the first "load", which would then wait for the
  // tiles, and Plotly's traces with it.
  function styleReady(map) {
    return !!map._loaded && styleIn(map);
  }
  // The style's own document is in.
  function styleIn(map) {
    var style = map.style;
    if (!style) return false;
    return typeof style._loaded === "boolean" ? style._loaded : map.isStyleLoaded();
  }
  // Call ``then`` when the map may be ready (styleReady says whether it is).
  function whenReady(map, then) {
    map.once(map._loaded ? "styledata" : "load", then);
  }
  window.gridopsStyleReady = styleReady;

  function tooltip(gd) {
    var box = gd.querySelector(".gridops-tile-hover");
    if (!box) {
      box = document.createElement("div");
      box.className = "gridops-tile-hover";
      gd.appendChild(box);
    }
    return box;
  }

  function fill(template, values, labels) {
    return template.replace(/\{(\w+)\}/g, function (_, name) {
      var v = values[name];
      if (labels[name] && labels[name][v] !== undefined) v = labels[name][v];
      return v === undefined || v === null ? "—" : String(v).replace(/[&<>"]/g, function (c) {
        return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c];
      });
    });
  }

  function bindHover(gd, map, id, key) {
    map.on("mousemove", id, function (e) {
      var f = e.features && e.features[0];
      var spec = specsOf(gd)[key];
      if (!f || !spec || !spec.hover) return;  // a layer without a hover (outlines)
      var values = Object.assign({}, f.properties, map.getFeatureState({ source: id, sourceLayer: key, id: f.id }));
      var box = tooltip(gd);
      box.innerHTML = fill(spec.hover, values, spec.labels || {});
      box.style.left = e.point.x + 14 + "px";
      box.style.top = e.point.y + 14 + "px";
      box.style.display = "block";
      map.getCanvas().style.cursor = "pointer";
    });
    map.on("movestart", function () { tooltip(gd).style.display = "none"; });  // no box left behind
    map.on("mouseleave", id, function () {
      tooltip(gd).style.display = "none";
      map.getCanvas().style.cursor = "";
    });
    // A layer whose features are pages of their own (a checkpoint): a click opens that page, in
    // the page's language.
    map.on("click", id, function (e) {
      var f = e.features && e.features[0];
      var spec = specsOf(gd)[key];
      if (!f || !spec) return;
      if (spec.pick && window.dash_clientside && window.dash_clientside.set_props) {
        // A feature the page picks (a grid on the workbench): clicked as a Plotly point would be.
        window.dash_clientside.set_props(graphIdOf(gd), {
          clickData: { points: [{ customdata: [key, f.id, null], text: String((f.properties || {}).name || f.id) }] },
        });
        return;
      }
      if (!spec.link) return;
      var lang = new URLSearchParams(window.location.search).get("lang");
      window.location.assign(spec.link.replace("{id}", encodeURIComponent(f.id)) +
        (lang ? "?lang=" + encodeURIComponent(lang) : ""));
    });
  }

  // The ids of a state, sent as runs of consecutive ids ([first, count], ...).
  function stateIds(state) {
    var ids = [];
    (state.id_runs || []).forEach(function (run) {
      for (var k = 0; k < run[1]; k++) ids.push(run[0] + k);
    });
    return ids;
  }

  function applyState(map, id, key, state, held) {
    var ids = stateIds(state);
    var names = Object.keys(state).filter(function (n) { return n !== "id_runs"; });
    var sameIds = held && held.ids === ids.join(",");
    var changed = 0;
    // Other features than before (another query on the workbench): none keeps an old state.
    if (held && !sameIds) map.removeFeatureState({ source: id, sourceLayer: key });
    for (var i = 0; i < ids.length; i++) {
      var value = {};
      var differs = !sameIds;
      for (var k = 0; k < names.length; k++) {
        var v = state[names[k]][i];
        value[names[k]] = v;
        if (sameIds && held.values[names[k]][i] !== v) differs = true;
      }
      if (differs) {
        map.setFeatureState({ source: id, sourceLayer: key, id: ids[i] }, value);
        changed++;
      }
    }
    var copy = {};
    names.forEach(function (n) { copy[n] = state[n].slice(); });
    return { ids: ids.join(","), values: copy, changed: changed };
  }

  // The specs last handed to the graph that holds ``gd`` (gridops_tiles.apply), by the graph's id:
  // React may replace the graph's element while its figure loads.
  var SPECS = window.gridopsTileSpecs = window.gridopsTileSpecs || {};
  function specsOf(gd) {
    var id = graphIdOf(gd);
    return (id && SPECS[id]) || {};
  }

  function graphIdOf(gd) {
    for (var el = gd; el; el = el.parentElement) {
      if (el.id && SPECS[el.id]) return el.id;
    }
    return null;
  }

  // Another layer of the same tiles (the communities' names): in the slot of the layer that
  // shows it (below the street offices' names, which are placed first), with that layer's toggle,
  // from its zoom on.
  function syncExtra(gd, map, meta, source, extra, held) {
    var xid = source + "-" + extra.id;
    var minzoom = meta.zoomed && meta.zoomed[extra.zoom_key] ? meta.zoomed[extra.zoom_key].minzoom : 0;
    var before = beforeId(gd, map, extra.slot);
    if (!map.getLayer(xid)) {
      map.addLayer({ id: xid, type: extra.kind, source: source, "source-layer": extra.source_layer,
        layout: extra.layout || {}, paint: extra.paint || {}, minzoom: minzoom }, before);
      held[xid] = before;
    } else if (map.getLayer(xid).minzoom !== minzoom) {
      map.setLayerZoomRange(xid, minzoom, 24);
    }
    if (held[xid] !== before) {  // Plotly's layers came after it
      map.moveLayer(xid, before);
      held[xid] = before;
    }
    map.setLayoutProperty(xid, "visibility", extra.visible ? "visible" : "none");
  }

  function sync(gd) {
    var tiles = specsOf(gd);
    var map = subplotMap(gd);
    if (!map) return;
    if (!styleReady(map)) {
      whenReady(map, function () { sync(gd); });
      return;
    }
    var held = gd.__gridopsTiles || (gd.__gridopsTiles = {});
    Object.keys(held).forEach(function (key) {  // a layer the specs no longer name
      if (!tiles[key] && map.getLayer(PREFIX + key)) map.setLayoutProperty(PREFIX + key, "visibility", "none");
    });
    Object.keys(tiles).forEach(function (key) {
      var spec = tiles[key];
      var id = PREFIX + key;
      var url = new URL(spec.url, window.location.href).href.replace(/%7B/g, "{").replace(/%7D/g, "}");
      var mine = held[key];
      if (!map.getSource(id)) {
        map.addSource(id, { type: "vector", tiles: [url], minzoom: 0, maxzoom: 16 });
        mine = held[key] = { url: url, state: null };
      } else if (!mine || mine.url !== url) {
        map.getSource(id).setTiles([url]);
        mine = held[key] = Object.assign(mine || { state: null }, { url: url });
      }
      var meta = (gd.layout && gd.layout.meta) || {};
      var minzoom = meta.zoomed && meta.zoomed[key] ? meta.zoomed[key].minzoom : 0;  // points covering the polygons at the overview
      var before = beforeId(gd, map, spec.slot);
      if (!map.getLayer(id)) {
        map.addLayer({ id: id, type: spec.kind, source: id, "source-layer": key, paint: spec.paint, minzoom: minzoom },
          before);
        mine.before = before;
        var bound = map.__gridopsHover || (map.__gridopsHover = {});
        // Once per map (its handlers outlive a new style); not for a layer without a hover or a
        // click of its own (outlines), whose leaving would hide the hover of the grids below it.
        if (!bound[id] && (spec.hover || spec.link || spec.pick)) {
          bindHover(gd, map, id, key);
          bound[id] = true;
        }
        mine.state = null;  // a new layer (or a new style): set every feature's state again
        mine.stateRef = null;
        mine.look = JSON.stringify([spec.paint, minzoom, spec.slot]);
      }
      var look = JSON.stringify([spec.paint, minzoom, spec.slot]);
      if (mine.look !== look) {  // another query on the workbench: its paint, zoom and place
        Object.keys(spec.paint).forEach(function (prop) { map.setPaintProperty(id, prop, spec.paint[prop]); });
        map.setLayerZoomRange(id, minzoom, 24);
        mine.look = look;
      }
      // Added as soon as the style was in, the layer may have come before Plotly's own: once they
      // are there, it goes to its place among them.
      if (mine.before !== before) {
        map.moveLayer(id, before);
        mine.before = before;
      }
      map.setLayoutProperty(id, "visibility", spec.visible ? "visible" : "none");
      if (spec.overview) overviewLegend(map, spec.overview);
      var places = mine.extraBefore || (mine.extraBefore = {});
      (spec.extra || []).forEach(function (extra) { syncExtra(gd, map, meta, id, extra, places); });
      // Only a state not applied yet (a redraw for a pan or a view change keeps it).
      if (spec.state !== mine.stateRef) {
        mine.stateRef = spec.state;
        if (spec.state) {
          mine.state = applyState(map, id, key, spec.state, mine.state);
        } else {  // the tiles alone say how each feature is drawn
          if (mine.state) map.removeFeatureState({ source: id, sourceLayer: key });
          mine.state = null;
        }
        gd.dataset["tiles" + key.charAt(0).toUpperCase() + key.slice(1)] = String(mine.state ? mine.state.changed : 0);
      }
    });
  }

  // A layer whose tiles hold an aggregate below a zoom (the grids' parents): the page's legend
  // shows the classes of what the map draws at its zoom (assets/gridops.css).
  function overviewLegend(map, below) {
    var mark = function () {
      document.documentElement.dataset.mapOverview = map.getZoom() < below ? "1" : "0";
    };
    if (!map.__gridopsOverview) {
      map.__gridopsOverview = true;
      map.on("zoom", mark);
    }
    mark();
  }

  function attach() {
    document.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
      if (gd.__gridopsTilesBound || !gd.on) return;
      gd.__gridopsTilesBound = true;
      gd.on("plotly_afterplot", function () { sync(gd); });
      sync(gd);
    });
  }

  setInterval(attach, 400);

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    gridops_tiles: {
      // The store of a map's tiled layers changed: keep it on the graph, and apply it now if the
      // map is drawn (else when it is: plotly_afterplot).
      apply: function (specs, graphId) {
        SPECS[graphId] = specs || {};
        var host = document.getElementById(graphId);
        var gd = host && (host.classList.contains("js-plotly-plot") ? host : host.querySelector(".js-plotly-plot"));
        if (gd && gd.__gridopsTilesBound) sync(gd);
      },
    },
  });
})();

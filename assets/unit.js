/* Drill-down page (/unit/<code>): moving between units without a server round trip.
 *
 * The page's own Location ("unit-nav", refresh=False) holds the unit. Pointing its href at
 * another /unit/<code> pushes a history entry and the page renders that unit in place; the
 * frame, the map and the charts stay mounted. Back and Forward (popstate) move it too.
 */
(function () {
  const NAV = "unit-nav";
  const MAP = "unit-map";
  const HOLD_MS = 3000;

  /* Without a GPU (thin clients, virtual desktops, this project's headless test browser) every map
     frame costs a read-back of the whole WebGL canvas: 60–100 ms at 1060 x 660 px. While a new
     unit's sources load, MapLibre would draw a partial frame each time a tile arrives, 4–6 of them.
     From a move to another unit until its sources are all in and its labels placed (at most
     HOLD_MS), the map keeps the last picture and paints nothing; the new unit then appears in one
     frame, its labels without the fade-in. Feature-detected: a MapLibre without these internals
     just draws as before. */
  function holdPaint() {
    const gd = document.querySelector("#" + MAP + " .js-plotly-plot");
    const layout = gd && gd._fullLayout;
    const subplot = layout && layout.map && layout.map._subplot;
    const map = subplot && subplot.map;
    const painter = map && map.painter;
    if (!painter || typeof painter.render !== "function" || typeof map.loaded !== "function") {
      return;
    }
    if (!painter.gridopsHold) {
      const hold = {until: 0, loading: false, placing: 0, drawnAt: 0};
      const render = painter.render;
      painter.render = function () {
        if (hold.until) {
          // Loading, or symbol placement (run just before this) wants another frame (twice at most).
          const busy = !map.loaded() || (map._placementDirty && hold.placing++ < 2);
          hold.loading = hold.loading || busy;
          if (busy && performance.now() < hold.until) {
            return undefined;
          }
          if (hold.loading) {  // the new unit's first frame: from here on, paint as usual
            hold.until = 0;
            hold.loading = false;
            hold.drawnAt = performance.now();  // read by bench/click.py
          }
        }
        return render.apply(this, arguments);
      };
      painter.gridopsHold = hold;
      map._fadeDuration = 0;
    }
    painter.gridopsHold.until = performance.now() + HOLD_MS;
    painter.gridopsHold.loading = false;
    painter.gridopsHold.placing = 0;
  }

  window.addEventListener("popstate", holdPaint);

  function codeOf(href) {
    const path = new URL(href || "/", window.location.origin).pathname;
    return path.indexOf("/unit/") === 0 ? decodeURIComponent(path.slice(6)) : null;
  }

  /* Links to other units (breadcrumbs, overdue cases, "back to the district") are real links:
     a plain left click moves the page's Location instead of reloading the app. */
  document.addEventListener("click", function (event) {
    const link = event.target.closest ? event.target.closest("a.unit-link") : null;
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
      return;
    }
    if (!window.dash_clientside || !window.dash_clientside.set_props) {
      return;  // let the browser follow the link
    }
    event.preventDefault();
    holdPaint();
    window.dash_clientside.set_props(NAV, {href: link.getAttribute("href")});
  });

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    unit: {
      /* A sub-unit clicked on the map, or a unit name clicked in the ranking → its URL. */
      navigate: function (clickData, activeCell, href) {
        const noUpdate = window.dash_clientside.no_update;
        const ctx = window.dash_clientside.callback_context;
        const trigger = ctx.triggered.length ? ctx.triggered[0].prop_id : "";
        let code = null;
        if (trigger.endsWith(".clickData") && clickData && clickData.points && clickData.points.length) {
          const data = clickData.points[0].customdata;
          code = Array.isArray(data) ? data[2] : null;
        } else if (trigger.endsWith(".active_cell") && activeCell && activeCell.column_id === "name") {
          code = activeCell.row_id;
          window.scrollTo(0, 0);  // the new unit's map is at the top
        }
        if (!code || code === codeOf(href)) {
          return noUpdate;
        }
        holdPaint();
        return "/unit/" + encodeURIComponent(code) + window.location.search;
      },
      /* #case-<id> in the URL → highlight that row of the grid's case list and scroll to it. */
      reveal: function (_children, _href) {
        const hash = window.location.hash;
        if (hash.indexOf("#case-") !== 0) {
          return window.dash_clientside.no_update;
        }
        setTimeout(function () {
          const row = document.getElementById(hash.slice(1));
          if (!row) {
            return;
          }
          document.querySelectorAll("tr.target").forEach(function (r) { r.classList.remove("target"); });
          row.classList.add("target");
          row.scrollIntoView({block: "center"});
        }, 60);
        return hash;
      },
    },
  });
})();

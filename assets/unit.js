/* Drill-down page: navigation on clicks and scrolling to a linked case, without a server round trip. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  unit: {
    /* A sub-unit clicked on the map, or a unit name clicked in the ranking → its /unit/<code> URL. */
    navigate: function (clickData, activeCell, current) {
      const noUpdate = window.dash_clientside.no_update;
      const ctx = window.dash_clientside.callback_context;
      const trigger = ctx.triggered.length ? ctx.triggered[0].prop_id : "";
      let code = null;
      if (trigger.endsWith(".clickData") && clickData && clickData.points && clickData.points.length) {
        const data = clickData.points[0].customdata;
        code = Array.isArray(data) ? data[2] : null;
      } else if (trigger.endsWith(".active_cell") && activeCell && activeCell.column_id === "name") {
        code = activeCell.row_id;
      }
      if (!code || code === current) {
        return noUpdate;
      }
      return "/unit/" + encodeURIComponent(code) + window.location.search;
    },
    /* #case-<id> in the URL → highlight that row of the grid's case list and scroll it into view. */
    reveal: function (_children, hash) {
      const noUpdate = window.dash_clientside.no_update;
      if (!hash || hash.indexOf("#case-") !== 0) {
        return noUpdate;
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

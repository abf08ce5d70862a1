/* Analysts' workbench (/analyst): the URL always holds the current view, so it can be shared
 * and reproduced. The query string is replaced in place (no history entry per filter change,
 * no page reload). */
(function () {
  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    analyst: {
      remember: function (query, lang) {
        if (typeof query !== "string" || window.location.pathname !== "/analyst") {
          return window.dash_clientside.no_update;
        }
        const search = query + (lang === "en" ? "&lang=en" : "");
        const url = "/analyst" + (search ? "?" + search : "");
        if (url !== window.location.pathname + window.location.search) {
          window.history.replaceState(window.history.state, "", url);
        }
        return url;
      },
      // A box or lasso drawn on the map, as the server needs it: its outline only. Plotly's
      // selection also lists every point inside, which over a city's cases is megabytes.
      selection: function (selected) {
        if (!selected || (!selected.range && !selected.lassoPoints)) {
          return window.dash_clientside.no_update;
        }
        return { range: selected.range || null, lassoPoints: selected.lassoPoints || null };
      },
    },
  });
})();

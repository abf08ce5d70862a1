/* The one map: a click on a checkpoint marker opens that checkpoint's view (/checkpoint/<id>).
   The ids travel once, with the trace (its meta), never with each refresh's colours. */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  gridops_map: {
    open_checkpoint: function (click, figure) {
      var p = click && click.points && click.points[0];
      var trace = p && figure && figure.data && figure.data[p.curveNumber];
      if (trace && trace.name === "checkpoints" && trace.meta && trace.meta.ids) {
        var id = trace.meta.ids[p.pointNumber];
        if (id !== undefined) {
          var lang = new URLSearchParams(window.location.search).get("lang");
          window.location.assign("/checkpoint/" + id + (lang ? "?lang=" + encodeURIComponent(lang) : ""));
        }
      }
      return window.dash_clientside.no_update;
    }
  }
});

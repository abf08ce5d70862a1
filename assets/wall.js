/* Wall display: the clock, the blink of newly overdue cases and the pulse of escalated ones, in the browser (no server trip). */
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  wall: {
    tick: function (n, config) {
      var lang = (config && config.lang) || "zh";
      var now = new Date();
      var gd = document.querySelector("#wall-map .js-plotly-plot");
      if (gd && gd.data && window.Plotly) {
        for (var i = 0; i < gd.data.length; i++) {
          var tr = gd.data[i];
          if (tr.name === "flash" && tr.lon && tr.lon.length) {
            window.Plotly.restyle(gd, {"marker.opacity": n % 2 ? 0.2 : 0.95}, [i]);
          }
          /* Escalated cases pulse: the marker swells and fades, then comes back (sizes in the trace's meta). */
          if (tr.name === "escalated" && tr.lon && tr.lon.length && tr.meta && tr.meta.pulse) {
            window.Plotly.restyle(gd, {"marker.size": tr.meta.pulse[n % 2], "marker.opacity": n % 2 ? 0.5 : 0.95}, [i]);
          }
        }
      }
      var opts = {timeZone: "Asia/Shanghai", hour12: false};
      var date = now.toLocaleDateString(lang === "en" ? "en-GB" : "zh-CN",
        Object.assign({year: "numeric", month: "long", day: "numeric", weekday: "long"}, opts));
      var time = now.toLocaleTimeString("zh-CN", Object.assign({hour: "2-digit", minute: "2-digit", second: "2-digit"}, opts));
      return [date + " ", time];
    },
    screen: function () {
      return window.innerWidth || 1920;
    }
  }
});

/* A case on the wall (ticker, urgent list) opens its case view: one listener for the whole page. */
document.addEventListener("click", function (event) {
  var el = event.target.closest && event.target.closest(".wall [data-case]");
  if (el) { window.location.href = "/case/" + el.getAttribute("data-case"); }
});

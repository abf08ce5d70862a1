/* The push stream's client (docs/refresh.md): a live page refreshes as soon as data in its scope changes.

   On a page with a refresh tick it asks the app for a ticket (GET /events/ticket), opens the events
   server's stream (push/server.py) and, on each "change", fires the page's tick at once: the same
   refresh the interval runs (callbacks/refresh.py), one at a time; a change that arrives while one
   runs fires one more after it. While the stream is open the interval only ticks slowly (for what
   time alone changes); when the stream fails or says "down", the interval goes back to the page's own
   and a fresh ticket is asked for after a growing pause. */
(function () {
  "use strict";
  // The live pages' ticks (ids.py: MAP_TICK, UNIT_TICK, WALL_TICK, WORK_TICK).
  var TICKS = ["onemap-tick", "unit-tick", "wall-tick", "work-tick"];
  var SLOW_MS = 60000;        // the interval while the stream is open
  var GAP_MS = 1000;          // at most one pushed refresh a second
  var WAIT_MS = 100;          // how often a waiting change looks whether it may go
  var NO_STORE_WAIT_MS = 1500; // without the renderer's state: a refresh counts as running this long
  var BACKOFF_MS = [1000, 2000, 5000, 10000, 30000];

  // What the stream is doing (read by the tests and the benchmark).
  var state = window.gridopsPush = {connected: false, url: null, changes: 0, fired: 0};
  var source = null;
  var started = false;
  var failures = 0;
  var pending = false;
  var waiting = null;
  var firedAt = 0;
  var own = {};  // tick id → the interval its page set

  function api() { return window.dash_component_api; }
  function setProps(id, props) { window.dash_clientside.set_props(id, props); }

  function props(id) {
    try {
      var found = api() && api().getLayout(id);
      return found && found.props;
    } catch (e) {
      return undefined;
    }
  }

  function present() {
    return TICKS.filter(function (id) { return props(id) !== undefined; });
  }

  // Is a refresh running or waiting to run? The renderer's own list of pending callbacks says so.
  function running(ids) {
    var stores = window.dash_stores;
    if (!stores || !stores.length) { return Date.now() - firedAt < NO_STORE_WAIT_MS; }
    for (var s = 0; s < stores.length; s++) {
      var callbacks = stores[s].getState().callbacks || {};
      for (var key in callbacks) {
        if (key === "stored" || key === "completed" || !Array.isArray(callbacks[key])) { continue; }
        var list = callbacks[key];
        for (var i = 0; i < list.length; i++) {
          var inputs = (list[i].callback && list[i].callback.inputs) || [];
          for (var j = 0; j < inputs.length; j++) {
            if (inputs[j].property === "n_intervals" && ids.indexOf(inputs[j].id) >= 0) { return true; }
          }
        }
      }
    }
    return false;
  }

  function fire() {
    var ids = present();
    if (!ids.length) { pending = false; return; }
    if (running(ids) || Date.now() - firedAt < GAP_MS) {
      if (!waiting) { waiting = setTimeout(function () { waiting = null; fire(); }, WAIT_MS); }
      return;
    }
    pending = false;
    firedAt = Date.now();
    state.fired += 1;
    ids.forEach(function (id) { setProps(id, {n_intervals: (props(id).n_intervals || 0) + 1}); });
  }

  function changed() {
    state.changes += 1;
    pending = true;
    fire();
  }

  // The interval of each tick on the page: slow while the stream is open, the page's own otherwise.
  function pace() {
    present().forEach(function (id) {
      var now = props(id).interval;
      if (state.connected) {
        if (now !== SLOW_MS && now < SLOW_MS) {
          own[id] = now;
          setProps(id, {interval: SLOW_MS});
        }
      } else if (own[id] && now === SLOW_MS) {
        setProps(id, {interval: own[id]});
      }
    });
  }

  function lost() {
    if (source) { source.close(); source = null; }
    var was = state.connected;
    state.connected = false;
    pace();
    if (was) { changed(); }  // whatever happened since the last event is read by a tick now
    var pause = BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)];
    failures += 1;
    setTimeout(connect, pause + Math.random() * pause / 2);
  }

  function connect() {
    fetch("/events/ticket", {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (r) {
        if (!r.ok) { throw new Error("ticket: HTTP " + r.status); }
        return r.json();
      })
      .then(function (t) {
        state.url = t.url;
        var es = new EventSource(t.url + (t.url.indexOf("?") < 0 ? "?" : "&") + "ticket=" + encodeURIComponent(t.ticket));
        source = es;
        es.addEventListener("open", function () {
          if (source !== es) { return; }
          failures = 0;
          state.connected = true;
          pace();
          changed();  // what changed before the stream opened
        });
        es.addEventListener("change", function () { if (source === es) { changed(); } });
        es.addEventListener("down", function () { if (source === es) { lost(); } });
        es.addEventListener("ended", function () { if (source === es) { lost(); } });
        es.onerror = function () { if (source === es) { lost(); } };
      })
      .catch(function () { lost(); });
  }

  // Pages are drawn by the renderer after this script runs, and a page may be left for another
  // without a reload: look once a second for ticks to drive and intervals to set.
  setInterval(function () {
    if (!window.dash_clientside || !window.dash_clientside.set_props || !api()) { return; }
    if (!started) {
      if (!present().length) { return; }
      started = true;
      connect();
    }
    pace();
    if (pending) { fire(); }
  }, 1000);
})();

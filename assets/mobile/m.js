/* /m: fill in the report's (or the inspection's) place from the browser's geolocation (WGS84),
   and say how it went; on the list of checkpoints due, ask once for the place and list them
   nearest first. Every form works without this script. */
(function () {
  var due = document.getElementById("m-due");
  if (!due || due.getAttribute("data-located") || !navigator.geolocation) return;
  navigator.geolocation.getCurrentPosition(function (p) {
    var url = new URL(window.location.href);
    url.searchParams.set("lon", p.coords.longitude.toFixed(6));
    url.searchParams.set("lat", p.coords.latitude.toFixed(6));
    window.location.replace(url.toString());
  }, function () {}, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
})();
(function () {
  var box = document.getElementById("m-place");
  var lon = document.getElementById("m-lon");
  var lat = document.getElementById("m-lat");
  if (!box || !lon || !lat) return;
  function shown(p) {
    box.textContent = p.coords.latitude.toFixed(5) + ", " + p.coords.longitude.toFixed(5) +
      " (±" + Math.round(p.coords.accuracy) + " m)";
    box.className = "place ok";
  }
  if (lon.value && lat.value) { box.textContent = lat.value + ", " + lon.value; box.className = "place ok"; return; }
  if (!navigator.geolocation) return;
  box.textContent = box.getAttribute("data-locating");
  navigator.geolocation.getCurrentPosition(function (p) {
    lon.value = p.coords.longitude.toFixed(7);
    lat.value = p.coords.latitude.toFixed(7);
    shown(p);
  }, function () {
    box.textContent = box.getAttribute("data-none");
  }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
})();

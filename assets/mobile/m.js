/* /m: fill in the report's place from the browser's geolocation (WGS84), and say how it went.
   The form works without this script: the grid's centre can be ticked instead. */
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

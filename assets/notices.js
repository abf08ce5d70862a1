/* The notification centre's list closes on a click outside it and on Escape (one listener each for
   the whole page: the header is rebuilt with every page, the listeners are not). */
document.addEventListener("click", function (event) {
  var open = document.querySelector(".notice-centre[open]");
  if (open && !open.contains(event.target)) { open.removeAttribute("open"); }
});
document.addEventListener("keydown", function (event) {
  var open = document.querySelector(".notice-centre[open]");
  if (open && event.key === "Escape") { open.removeAttribute("open"); }
});

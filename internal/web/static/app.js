// Small progressive enhancements; every page works without them.
"use strict";
document.addEventListener("submit", function (e) {
  var form = e.target;
  var msg = form.getAttribute("data-confirm");
  if (msg && !window.confirm(msg)) {
    e.preventDefault();
  }
});
// Close other open action menus when one opens.
document.addEventListener("toggle", function (e) {
  var d = e.target;
  if (d.tagName !== "DETAILS" || !d.open || !d.closest(".row-actions")) return;
  document.querySelectorAll(".row-actions details[open]").forEach(function (o) { if (o !== d) o.open = false; });
}, true);

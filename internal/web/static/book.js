// The class book: a print button (the page prints without it, with Ctrl+P).
"use strict";
document.addEventListener("click", function (e) {
  if (e.target.closest && e.target.closest("[data-print]")) window.print();
});

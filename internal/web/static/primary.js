// The primary book's pages: the print button (Ctrl+P prints the same).
"use strict";
document.addEventListener("click", function (e) {
  if (e.target.closest && e.target.closest("[data-print]")) window.print();
});

// idnsafe review page: small enhancements only; every page works without
// this script. Loaded from this server (the CSP allows nothing else).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Buttons with data-confirm ask before they send their form.
  document.querySelectorAll("button[data-confirm]").forEach(function (b) {
    b.addEventListener("click", function (ev) {
      if (!window.confirm(b.getAttribute("data-confirm"))) ev.preventDefault();
    });
  });
  // "/" focuses the name search box, as in many search pages.
  var q = document.getElementById("q");
  document.addEventListener("keydown", function (ev) {
    if (q && ev.key === "/" && document.activeElement && document.activeElement.tagName !== "INPUT" &&
        document.activeElement.tagName !== "TEXTAREA") {
      ev.preventDefault();
      q.focus();
    }
  });
});

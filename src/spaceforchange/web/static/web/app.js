/* Space for Change: small progressive enhancements. Every page works without this file. */
(function () {
  "use strict";
  var root = document.documentElement;
  // The stylesheet shows the navigation in full while this class is absent (no JavaScript).
  root.classList.remove("no-js");
  root.classList.add("sfc-js");

  function menus() {
    return document.querySelectorAll("details[data-sfc-menu][open]");
  }

  // Close an open toolbar menu on Escape or a click elsewhere, as people expect of a menu.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    menus().forEach(function (menu) {
      menu.removeAttribute("open");
      var summary = menu.querySelector("summary");
      if (summary && menu.contains(document.activeElement)) summary.focus();
    });
  });
  document.addEventListener("click", function (event) {
    menus().forEach(function (menu) {
      if (!menu.contains(event.target)) menu.removeAttribute("open");
    });
  });
})();

// Small, framework-free behaviour. The pages work without it.
(function () {
  "use strict";

  // Off-canvas section menu for phones: aria-expanded, focus moves in and back, Escape closes.
  function setUpMenu() {
    var button = document.querySelector(".menu-button");
    var menu = document.getElementById("site-menu");
    if (!button || !menu) return;
    var closeButton = menu.querySelector(".menu-close");

    function open() {
      menu.classList.add("is-open");
      button.setAttribute("aria-expanded", "true");
      var first = menu.querySelector(".menu-close") || menu.querySelector("a");
      if (first) first.focus();
    }
    function close(returnFocus) {
      if (!menu.classList.contains("is-open")) return;
      menu.classList.remove("is-open");
      button.setAttribute("aria-expanded", "false");
      if (returnFocus) button.focus();
    }
    button.addEventListener("click", function () {
      if (menu.classList.contains("is-open")) close(true); else open();
    });
    if (closeButton) closeButton.addEventListener("click", function () { close(true); });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") close(true);
    });
    document.addEventListener("click", function (event) {
      if (menu.classList.contains("is-open") && !menu.contains(event.target) && !button.contains(event.target)) close(false);
    });
  }

  // One view beacon per article page load; no cookies, nothing personal.
  function sendViewBeacon() {
    var article = document.querySelector("[data-view-beacon]");
    if (!article || !navigator.sendBeacon) return;
    navigator.sendBeacon(article.getAttribute("data-view-beacon"));
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpMenu();
    sendViewBeacon();
  });
})();

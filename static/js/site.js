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
    // While open the drawer is modal (the page behind is dimmed): Tab and Shift+Tab go
    // round its own controls, and focus that still lands outside it closes it.
    function focusable() {
      return Array.prototype.filter.call(
        menu.querySelectorAll("a[href], button:not([disabled]), input:not([disabled]), select, textarea, [tabindex]:not([tabindex='-1'])"),
        function (element) { return element.offsetWidth || element.offsetHeight || element.getClientRects().length; }
      );
    }
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") close(true);
      if (event.key !== "Tab" || !menu.classList.contains("is-open")) return;
      var controls = focusable();
      if (!controls.length) return;
      var first = controls[0], last = controls[controls.length - 1];
      if (event.shiftKey && (document.activeElement === first || !menu.contains(document.activeElement))) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (document.activeElement === last || !menu.contains(document.activeElement))) {
        event.preventDefault();
        first.focus();
      }
    });
    document.addEventListener("focusin", function (event) {
      if (menu.classList.contains("is-open") && !menu.contains(event.target) && !button.contains(event.target)) close(false);
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

  // The date bar is rendered on the server; a page kept by a cache or CDN past midnight
  // still shows today's date in the newsroom's time zone.
  function refreshDateBar() {
    var bar = document.querySelector(".topbar__date[data-time-zone]");
    if (!bar || !window.Intl) return;
    try {
      bar.textContent = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
        weekday: "long", year: "numeric", month: "long", day: "numeric",
        timeZone: bar.getAttribute("data-time-zone")
      }).format(new Date());
    } catch (error) { /* unknown time zone name: keep the server's date */ }
  }

  // "3 hours ago" is written when the page is rendered, and a cache may keep the page for
  // a while: each <time data-ago> says it afresh, in the page's language, from the exact
  // moment it carries (the server's words stay for the first minute, or without Intl).
  var AGO_UNITS = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400],
    ["hour", 3600], ["minute", 60]];
  function refreshTimesAgo() {
    if (!window.Intl || !Intl.RelativeTimeFormat) return;
    var format;
    try {
      format = new Intl.RelativeTimeFormat(document.documentElement.lang || undefined, { numeric: "always" });
    } catch (error) { return; }
    var now = Date.now();
    document.querySelectorAll("time[data-ago][datetime]").forEach(function (time) {
      var seconds = (now - Date.parse(time.getAttribute("datetime"))) / 1000;
      if (!(seconds >= 60)) return;
      for (var i = 0; i < AGO_UNITS.length; i++) {
        var count = Math.floor(seconds / AGO_UNITS[i][1]);
        if (count >= 1) {
          time.textContent = format.format(-count, AGO_UNITS[i][0]);
          return;
        }
      }
    });
  }

  // Embeds are facades (templates/includes/blocks/embed.html): nothing is requested from the
  // provider until the reader presses the button; then its player loads in a sandboxed
  // iframe in place of the facade. Without JavaScript the plain link below stays.
  function setUpEmbeds() {
    document.querySelectorAll("[data-embed] .embed__load").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var frame = document.createElement("iframe");
        frame.className = "embed__frame";
        frame.src = button.getAttribute("data-embed-player");
        frame.title = button.getAttribute("data-embed-title");
        frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-presentation");
        frame.setAttribute("allow", "autoplay; encrypted-media; fullscreen; picture-in-picture");
        frame.setAttribute("referrerpolicy", "strict-origin-when-cross-origin");
        frame.setAttribute("allowfullscreen", "");
        var facade = button.closest(".embed__facade");
        facade.replaceWith(frame);
        frame.focus();
      });
    });
  }

  // The breaking-news banner: hidden once the reader dismissed this version of it (kept in
  // localStorage, never in a cookie: pages stay cacheable for everyone) and at its expiry,
  // also in a copy a browser kept or a tab left open.
  function setUpBreakingNews() {
    var banner = document.querySelector("[data-breaking]");
    if (!banner) return;
    var version = banner.getAttribute("data-breaking");
    var left = Date.parse(banner.getAttribute("data-expires")) - Date.now();
    var dismissed = null;
    try { dismissed = window.localStorage.getItem("breaking-dismissed"); } catch (error) { /* storage off */ }
    if (dismissed === version || !(left > 0)) { banner.hidden = true; return; }
    if (left < 86400000) window.setTimeout(function () { banner.hidden = true; }, left);
    var button = banner.querySelector(".breaking__close");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      banner.hidden = true;
      try { window.localStorage.setItem("breaking-dismissed", version); } catch (error) { /* storage off */ }
      var main = document.getElementById("main");
      if (main) main.focus();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpBreakingNews();
    refreshDateBar();
    refreshTimesAgo();
    setUpEmbeds();
    setUpMenu();
    sendViewBeacon();
  });
})();

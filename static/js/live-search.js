// Live results under the header search box: the top few hits after a short pause in typing.
// An ARIA combobox with a listbox popup; without this script the form simply submits.
(function () {
  "use strict";

  var DELAY_MS = 250;
  var MIN_CHARACTERS = 2;

  function setUp(input) {
    var form = input.form;
    var endpoint = input.getAttribute("data-live-search");
    var popup = document.createElement("div");
    var listbox = document.createElement("ul");
    var status = document.createElement("p");
    var timer = null;
    var request = null;
    var shownQuery = "";
    var active = -1;

    listbox.id = input.id + "-listbox";
    listbox.className = "live-search__list";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", input.getAttribute("data-live-search-label") || "");
    popup.className = "live-search";
    popup.hidden = true;
    popup.appendChild(listbox);
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    form.appendChild(popup);
    form.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);

    function options() {
      return Array.prototype.filter.call(listbox.querySelectorAll("[role=option]"), function (option) {
        return option.getAttribute("aria-disabled") !== "true";
      });
    }

    function open() {
      if (!listbox.children.length) return;
      popup.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function close() {
      popup.hidden = true;
      input.setAttribute("aria-expanded", "false");
      highlight(-1);
    }

    function highlight(index) {
      var all = options();
      active = index;
      all.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === index ? "true" : "false");
        option.classList.toggle("is-active", i === index);
      });
      if (index >= 0 && all[index]) {
        input.setAttribute("aria-activedescendant", all[index].id);
        all[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function show(html, query) {
      listbox.innerHTML = html;
      Array.prototype.forEach.call(listbox.querySelectorAll("[role=option]"), function (option, i) {
        option.id = listbox.id + "-" + i;
      });
      shownQuery = query;
      active = -1;
      // The words come with the results, in the page's language.
      status.textContent = listbox.querySelector("[data-status]").getAttribute("data-status");
      open();
    }

    function fetchResults(query) {
      if (request) request.abort();
      request = new AbortController();
      var url = new URL(endpoint, window.location.href);
      url.searchParams.set("q", query);
      fetch(url, { signal: request.signal, headers: { Accept: "text/html" } })
        .then(function (response) {
          if (!response.ok) throw new Error("Search failed: " + response.status);
          return response.text();
        })
        .then(function (html) {
          if (input.value.trim() === query) show(html, query);
        })
        .catch(function (error) {
          if (error.name !== "AbortError") close();
        });
    }

    input.addEventListener("input", function () {
      var query = input.value.trim();
      window.clearTimeout(timer);
      if (query.length < MIN_CHARACTERS) {
        if (request) request.abort();
        listbox.innerHTML = "";
        shownQuery = "";
        close();
        return;
      }
      timer = window.setTimeout(function () { fetchResults(query); }, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      var all = options();
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!all.length) return;
        event.preventDefault();
        if (popup.hidden) open();
        var step = event.key === "ArrowDown" ? 1 : -1;
        var next = active < 0 && step < 0 ? all.length - 1 : (active + step + all.length) % all.length;
        highlight(next);
      } else if (event.key === "Enter") {
        var link = !popup.hidden && all[active] && all[active].querySelector("a");
        if (link) {
          event.preventDefault();
          window.location.assign(link.href);
        }
      } else if (event.key === "Escape" && !popup.hidden) {
        event.preventDefault();
        event.stopPropagation();
        close();
      }
    });

    input.addEventListener("focus", function () {
      if (shownQuery && input.value.trim() === shownQuery) open();
    });

    // Keep the focus in the box while a result is clicked, so the popup stays until it opens.
    popup.addEventListener("mousedown", function (event) { event.preventDefault(); });

    form.addEventListener("focusout", function (event) {
      if (!form.contains(event.relatedTarget)) close();
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("input[data-live-search]"), setUp);
  });
})();

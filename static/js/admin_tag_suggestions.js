// Tag suggestions: while a name is typed in the article form's tag field (names separated by
// commas), the tags this writer may know of that match it are listed below; arrow keys and
// Enter, or a click, put one in place of what was typed. Without this script the field is the
// plain comma-separated text it always was.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var input = document.querySelector("input[data-tag-suggestions]");
  if (!input || !window.fetch) return;
  var url = input.getAttribute("data-tag-suggestions");
  var list = document.createElement("ul");
  list.id = input.id + "_suggestions";
  list.className = "tag-suggestions";
  list.setAttribute("role", "listbox");
  list.setAttribute("aria-label", input.getAttribute("data-label-suggestions") || "");
  list.hidden = true;
  input.insertAdjacentElement("afterend", list);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");
  var active = -1;
  var timer = null;
  var asked = 0;

  function current() {
    // The name being typed: after the last comma (or the whole text).
    var value = input.value;
    var cut = value.lastIndexOf(",") + 1;
    return { head: value.slice(0, cut), term: value.slice(cut).trim() };
  }

  function close() {
    list.hidden = true;
    list.textContent = "";
    active = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function choose(name) {
    var part = current();
    var quoted = name.indexOf(",") >= 0 ? '"' + name.replace(/"/g, "") + '"' : name;
    input.value = (part.head ? part.head.replace(/\s*$/, " ") : "") + quoted + ", ";
    close();
    input.focus();
    input.dispatchEvent(new Event("input", { bubbles: true }));  // autosave, unsaved warning
  }

  function highlight(index) {
    var items = list.querySelectorAll("[role=option]");
    if (!items.length) return;
    active = (index + items.length) % items.length;
    items.forEach(function (item, i) { item.setAttribute("aria-selected", i === active ? "true" : "false"); });
    input.setAttribute("aria-activedescendant", items[active].id);
  }

  function show(names) {
    close();
    if (!names.length) return;
    names.forEach(function (name, i) {
      var item = document.createElement("li");
      item.id = list.id + "_" + i;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", "false");
      item.textContent = name;
      item.addEventListener("mousedown", function (event) {
        event.preventDefault();  // keep the focus in the field
        choose(name);
      });
      list.appendChild(item);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function ask() {
    var term = current().term;
    if (term.length < 1) { close(); return; }
    var number = ++asked;
    fetch(url + "?q=" + encodeURIComponent(term), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : { results: [] }; })
      .then(function (data) {
        if (number === asked && current().term === term) show(data.results || []);
      })
      .catch(close);
  }

  input.addEventListener("input", function (event) {
    if (!event.isTrusted) return;
    window.clearTimeout(timer);
    timer = window.setTimeout(ask, 200);
  });
  input.addEventListener("keydown", function (event) {
    if (list.hidden) return;
    var items = list.querySelectorAll("[role=option]");
    if (event.key === "ArrowDown") {
      highlight(active + 1);
    } else if (event.key === "ArrowUp") {
      highlight(active - 1);
    } else if (event.key === "Enter" && active >= 0) {
      choose(items[active].textContent);
    } else if (event.key === "Escape") {
      close();
    } else {
      return;
    }
    event.preventDefault();
  });
  input.addEventListener("blur", function () { window.setTimeout(close, 100); });
});

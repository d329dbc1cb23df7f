// A front page's slots in the admin: drag a row, or use its Up and Down buttons (keyboard),
// to change the order; the hidden position fields follow the rows' order. The first row is
// the lead story. Without JavaScript the positions are saved as they were.
(function () {
  "use strict";

  function rows(group) {
    return Array.prototype.filter.call(
      group.querySelectorAll("tbody tr.form-row"),
      function (row) { return !row.classList.contains("empty-form"); }
    );
  }

  // Rows with an article chosen are numbered in their order; an empty extra row keeps its
  // value, so that Django sees it unchanged and does not ask for an article.
  function renumber(group) {
    var index = 0;
    rows(group).forEach(function (row) {
      var input = row.querySelector("input[data-slot-position]");
      var article = row.querySelector("select[name$='-article']");
      var label = row.querySelector(".slot-order__place");
      if (!article || !article.value) {
        if (input) input.value = input.defaultValue;
        if (label) label.textContent = "";
        return;
      }
      if (input) input.value = index;
      if (label) label.textContent = index === 0 ? group.dataset.leadLabel : String(index + 1);
      index += 1;
    });
  }

  function announce(group, row) {
    var status = group.querySelector(".slot-order__status");
    var place = row.querySelector(".slot-order__place");
    if (status && place) status.textContent = group.dataset.movedLabel + " " + place.textContent;
  }

  function move(group, row, step) {
    var all = rows(group);
    var index = all.indexOf(row) + step;
    if (index < 0 || index >= all.length) return;
    if (step < 0) all[index].parentNode.insertBefore(row, all[index]);
    else all[index].parentNode.insertBefore(row, all[index].nextSibling);
    renumber(group);
    announce(group, row);
  }

  function button(text, label, onClick) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "slot-order__button";
    element.textContent = text;
    element.setAttribute("aria-label", label);
    element.addEventListener("click", onClick);
    return element;
  }

  // Each cell named by its column's heading, for the narrow screens where the rows are
  // stacked and the headings hidden (static/css/admin_slots.css).
  function label(group, row) {
    var headings = group.querySelectorAll("thead th");
    Array.prototype.forEach.call(row.cells, function (cell, index) {
      var heading = headings[index];
      var text = heading ? heading.textContent.trim() : "";
      if (text) cell.dataset.label = text;
    });
  }

  function equip(group, row) {
    label(group, row);
    if (row.querySelector(".slot-order")) return;
    var cell = row.querySelector("td.field-article") || row.cells[0];
    if (!cell) return;
    var box = document.createElement("span");
    box.className = "slot-order";
    var place = document.createElement("span");
    place.className = "slot-order__place";
    box.appendChild(place);
    box.appendChild(button("↑", group.dataset.upLabel, function (event) {
      move(group, row, -1);
      event.currentTarget.focus();
    }));
    box.appendChild(button("↓", group.dataset.downLabel, function (event) {
      move(group, row, 1);
      event.currentTarget.focus();
    }));
    cell.insertBefore(box, cell.firstChild);
    row.draggable = true;
    row.addEventListener("dragstart", function (event) {
      group.dragged = row;
      row.classList.add("is-dragged");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", "");
    });
    row.addEventListener("dragend", function () {
      row.classList.remove("is-dragged");
      group.dragged = null;
      renumber(group);
    });
    row.addEventListener("dragover", function (event) {
      var dragged = group.dragged;
      if (!dragged || dragged === row) return;
      event.preventDefault();
      var box = row.getBoundingClientRect();
      var after = event.clientY > box.top + box.height / 2;
      row.parentNode.insertBefore(dragged, after ? row.nextSibling : row);
    });
    row.addEventListener("drop", function (event) {
      event.preventDefault();
      renumber(group);
      if (group.dragged) announce(group, group.dragged);
    });
  }

  function setUp(group) {
    var status = document.createElement("p");
    status.className = "slot-order__status";
    status.setAttribute("role", "status");
    group.appendChild(status);
    rows(group).forEach(function (row) { equip(group, row); });
    renumber(group);
    var form = group.closest("form");
    if (form) form.addEventListener("submit", function () { renumber(group); });
    group.addEventListener("change", function () { renumber(group); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var group = document.getElementById("slots-group");
    if (!group) return;
    // The words, translated, from templates/admin/articles/front/change_form.html.
    var words = (document.getElementById("slot-order-words") || {}).dataset || {};
    group.dataset.leadLabel = words.lead || "Lead";
    group.dataset.upLabel = words.up || "Move up";
    group.dataset.downLabel = words.down || "Move down";
    group.dataset.movedLabel = words.moved || "Moved to";
    setUp(group);
    document.addEventListener("formset:added", function (event) {
      var row = event.target;
      if (row && group.contains(row)) {
        equip(group, row);
        renumber(group);
      }
    });
  });
})();

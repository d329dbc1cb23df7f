// The byline's names in the order the desk wants them: drag a name, or focus it and press an
// arrow key, to move it. The order of the chosen options in the select is what the form sends
// (articles/bylines.py keeps it); Select2 draws its chips in that order.
"use strict";
(function () {
  function options(select) {
    return Array.from(select.options).filter(function (option) { return option.selected; });
  }

  function move(select, id, before) {
    var chosen = options(select);
    var moving = chosen.find(function (option) { return option.value === id; });
    if (!moving) return;
    if (before === null) {
      select.appendChild(moving);
    } else if (before !== moving) {
      select.insertBefore(moving, before);
    }
    window.django.jQuery(select).trigger("change");
  }

  function chipId(chip) {
    var data = window.django.jQuery(chip).data("data");
    return data ? String(data.id) : null;
  }

  function decorate(select, list) {
    var chips = Array.from(list.querySelectorAll(".select2-selection__choice"));
    chips.forEach(function (chip, index) {
      if (chip.dataset.byline) return;
      chip.dataset.byline = "1";
      chip.draggable = true;
      chip.tabIndex = 0;
      chip.setAttribute("aria-describedby", select.id + "_helptext");  // how to move it
      chip.addEventListener("dragstart", function (event) {
        event.dataTransfer.setData("text/plain", chipId(chip) || "");
        event.dataTransfer.effectAllowed = "move";
      });
      chip.addEventListener("dragover", function (event) { event.preventDefault(); });
      chip.addEventListener("drop", function (event) {
        event.preventDefault();
        var id = event.dataTransfer.getData("text/plain");
        var target = options(select).find(function (option) { return option.value === chipId(chip); });
        if (id && target) move(select, id, target);
      });
      chip.addEventListener("keydown", function (event) {
        var id = chipId(chip);
        var chosen = options(select);
        var at = chosen.findIndex(function (option) { return option.value === id; });
        if (event.key === "ArrowLeft" || event.key === "ArrowUp") {
          if (at > 0) move(select, id, chosen[at - 1]);
        } else if (event.key === "ArrowRight" || event.key === "ArrowDown") {
          if (at < chosen.length - 1) move(select, id, chosen[at + 2] || null);
        } else {
          return;
        }
        event.preventDefault();
        event.stopPropagation();
        // Select2 draws the chips again: keep the focus on the name that moved.
        var again = Array.from(list.querySelectorAll(".select2-selection__choice")).find(
          function (other) { return chipId(other) === id; });
        if (again) again.focus();
      });
    });
  }

  function setUp() {
    document.querySelectorAll("select[name=authors].admin-autocomplete").forEach(function (select) {
      var container = select.nextElementSibling;
      var list = container && container.querySelector(".select2-selection__rendered");
      if (!list || !window.django || !window.django.jQuery) return;
      decorate(select, list);
      new MutationObserver(function () { decorate(select, list); }).observe(list, { childList: true });
    });
  }

  if (document.readyState === "complete") {
    setUp();
  } else {
    window.addEventListener("load", setUp);
  }
})();

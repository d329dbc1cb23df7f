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

  function chipId(select, list, chip) {
    // Select2 keeps a chip's data in a store of its own, not in jQuery's data; its chips
    // stand in the order of the chosen options, so a chip's place names its option.
    var chips = Array.from(list.querySelectorAll(".select2-selection__choice"));
    var option = options(select)[chips.indexOf(chip)];
    return option ? option.value : null;
  }

  // The name just moved with a key, while Select2 draws the chips again: at once for the
  // change event, and once more when its own observer of the select sees the options move.
  // Each drawing replaces the focused chip, so the focus goes back to that name as soon as a
  // drawing is done (observers run before the next key is handled), until the moment passes.
  var moved = null;

  function focusChip(select, list, id) {
    decorate(select, list);  // the new chips may not be focusable yet: observers run later
    // Only a focus the drawing took away (a removed chip leaves it on the page) comes back:
    // never one the editor has since moved elsewhere, with Tab or a click.
    if (document.activeElement && document.activeElement !== document.body) return;
    var chip = Array.from(list.querySelectorAll(".select2-selection__choice")).find(
      function (other) { return chipId(select, list, other) === id; });
    if (chip) chip.focus();
  }

  function decorate(select, list) {
    var chips = Array.from(list.querySelectorAll(".select2-selection__choice"));
    chips.forEach(function (chip, index) {
      if (chip.dataset.byline) return;
      chip.dataset.byline = "1";
      chip.draggable = true;
      chip.tabIndex = 0;
      chip.setAttribute("aria-describedby", select.id + "_helptext");  // how to move it
      chip.addEventListener("click", function (event) {
        // A click selects the name, to move it with the arrow keys as the help text says;
        // Select2 would open its list and take the focus to its search field. Its × still
        // removes the name.
        if (event.target.closest(".select2-selection__choice__remove")) return;
        event.stopPropagation();
        chip.focus();
      });
      chip.addEventListener("dragstart", function (event) {
        event.dataTransfer.setData("text/plain", chipId(select, list, chip) || "");
        event.dataTransfer.effectAllowed = "move";
      });
      chip.addEventListener("dragover", function (event) { event.preventDefault(); });
      chip.addEventListener("drop", function (event) {
        event.preventDefault();
        var id = event.dataTransfer.getData("text/plain");
        var target = options(select).find(function (option) { return option.value === chipId(select, list, chip); });
        if (id && target) move(select, id, target);
      });
      chip.addEventListener("keydown", function (event) {
        var id = chipId(select, list, chip);
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
        moved = id;
        focusChip(select, list, id);
        window.setTimeout(function () {
          if (moved === id) moved = null;
          focusChip(select, list, id);
        }, 50);
      });
    });
  }

  function setUp() {
    document.querySelectorAll("select[name=authors].admin-autocomplete").forEach(function (select) {
      var container = select.nextElementSibling;
      var list = container && container.querySelector(".select2-selection__rendered");
      if (!list || !window.django || !window.django.jQuery) return;
      decorate(select, list);
      new MutationObserver(function () {
        decorate(select, list);
        if (moved !== null) focusChip(select, list, moved);
      }).observe(list, { childList: true });
    });
  }

  // After Select2 is started: the admin's autocomplete.js starts it in a jQuery ready
  // handler, which jQuery runs from a timer, at times after the window's load event. A ready
  // handler added from here runs after that one.
  function whenReady() {
    if (window.django && window.django.jQuery) window.django.jQuery(setUp);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", whenReady);
  } else {
    whenReady();
  }
})();

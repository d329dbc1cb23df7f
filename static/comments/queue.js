// The moderation queue: each one-click decision reloads the list, which opened at the top,
// and a keyboard user tabbed down past the filters and every earlier row to go on. The
// queue now opens again on the row below the one just decided (or that row, if it stays
// in the list), its first decision button focused.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var KEY = "newsroom-queue-next";
  var list = document.getElementById("result_list");
  if (!list) return;

  function rowOf(pk) {
    var box = list.querySelector('input.action-select[value="' + pk + '"]');
    return box ? box.closest("tr") : null;
  }
  function pkOf(row) {
    var box = row && row.querySelector("input.action-select");
    return box ? box.value : null;
  }

  list.addEventListener("click", function (event) {
    var button = event.target.closest("button.comment-decision");
    if (!button) return;
    var row = button.closest("tr");
    var next = row.nextElementSibling || row.previousElementSibling;
    try {
      window.sessionStorage.setItem(KEY, JSON.stringify({ path: location.pathname, rows: [pkOf(next), pkOf(row)] }));
    } catch (error) { /* storage off: the list opens at the top, as before */ }
  });

  var wanted = null;
  try {
    wanted = JSON.parse(window.sessionStorage.getItem(KEY) || "null");
    window.sessionStorage.removeItem(KEY);
  } catch (error) { return; }
  if (!wanted || wanted.path !== location.pathname) return;
  var target = wanted.rows.map(function (pk) { return pk && rowOf(pk); }).filter(Boolean)[0];
  if (!target) return;
  var focusable = target.querySelector("button.comment-decision") || target.querySelector("a");
  if (!focusable) return;
  focusable.focus({ preventScroll: true });
  target.scrollIntoView({ block: "center" });
});

// The article form asks before the page is left with changes that were not saved: a closed
// tab, a link, the Back button. Saving (any submit button) leaves without asking.
// Loaded in the admin's <head>, before the form exists.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  const form = document.getElementById("article_form");
  if (!form) return;
  let changed = false;
  let submitting = false;
  const markChanged = function () { changed = true; };
  form.addEventListener("input", markChanged);   // typing, including in the body editor
  form.addEventListener("change", markChanged);  // selects, checkboxes, files, dates
  form.addEventListener("submit", function () { submitting = true; });
  window.addEventListener("beforeunload", function (event) {
    if (changed && !submitting) {
      event.preventDefault();
      event.returnValue = "";  // older browsers need a value to show their dialog
    }
  });
});

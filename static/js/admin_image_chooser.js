// The lead photo chooser (articles/photo_admin.py). Django's lookup popup writes the picked
// photo's id into the field and fires a jQuery "change": the thumbnail beside it then shows
// the previous photo, so it is hidden and the pick announced until the form is saved; and
// the pick counts as an unsaved change (static/js/admin_unsaved.js listens for "input").
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  const input = document.getElementById("id_lead_image");
  const chooser = input && input.closest(".image-chooser");
  if (!chooser || !window.django || !window.django.jQuery) return;
  window.django.jQuery(input).on("change", function () {
    chooser
      .querySelectorAll(".image-chooser__thumbnail, .image-chooser__controls > strong, .image-chooser__warning")
      .forEach(function (element) { element.hidden = true; });
    let note = chooser.querySelector(".image-chooser__picked");
    if (!note) {
      note = document.createElement("p");
      note.className = "image-chooser__picked";
      note.setAttribute("role", "status");
      chooser.querySelector(".image-chooser__controls").append(note);
    }
    note.textContent = input.value ? chooser.dataset.picked.replace("%s", input.value) : "";
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });
});

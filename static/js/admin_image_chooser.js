// The lead photo chooser (articles/photo_admin.py). Django's lookup popup writes the picked
// photo's id into the field and fires a jQuery "change": the thumbnail beside it is then
// replaced by the picked photo's, with its title, caption and credit (the library's photo
// card, the body editor's too); while it loads, or if it cannot, the pick is announced in
// words. The pick counts as an unsaved change (static/js/admin_unsaved.js listens for "input").
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  const input = document.getElementById("id_lead_image");
  const chooser = input && input.closest(".image-chooser");
  if (!chooser || !window.django || !window.django.jQuery) return;

  function show(card) {
    let thumbnail = chooser.querySelector(".image-chooser__thumbnail");
    if (!thumbnail) {
      thumbnail = document.createElement("img");
      thumbnail.className = "image-chooser__thumbnail";
      chooser.prepend(thumbnail);
    }
    thumbnail.src = card.thumbnail;
    thumbnail.alt = card.alt;
    thumbnail.hidden = false;
    const words = [card.title, card.caption, card.credit].filter(Boolean).join(" — ");
    chooser.querySelector(".image-chooser__picked").textContent = words;
  }

  window.django.jQuery(input).on("change", function () {
    chooser
      .querySelectorAll(".image-chooser__thumbnail, .image-chooser__controls > strong, .image-chooser__words, .image-chooser__warning")
      .forEach(function (element) { element.hidden = true; });
    let note = chooser.querySelector(".image-chooser__picked");
    if (!note) {
      note = document.createElement("p");
      note.className = "image-chooser__picked";
      note.setAttribute("role", "status");
      chooser.querySelector(".image-chooser__controls").append(note);
    }
    const id = input.value.trim();
    note.textContent = id ? chooser.dataset.picked.replace("%s", id) : "";
    input.dispatchEvent(new Event("input", { bubbles: true }));
    if (!/^[0-9]+$/.test(id) || !window.fetch) return;
    fetch(chooser.dataset.cardUrl.replace("/0/", "/" + id + "/"), { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (card) { if (card && input.value.trim() === id) show(card); })
      .catch(function () {});  // the words stay
  });
});

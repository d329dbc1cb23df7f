// Who else has this article open: the form asks the server every few seconds (a cache read
// and write there, no database). An editor can take the article over; the person who had it
// sees a note on their next poll, as does anyone whose form is older than a colleague's save.
// Closing the tab says so at once; otherwise an entry that stops asking is gone after a few
// missed polls.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var box = document.querySelector("[data-desk-presence]");
  var form = document.getElementById("article_form");
  if (!box || !form || !window.fetch || !box.getAttribute("data-presence-url")) return;  // a new article: nobody else is in it
  var text = box.querySelector("[data-desk-presence-text]");
  var note = box.querySelector("[data-desk-presence-note]");
  var takeOver = box.querySelector("[data-desk-take-over]");
  var seconds = parseInt(box.getAttribute("data-poll-seconds"), 10) || 10;
  var token = form.querySelector("input[name=csrfmiddlewaretoken]");
  var left = false;

  function label(name, values) {
    return box.getAttribute("data-label-" + name).replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key];
    });
  }

  var version = form.querySelector("input[name=desk_version]");

  function body() {
    var data = new FormData();
    if (token) data.append("csrfmiddlewaretoken", (window.newsroomCsrfToken && window.newsroomCsrfToken()) || token.value);
    if (version) data.append("desk_version", version.value);  // told of a save made since
    return data;
  }

  function show(state) {
    if (state.holder && !state.you_hold) {
      text.textContent = label("holder", { name: state.holder.name });
    } else if (state.others.length) {
      text.textContent = label("also", {
        names: state.others.map(function (person) { return person.name; }).join(", ")
      });
    } else {
      text.textContent = "";
    }
    box.classList.toggle("desk-presence--others", state.others.length > 0);
    if (takeOver) takeOver.hidden = state.you_hold || !state.holder;
    if (state.note && state.note.taken_over_by) {
      note.textContent = label("taken-over", { name: state.note.taken_over_by });
      note.hidden = false;
      form.dispatchEvent(new CustomEvent("desk:taken-over", { detail: state.note }));
    } else if (state.saved) {
      note.textContent = label("saved", { name: state.saved.by, time: state.saved.time });
      note.hidden = false;
    }
  }

  function post(url) {
    return fetch(url, { method: "POST", body: body(), credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; });
  }

  function poll() {
    if (left) return;
    post(box.getAttribute("data-presence-url"))
      .then(function (state) { if (state) show(state); })
      .catch(function () { /* offline for a moment: the next poll tries again */ })
      .then(function () { window.setTimeout(poll, seconds * 1000); });
  }

  if (takeOver) {
    takeOver.addEventListener("click", function () {
      post(box.getAttribute("data-take-over-url")).then(function (state) { if (state) show(state); });
    });
  }

  window.addEventListener("pagehide", function () {
    left = true;
    if (navigator.sendBeacon) navigator.sendBeacon(box.getAttribute("data-leave-url"), body());
  });
  window.addEventListener("pageshow", function (event) {
    if (event.persisted && left) { left = false; poll(); }  // back from the browser's cache
  });
  window.setTimeout(poll, seconds * 1000);
});

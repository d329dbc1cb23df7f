// Autosave: every few seconds, when the form changed since the last time, its text goes to
// the server as this writer's one rolling draft of the article (never over the article).
// The body editor keeps its textarea in sync, so the form's own fields are all it reads.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var box = document.querySelector("[data-desk-presence]");
  var form = document.getElementById("article_form");
  if (!box || !form || !window.fetch || !box.getAttribute("data-autosave-url")) return;
  var status = box.querySelector("[data-desk-autosave-status]");
  var seconds = parseInt(box.getAttribute("data-autosave-seconds"), 10) || 5;
  var dirty = false;
  var sending = null;  // the autosave on its way, until it is answered
  var stopped = false;
  var waiting = false;

  function label(name, values) {
    return box.getAttribute("data-label-" + name).replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key];
    });
  }

  form.addEventListener("input", function () { dirty = true; });
  form.addEventListener("change", function () { dirty = true; });
  form.addEventListener("submit", function (event) {
    stopped = true;
    // An autosave still on its way could be kept after the save has ended the draft, and be
    // offered back as unsaved text: the save goes once it is answered.
    if (!sending || !form.requestSubmit) return;
    event.preventDefault();
    if (waiting) return;  // a second click while waiting
    waiting = true;
    var submitter = event.submitter || null;
    sending.then(function () { form.requestSubmit(submitter); });
  });

  function send() {
    if (stopped || sending || !dirty) return;
    var data = new FormData(form);
    Array.from(data.keys()).forEach(function (name) {
      if (data.get(name) instanceof File) data.delete(name);  // photos are not autosaved
    });
    // The session's token now, not the page's: signing in again in another tab gave the
    // session a new one, and the old one is refused (admin_fresh_token.js reads it). A
    // refused round is sent again on the next one, with the token of that moment.
    var token = window.newsroomCsrfToken && window.newsroomCsrfToken();
    if (token) data.set("csrfmiddlewaretoken", token);
    dirty = false;
    // Kept only when the server says so: a login page (signed out in another tab) is no save.
    sending = fetch(box.getAttribute("data-autosave-url"), {
      method: "POST", body: data, credentials: "same-origin", redirect: "manual",
      headers: { "Accept": "application/json" }
    })
      .then(function (response) {
        if (response.status === 401 || response.type === "opaqueredirect") throw new Error("signed-out");
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (answer) {
        if (!answer.saved) throw new Error("not saved");
        status.textContent = label("autosaved", { time: answer.time });
      })
      .catch(function (error) {
        dirty = true;  // try again on the next round
        status.textContent = box.getAttribute(
          error.message === "signed-out" ? "data-label-autosave-signed-out" : "data-label-autosave-failed"
        );
      })
      .then(function () { sending = null; });
  }

  window.setInterval(send, seconds * 1000);
});

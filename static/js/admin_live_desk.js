// The live desk: post an entry without leaving the page, and see the entries colleagues
// post arrive. Without JavaScript the form posts normally and the desk comes back.
(function () {
  "use strict";

  var POLL_MS = 3000;

  document.addEventListener("DOMContentLoaded", function () {
    var desk = document.querySelector("[data-live-desk]");
    if (!desk || !window.fetch) return;
    var form = desk.querySelector("[data-live-desk-form]");
    var list = desk.querySelector("[data-live-desk-entries]");
    var status = desk.querySelector("[data-live-desk-status]");
    var errors = desk.querySelector("[data-live-desk-errors]");
    var posting = false;

    function latest() { return parseInt(desk.getAttribute("data-latest"), 10) || 0; }

    function add(entry) {
      if (list.querySelector('[data-entry="' + entry.id + '"]')) return;
      insert(entry);
    }

    function insert(entry) {
      var holder = document.createElement("ol");
      holder.innerHTML = entry.html.trim();
      var item = holder.firstElementChild;
      item.classList.add("desk-entry--new");
      // Newest first: before the first entry older than this one.
      var older = Array.prototype.find.call(list.children, function (child) {
        return parseInt(child.getAttribute("data-entry"), 10) < entry.id;
      });
      list.insertBefore(item, older || null);
    }

    // The poll's mark moves only with what the poll brought: an entry posted here may be
    // newer than a colleague's posted a moment before, which the next poll still brings.
    function arrived(entry) {
      add(entry);
      if (entry.id > latest()) desk.setAttribute("data-latest", entry.id);
    }

    function clear() {
      form.querySelectorAll("input[type=text], textarea").forEach(function (field) { field.value = ""; });
      form.querySelectorAll("input[type=checkbox]").forEach(function (box) { box.checked = false; });
      // The body editor is found through its element (Tiptap keeps itself on it): it may have
      // become ready before this script listened for its ready event.
      form.querySelectorAll(".ProseMirror").forEach(function (element) {
        if (element.editor) element.editor.commands.clearContent(true);
      });
    }

    function showErrors(answer) {
      var messages = answer.error ? [answer.error] : [];  // signed out: a 401 says so
      Object.keys(answer.errors || {}).forEach(function (name) {
        answer.errors[name].forEach(function (error) { messages.push(error.message); });
      });
      errors.textContent = messages.join(" ");
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (posting) return;
      posting = true;
      errors.textContent = "";
      status.textContent = "";
      fetch(window.location.href, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      })
        .then(function (response) {
          return response.json().then(function (answer) { return [response.status, answer]; });
        })
        .then(function (result) {
          if (result[0] === 201) {
            add(result[1]);
            clear();
            status.textContent = desk.getAttribute("data-label-posted");
          } else {
            showErrors(result[1]);
          }
        })
        .catch(function () { status.textContent = desk.getAttribute("data-label-failed"); })
        .then(function () { posting = false; });
    });

    function poll() {
      var url = new URL(desk.getAttribute("data-entries-url"), window.location.href);
      url.searchParams.set("after", latest());
      fetch(url, { credentials: "same-origin", cache: "no-store" })
        .then(function (response) { return response.ok ? response.json() : { entries: [] }; })
        .then(function (answer) { answer.entries.forEach(arrived); })
        .catch(function () { /* the next round asks again */ })
        .then(function () { setTimeout(poll, POLL_MS); });
    }
    setTimeout(poll, POLL_MS);
  });
})();

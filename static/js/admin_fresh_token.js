// The CSRF token a form sends is the one of the session it was opened in. Signing in again
// (in another tab, after the session ran out) makes a new one, and Django refused every form
// still open: a writer's text came back on the "nothing was saved" page at best, and a second
// "Send again" was needed. Each admin form, and the desk's scripts, send the current token
// instead: Django's csrftoken cookie (the default name, which newsroom/settings.py keeps).
(function () {
  "use strict";
  function current() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : null;
  }
  window.newsroomCsrfToken = current;
  document.addEventListener("submit", function (event) {
    var token = current();
    if (!token || !event.target.querySelectorAll) return;
    event.target.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (input) {
      input.value = token;
    });
  }, true);
})();

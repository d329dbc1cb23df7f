// The comment form: a signed form token fetched as soon as the page loads (the cached page
// carries none), replies written in place, and no double posting. Works without it.
(function () {
  "use strict";

  function setUp() {
    var respond = document.getElementById("respond");
    var form = document.getElementById("comment-form");
    if (!respond || !form) return;
    var tokenInput = form.querySelector("[data-form-token]");
    var parentInput = form.querySelector("input[name=parent]");
    var title = respond.querySelector("[data-reply-title]");
    var cancel = respond.querySelector("[data-cancel-reply]");
    var home = document.createElement("div");
    home.hidden = true;
    respond.parentNode.insertBefore(home, respond);
    var tokenRequest = null;
    var sending = false;
    var replyLink = null;

    function fetchToken() {
      if (tokenInput.value) return Promise.resolve();
      if (!tokenRequest) {
        tokenRequest = fetch(form.getAttribute("data-token-url"), {
          credentials: "omit",
          cache: "no-store",
          headers: { Accept: "application/json" }
        })
          .then(function (response) {
            if (!response.ok) throw new Error("token " + response.status);
            return response.json();
          })
          .then(function (data) { tokenInput.value = data.token; })
          // Without a token the server asks the reader to confirm: still no lost comment.
          .catch(function () { tokenRequest = null; });
      }
      return tokenRequest;
    }

    // The token dates the page load, not the first keystroke: a reader who reads first and
    // then pastes or autofills the form is not taken for a script (see comments.moderation).
    fetchToken();
    form.addEventListener("focusin", fetchToken);
    form.addEventListener("submit", function (event) {
      if (sending) {
        event.preventDefault();
        return;
      }
      sending = true;
      if (!tokenInput.value) {
        event.preventDefault();
        fetchToken().then(function () { form.submit(); });
      }
    });
    // Coming back through the history must not leave the form locked.
    window.addEventListener("pageshow", function () { sending = false; });

    if (!title || !cancel) return;

    function moveBack() {
      home.parentNode.insertBefore(respond, home.nextSibling);
      parentInput.value = "";
      title.textContent = title.getAttribute("data-default");
      cancel.hidden = true;
    }

    document.addEventListener("click", function (event) {
      var link = event.target.closest(".comment__reply-link");
      if (!link) return;
      event.preventDefault();
      var body = link.closest(".comment__body");
      body.parentNode.insertBefore(respond, body.nextSibling);
      parentInput.value = link.getAttribute("data-reply-to");
      title.textContent = link.getAttribute("aria-label");
      cancel.hidden = false;
      replyLink = link;
      form.querySelector("textarea").focus();
    });

    cancel.addEventListener("click", function (event) {
      event.preventDefault();
      moveBack();
      if (replyLink) replyLink.focus();
      replyLink = null;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();

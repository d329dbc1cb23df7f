// Live coverage for readers: ask now and then whether newer entries exist, and offer them
// with a button instead of moving the text being read. The page works without it.
(function () {
  "use strict";

  var section = document.querySelector("[data-live]");
  if (!section || !window.fetch || !window.DOMParser) return;
  var button = section.querySelector("[data-live-new]");
  var announce = section.querySelector("[data-live-announce]");
  var timer = null;
  var failures = 0;
  var offered = "";

  function data(name) { return section.getAttribute("data-" + name); }

  function label(answer) {
    if (answer.more) return data("label-more").replace("%(count)s", answer.new);
    if (answer.new === 1) return data("label-new-one");
    if (answer.new > 1) return data("label-new-many").replace("%(count)s", answer.new);
    return data("label-changed");
  }

  function schedule() {
    var seconds = parseFloat(section.getAttribute("data-poll-seconds")) || 15;
    // Readers who opened the page together should not all ask in the same second;
    // after failures, ask less often (up to eight times the interval).
    var wait = seconds * 1000 * Math.min(8, Math.pow(2, failures)) * (0.8 + Math.random() * 0.4);
    clearTimeout(timer);
    timer = setTimeout(poll, wait);
  }

  function poll() {
    if (document.hidden) { schedule(); return; }
    var url = new URL(data("updates-url"), window.location.href);
    var after = data("latest");
    url.searchParams.set("after", after);
    fetch(url, { cache: "no-cache", credentials: "omit" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (answer) {
        failures = 0;
        // An answer about entries the page was given meanwhile (the reader showed them).
        if (after !== data("latest")) { schedule(); return; }
        var changed = answer.new > 0 || String(answer.revision) !== data("revision") ||
          answer.state !== data("state");
        if (changed) {
          var text = label(answer);
          button.textContent = text;
          button.hidden = false;
          if (text !== offered) { announce.textContent = text; offered = text; }
        }
        if (answer.state === "live" || answer.state === "upcoming" || !changed) schedule();
      })
      .catch(function () { failures += 1; schedule(); });
  }

  // Showing the updates: the page itself, as the cache serves it to everyone, and its
  // live part put in place of this one; the reader is taken to its top.
  function show() {
    button.disabled = true;
    clearTimeout(timer);
    var page = new URL(window.location.href);
    page.hash = "";
    page.searchParams.delete("page");
    fetch(page, { cache: "no-cache", credentials: "omit" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-live]");
        if (!fresh) throw new Error("no live section");
        var content = section.querySelector("[data-live-content]");
        content.innerHTML = fresh.querySelector("[data-live-content]").innerHTML;
        ["latest", "revision", "state"].forEach(function (name) {
          section.setAttribute("data-" + name, fresh.getAttribute("data-" + name));
        });
        if (window.location.search.indexOf("page=") !== -1) {
          window.history.replaceState(null, "", page.pathname + "#live");
        }
        button.hidden = true;
        button.disabled = false;
        offered = "";
        content.focus();
        section.scrollIntoView({ block: "start" });
        schedule();
      })
      .catch(function () { window.location.reload(); });
  }

  button.addEventListener("click", show);
  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) { failures = 0; clearTimeout(timer); poll(); }
  });
  schedule();
})();

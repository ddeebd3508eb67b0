/* Headway: the little a lesson needs that HTML cannot do. Every page works without it.
   - Notebook drafts: what a leader types stays in localStorage until the server has it,
     so a dropped connection or a closed tab never loses a reflection.
   - Media position: where the leader stopped is sent now and then, and playback resumes there. */
(function () {
  "use strict";
  function token() {
    var input = document.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }
  function store(key, value) {
    try { if (value === null) localStorage.removeItem(key); else localStorage.setItem(key, value); } catch (e) { /* private mode */ }
  }
  function drafts(root) {
    root.querySelectorAll("textarea[data-draft]").forEach(function (area) {
      if (area.dataset.ready) return;
      area.dataset.ready = "1";
      var key = "draft:" + area.dataset.draft, saved = null;
      try { saved = localStorage.getItem(key); } catch (e) { /* no storage */ }
      if (saved !== null && saved !== area.value) {
        area.value = saved;
        if (window.htmx) htmx.trigger(area, "input");
      }
      area.addEventListener("input", function () { store(key, area.value); });
    });
  }
  document.addEventListener("htmx:beforeRequest", function (e) {
    var form = e.detail.elt.closest && e.detail.elt.closest("form");
    var area = form && form.querySelector("textarea[data-draft]");
    if (area) area.dataset.sent = area.value;
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.detail.elt.closest && e.detail.elt.closest("form");
    var area = form && form.querySelector("textarea[data-draft]");
    if (area && e.detail.successful && area.value === area.dataset.sent) store("draft:" + area.dataset.draft, null);
  });
  function players(root) {
    root.querySelectorAll("[data-progress]").forEach(function (media) {
      if (media.dataset.ready) return;
      media.dataset.ready = "1";
      var start = parseFloat(media.dataset.start) || 0, last = start;
      media.addEventListener("loadedmetadata", function () {
        // Near the end means watched: play it again from the start.
        if (start > 0 && start < media.duration - 5 && media.currentTime < 1) media.currentTime = start;
      }, { once: true });
      function send() {
        var body = new FormData();
        body.append("seconds", media.currentTime.toFixed(1));
        body.append("csrf_token", token());
        fetch(media.dataset.progress, { method: "POST", body: body, credentials: "same-origin", keepalive: true })
          .catch(function () { /* offline: the next report catches up */ });
      }
      media.addEventListener("timeupdate", function () {
        if (Math.abs(media.currentTime - last) >= 15) { last = media.currentTime; send(); }
      });
      media.addEventListener("pause", send);
      media.addEventListener("ended", send);
    });
  }
  function init(root) { if (root.querySelectorAll) { drafts(root); players(root); } }
  document.addEventListener("htmx:load", function (e) { init(e.detail.elt); });
  document.addEventListener("DOMContentLoaded", function () { init(document); });
})();

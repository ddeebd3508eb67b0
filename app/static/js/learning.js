/* Headway: the little the pages need that HTML cannot do. Every page works without it.
   - Signing out forgets what the browser kept (htmx's page snapshots, drafts): phones are shared.
     So does a page made for anyone else ([data-owner], X-Headway-Owner: app/shared_phones.py).
   - <html lang> follows the page htmx swapped in, for screen readers and hyphenation.
   - Drafts (notebook, group posts): what a leader types stays in localStorage until the
     server has it, so a dropped connection or a closed tab never loses it.
   - Media position: where the leader stopped is sent now and then, and playback resumes there.
   - Offline: registers the service worker (sw.js) for signed-in people; says how many writes
     wait for the connection ([data-waiting]) and asks the worker to send them once it is back;
     a form whose write waits says so on its button ([data-queued]: "Done. It will be sent…"). */
(function () {
  "use strict";
  function token() {
    var input = document.querySelector("input[name=csrf_token]");
    return input ? input.value : "";
  }
  function store(key, value) {
    try { if (value === null) localStorage.removeItem(key); else localStorage.setItem(key, value); } catch (e) { /* private mode */ }
  }
  // A draft is {text, base, at}: base is the saved version it was begun from. One begun
  // before newer text was saved elsewhere is offered, never restored over that text.
  function keep(area, text) {
    if (area.offered) return; // the offered draft waits for the leader's choice
    store("draft:" + area.dataset.draft, text === null ? null
      : JSON.stringify({ text: text, base: area.dataset.savedAt, at: Date.now() }));
  }
  // As app/i18n.py writes "day_and_time": the day before the month, the month in words, a
  // 24-hour clock (7 Dec 2026, 04:57), in the page's language; English as in Britain, since
  // "en" alone is American (Dec 7, 2026, 4:57 AM) in browsers.
  function dayAndTime(at) {
    var lang = document.documentElement.lang || "en";
    try {
      return at.toLocaleString(lang === "en" ? "en-GB" : lang, { day: "numeric", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
    } catch (e) { return at.toISOString().slice(0, 16).replace("T", " "); }
  }
  function offer(area, d) {
    var note = area.form.querySelector("template").content.firstElementChild.cloneNode(true);
    var time = note.querySelector("time"), at = new Date(d.at);
    time.dateTime = at.toISOString();
    time.textContent = dayAndTime(at);
    area.offered = true;
    note.addEventListener("click", function (e) {
      if (e.target.type !== "button") return;
      note.remove();
      area.offered = false;
      if (e.target.value === "use") { area.value = d.text; htmx.trigger(area, "input"); } else keep(area, null);
    });
    area.form.querySelector("[role=status]").after(note);
  }
  function drafts(root) {
    root.querySelectorAll("textarea[data-draft]").forEach(function (area) {
      if (area.dataset.ready) return;
      area.dataset.ready = "1";
      var saved = null, d = null, now = area.dataset.savedAt;
      try { saved = localStorage.getItem("draft:" + area.dataset.draft); d = JSON.parse(saved); } catch (e) { /* no storage, or a plain-text draft */ }
      if (saved !== null && !(d && typeof d.text === "string")) d = { text: saved, base: now }; // from before drafts kept a base
      if (d && d.text === area.value) keep(area, null);
      else if (d && (!now || d.base === now)) { area.value = d.text; if (window.htmx) htmx.trigger(area, "input"); }
      else if (d && window.htmx) offer(area, d);
      area.addEventListener("input", function () { keep(area, area.value); });
    });
  }
  function areaOf(e) {
    var form = e.detail.elt.closest && e.detail.elt.closest("form");
    return form && form.querySelector("textarea[data-draft]");
  }
  document.addEventListener("htmx:beforeRequest", function (e) {
    var area = areaOf(e);
    if (area) area.dataset.sent = area.value;
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    var area = areaOf(e), saved = area && area.form.querySelector("span[data-saved-at]");
    // Kept by the service worker for later is not saved: the draft stays until it is.
    var queued = e.detail.xhr && e.detail.xhr.getResponseHeader("X-Headway-Queued");
    if (!area || !e.detail.successful || queued) return;
    if (saved) area.dataset.savedAt = saved.dataset.savedAt;
    // Removed only when the server has exactly this text; else kept, based on what it has.
    keep(area, area.value === area.dataset.sent ? null : area.value);
    // A form that adds a post each time starts empty again once the server has it.
    if (area.form.hasAttribute("data-reset-on-send") && area.value === area.dataset.sent) area.form.reset();
  });
  function players(root) {
    root.querySelectorAll("[data-progress]").forEach(function (media) {
      if (media.dataset.ready) return;
      media.dataset.ready = "1";
      // The lesson page's own token: leaving by a tab removes the player (which pauses it,
      // so it reports) once the next page, perhaps with no token at all, is in.
      var start = parseFloat(media.dataset.start) || 0, last = start, csrf = token();
      media.addEventListener("loadedmetadata", function () {
        // Near the end means watched: play it again from the start.
        if (start > 0 && start < media.duration - 5 && media.currentTime < 1) media.currentTime = start;
      }, { once: true });
      function send() {
        var body = new FormData();
        body.append("seconds", media.currentTime.toFixed(1));
        body.append("csrf_token", csrf);
        // A beacon outlives the page: it still goes when the tab is closed or left. Offline,
        // a fetch instead, which the service worker keeps until the connection returns.
        if (navigator.onLine && navigator.sendBeacon && navigator.sendBeacon(media.dataset.progress, body)) return;
        fetch(media.dataset.progress, { method: "POST", body: body, credentials: "same-origin", keepalive: true, headers: { "X-Headway-Owner": document.body.dataset.owner } })
          .catch(function () { /* offline: the next report catches up */ });
      }
      media.addEventListener("timeupdate", function () {
        if (Math.abs(media.currentTime - last) >= 15) { last = media.currentTime; send(); }
      });
      media.addEventListener("pause", send);
      media.addEventListener("ended", send);
      window.addEventListener("pagehide", function () { if (!media.paused) send(); });
    });
  }
  document.addEventListener("htmx:afterSwap", function (e) {
    var lang = /<html[^>]*\slang="([^"]+)"/.exec(e.detail.xhr && e.detail.xhr.responseText || "");
    if (lang) document.documentElement.lang = lang[1];
  });
  function forget(root) {
    if (!root.querySelector("[data-forget-browser]")) return;
    try { sessionStorage.clear(); localStorage.clear(); } catch (e) { /* no storage: nothing kept */ }
    // Saved lessons, played segments and writes still waiting: none of it is the next person's.
    if (window.caches) caches.keys().then(function (keys) { keys.forEach(function (k) { caches.delete(k); }); });
    if (navigator.serviceWorker) navigator.serviceWorker.getRegistrations().then(function (all) { all.forEach(function (r) { r.unregister(); }); });
  }
  var sw = navigator.serviceWorker, cleared = Promise.resolve();
  // What this browser keeps is one person's: their tag, "-" for nobody. A page for anyone
  // else forgets it here; the worker (sw.js) forgets its caches, or this page does if no
  // worker is in charge. None recorded (after a sign-out): what is here is the first one's.
  function claim(tag) {
    var was;
    try { was = localStorage.getItem("owner"); } catch (e) { return; }
    if (!tag || tag === was) return;
    if (was !== null || tag === "-") {
      sessionStorage.clear(); localStorage.clear();
      if (window.caches && !(sw && sw.controller)) cleared = caches.keys().then(function (keys) {
        return Promise.all(keys.filter(function (k) { return k !== "hw-static"; }).map(function (k) { return caches.delete(k); }));
      });
    }
    store("owner", tag);
    if (sw && sw.controller) sw.controller.postMessage({ owner: tag });
  }
  // Every write says whose page made it: the server refuses one from someone else's.
  document.addEventListener("htmx:configRequest", function (e) {
    if (e.detail.verb !== "get") e.detail.headers["X-Headway-Owner"] = document.body.dataset.owner;
  });
  // Kept by the service worker for later: the button says it is done and will be sent.
  document.addEventListener("htmx:afterRequest", function (e) {
    var form = e.detail.elt.closest && e.detail.elt.closest("form[data-queued]");
    if (!form || !e.detail.xhr || !e.detail.xhr.getResponseHeader("X-Headway-Queued")) return;
    // (Still a button: pressed again, it sends again, which lands once.)
    form.querySelector("button").textContent = form.dataset.queued;
  });
  document.addEventListener("htmx:afterRequest", function (e) { claim(e.detail.xhr && e.detail.xhr.getResponseHeader("X-Headway-Owner")); });
  function waiting(count) {
    document.querySelectorAll("[data-waiting]").forEach(function (note) {
      note.hidden = !count;
      note.textContent = (count === 1 ? note.dataset.one : note.dataset.many || "").replace("%d", count);
    });
  }
  function offline() {
    var url = document.body.dataset.sw;
    if (!sw || !url || document.querySelector("[data-forget-browser]")) return;
    // Registered once the caches of whoever was here before are gone (claim above), so
    // what a new worker keeps as it installs (the offline page) is not deleted with them.
    cleared.catch(function () {}).then(function () { return sw.register(url); }).catch(function () { /* no worker: everything still works online */ });
    sw.addEventListener("message", function (e) { if (e.data && "queued" in e.data) waiting(e.data.queued); });
    function tell(what) { if (sw.controller) sw.controller.postMessage(what); }
    // A worker that takes this page over learns whose it is now, not at the next page.
    sw.addEventListener("controllerchange", function () { tell({ owner: document.body.dataset.owner }); });
    window.addEventListener("online", function () {
      tell("flush");
      // A note typed offline goes as soon as the connection is back (unless it waits for a choice).
      document.querySelectorAll("textarea[data-draft]").forEach(function (area) {
        var kept = null;
        try { kept = localStorage.getItem("draft:" + area.dataset.draft); } catch (e) { /* no storage */ }
        if (kept && !area.offered && window.htmx) htmx.trigger(area, "input");
      });
    });
    tell(navigator.onLine ? "flush" : "count");
  }
  // The segment player (player.js) is fetched only by pages that play something.
  function player(root) {
    var box = root.querySelector("[data-player-js]");
    if (!box) return;
    if (window.headwayPlayer) return window.headwayPlayer(root);
    if (document.querySelector("script[data-player-loader]")) return;
    var script = document.createElement("script");
    script.src = box.dataset.playerJs;
    script.dataset.playerLoader = "1";
    document.head.appendChild(script);
  }
  // A page's own script ([data-script]: the review's offline copy, a video's resumable
  // upload) is fetched by that page; once here, it sets up what later pages bring itself.
  function scripts(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-script]"), function (box) {
      if (box.id === "review" && window.headwayReview) return window.headwayReview(root);
      if (document.querySelector("script[src='" + box.dataset.script + "']")) return;
      var script = document.createElement("script");
      script.src = box.dataset.script;
      document.head.appendChild(script);
    });
  }
  function init(root) {
    if (!root.querySelectorAll) return;
    forget(root); drafts(root); players(root); scripts(root);
    cleared.then(function () { player(root); }); // Downloads lists what is left
  }
  document.addEventListener("htmx:load", function (e) { init(e.detail.elt); });
  document.addEventListener("DOMContentLoaded", function () { claim(document.body.dataset.owner); init(document); offline(); });
  document.addEventListener("htmx:load", function () { if (sw && sw.controller) sw.controller.postMessage("count"); });
})();

/* The daily review on the phone (templates/review/today.html). Every page works without it.
   - Every answer carries the moment the leader gave it (answered_at, the phone's clock).
   - Online, the next days' questions (#review[data-pack]) are kept in the "hw-pages" cache
     with a copy of this page, fetched again once a day: the service worker serves the copy
     when there is no connection.
   - On that copy, the questions whose day has come are shown from the kept pack, a day's
     number at a time; each answer is posted to its URL with the key drawn on the server
     (the service worker queues it and replays it once, in order, when back online; the key
     makes a replay or a second phone count once) and answered at once from the pack. */
(function () {
  "use strict";
  var PAGES = "hw-pages", DONE = "review:done", FETCHED = "review:fetched";
  function read(name) { try { return JSON.parse(localStorage.getItem(name) || "null"); } catch (e) { return null; } }
  function write(name, value) { try { localStorage.setItem(name, JSON.stringify(value)); } catch (e) { /* private mode */ } }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  // The phone's day, as the server writes the leader's (2026-12-07).
  function today() { var d = new Date(); return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate()); }
  function csrf() {
    var input = document.querySelector("input[name=csrf_token]");
    if (input) return input.value;
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // The moment of each answer, set as the form leaves (before htmx reads it).
  document.addEventListener("submit", function (e) {
    var at = e.target.querySelector && e.target.querySelector("input[name=answered_at]");
    if (at) at.value = new Date().toISOString();
    var key = e.target.querySelector && e.target.querySelector("input[name=key]");
    if (key) { var done = read(DONE) || {}; done[key.value] = today(); write(DONE, done); }
  }, true);

  function keep(root) {
    if (!window.caches || root.dataset.copy) return;
    var copy = document.documentElement.cloneNode(true);
    copy.querySelector("#review").setAttribute("data-copy", "1");
    var html = "<!doctype html>\n" + copy.outerHTML;
    caches.open(PAGES).then(function (cache) {
      cache.put(location.pathname, new Response(html, { headers: { "Content-Type": "text/html; charset=utf-8" } }));
      if (read(FETCHED) === today()) return;
      return fetch(root.dataset.pack, { credentials: "same-origin" }).then(function (r) {
        if (r.ok) return cache.put(root.dataset.pack, r).then(function () { write(FETCHED, today()); });
      });
    }).catch(function () { /* offline, or no room: the page still works */ });
  }

  // Nothing due now: say when the next of the kept questions comes back (the day as the
  // server worded it for the leader), as the server's page does; else only that nothing is.
  function nothingNow(pack, done) {
    var later = pack.questions.filter(function (q) { return !done[q.key]; })
      .sort(function (a, b) { return Date.parse(a.due) - Date.parse(b.due); })[0];
    return later ? pack.words.later.replace("%(day)s", later.due_day) : pack.words.none;
  }

  function show(root, pack) {
    var done = read(DONE) || {}, day = today(), now = Date.now();
    var answered = Object.keys(done).filter(function (k) { return done[k] === day; }).length;
    var left = pack.per_day - (pack.day === day ? pack.done_today : 0) - answered;
    var next = pack.questions.filter(function (q) { return !done[q.key] && Date.parse(q.due) <= now; })[0];
    root.textContent = "";
    if (next && left <= 0) return root.appendChild(el("p", {}, pack.words.done));
    if (!next) return root.appendChild(el("p", {}, nothingNow(pack, done)));
    var form = el("form", { "class": "question", method: "post", action: next.url, "hx-boost": "false" });
    var fields = el("fieldset", { lang: next.lang });
    fields.appendChild(el("legend", {}, next.prompt));
    next.choices.forEach(function (choice, i) {
      var label = el("label", { "class": "check" }), input = el("input", { type: "radio", name: "choice", value: String(i + 1), required: "" });
      label.appendChild(input); label.appendChild(document.createTextNode(" " + choice)); fields.appendChild(label);
    });
    form.appendChild(fields);
    form.appendChild(el("button", { "class": "primary" }, pack.words.check));
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var chosen = form.querySelector("input[name=choice]:checked");
      if (!chosen) return;
      var body = new URLSearchParams({ choice: chosen.value, key: next.key, answered_at: new Date().toISOString(),
        csrf_token: csrf() });
      done[next.key] = day; write(DONE, done);
      fetch(next.url, { method: "POST", body: body, credentials: "same-origin", redirect: "manual",
        headers: { "X-Headway-Owner": document.body.dataset.owner || "" } }).catch(function () {});
      var right = +chosen.value === next.answer;
      root.textContent = "";
      root.appendChild(el("p", { "class": "feedback " + (right ? "good" : "bad"), role: "status", lang: next.lang },
        (right ? pack.words.correct : pack.words.wrong) + " " + (right ? next.right : next.wrong)));
      if (!right) {
        root.appendChild(el("p", {}, pack.words.answer.replace("%(choice)s", next.choices[next.answer - 1])));
        root.appendChild(el("p")).appendChild(el("a", { href: next.lesson }, pack.words.back));
      }
      if (!navigator.onLine) root.appendChild(el("p", { "class": "muted" }, pack.words.queued));
      var more = el("button", { "class": "primary" }, pack.words.next);
      more.addEventListener("click", function () { show(root, pack); });
      root.appendChild(more);
    });
    root.appendChild(form);
  }

  function start(scope) {
    var root = (scope || document).querySelector ? (scope || document).querySelector("#review[data-pack]") : null;
    if (!root) return;
    if (!root.dataset.copy) return keep(root);
    if (!window.caches) return;
    caches.match(root.dataset.pack).then(function (r) { return r && r.json(); }).then(function (pack) {
      if (pack) show(root, pack);
    });
  }
  window.headwayReview = start;
  start(document);
})();

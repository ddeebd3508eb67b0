/* Headway's player: spends only what is watched, in the rung the leader chose.
   - Plays the chosen rung's fragmented-MP4 segments (1 s, 1 s, then 2 s) through Media Source
     Extensions, fetching a segment only while the buffer ends less than the read-ahead past
     the play head: LEAN seconds on a link that refills it fast (measured), else AHEAD.
   - Playing from the start fetches the playlist, the init segment and the first segment at
     once: the first frame waits one round trip and one short segment.
   - Switching rung keeps the position: what is buffered stays and plays; the new rung's
     segments follow from the first one not yet held (its init segment first). Between
     sound only and picture (another track layout) it starts afresh at the same second.
   - Auto: the highest of Lowest/Low/Medium that the measured throughput sustains, within
     what the monthly limit leaves; it starts at the rung the last throughput measured on
     this phone supports (kept in localStorage, never sent), else at Low.
   - The choice is a <select>: changing it switches at once and saves it in the background
     (without JavaScript, its Apply button posts the form).
   - Without MSE (or without segments) the plain <video> plays the rung's MP4, and a choice
     swaps its src keeping the position. Without JavaScript the page has both already.
   Loaded by learning.js when a page has a player; learning.js reports the position. */
(function () {
  "use strict";
  var AHEAD = 20, LEAN = 10, FAST = 1.4, MS = window.MediaSource, KEPT = "hw-throughput";

  // The link's throughput last measured on this phone (bits/s), for Auto's first rung.
  function keptBps() {
    try { return +localStorage.getItem(KEPT) || 0; } catch (e) { return 0; }
  }
  function keepBps(bps) {
    try { localStorage.setItem(KEPT, String(Math.round(bps))); } catch (e) { /* private mode */ }
  }
  // The highest of ``auto`` (lowest first) that ``bps`` sustains with 30% to spare.
  function sustained(auto, bps) {
    return auto.filter(function (r) { return r.kbps * 1300 < bps; }).pop() || auto[0];
  }

  function fetchBuffer(url, signal) {
    return fetch(url, { credentials: "same-origin", signal: signal }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.arrayBuffer();
    });
  }

  // A segment the browser (or the service worker) already held says nothing of the link:
  // measured, it would send the next lesson's Auto straight to the top rung.
  function fromCache(url, ms) {
    var e = performance.getEntriesByName(url).pop();
    return ms < 40 || !!(e && e.transferSize === 0 && e.encodedBodySize > 0);
  }

  function pathOf(url) {
    var u = new URL(url, location.href);
    return u.origin + u.pathname;
  }

  function parsePlaylist(text, base) {
    var init = null, segs = [], d = 0, t = 0;
    text.split("\n").forEach(function (line) {
      if (line.indexOf("#EXT-X-MAP:") === 0) init = new URL(line.split('"')[1], base).href;
      else if (line.indexOf("#EXTINF:") === 0) d = parseFloat(line.slice(8));
      else if (line && line[0] !== "#") { segs.push({ url: new URL(line, base).href, start: t, d: d }); t += d; }
    });
    return { init: init, segs: segs, duration: t };
  }

  // A rung's init segment, fetched once (a switch back to the rung appends it again).
  function initOf(rung, url) {
    if (!rung.ip) rung.ip = fetchBuffer(rung.init || url).catch(function (e) { rung.ip = null; throw e; });
    return rung.ip;
  }

  function Loader(video, choice, duration) {
    this.video = video;
    this.duration = duration;
    this.rung = choice;
    this.attach(0);
  }
  Loader.prototype = {
    // A fresh MediaSource (at set-up, or a change between sound only and picture). Opening
    // it fetches nothing: the duration and codecs are on the page, segments wait for play.
    attach: function (at) {
      var self = this, ms = new MS();
      if (this.abort) this.abort.abort();
      this.ms = ms; this.sb = null; this.busy = false; this.initFor = null; this.next = null;
      this.video.src = URL.createObjectURL(ms);
      ms.addEventListener("sourceopen", function () {
        URL.revokeObjectURL(self.video.src);
        if (ms !== self.ms) return;
        if (self.duration) ms.duration = self.duration;
        self.sb = ms.addSourceBuffer(self.rung.type);
        self.sb.addEventListener("updateend", function () { self.busy = false; self.pump(); });
        if (at) self.video.currentTime = at;
        self.pump();
      }, { once: true });
    },
    level: function () {
      var r = this.rung;
      if (!r.p) r.p = fetch(r.playlist, { credentials: "same-origin" }).then(function (res) { return res.text(); })
        .then(function (text) { return parsePlaylist(text, new URL(r.playlist, location.href)); });
      return r.p;
    },
    // Bytes in the buffer from the play head on, in seconds.
    ahead: function () {
      var b = this.video.buffered, t = this.video.currentTime;
      for (var i = 0; i < b.length; i++) if (b.start(i) <= t + 0.3 && t < b.end(i)) return b.end(i) - t;
      return 0;
    },
    pump: function () {
      var self = this, rung = this.rung, sb = this.sb;
      if (!this.sb || this.busy || this.sb.updating || !this.wanted) return;
      this.busy = true;
      this.level().then(function (p) {
        if (rung !== self.rung) { self.busy = false; return self.pump(); }
        // The next segment: one on from the last appended, or after a seek (next === null)
        // the first not held from the play head on (slack: a buffer may end an audio frame
        // or two short of its last segment's end).
        var i = self.next, segs = p.segs, now = self.video.currentTime;
        if (i === null) {
          var t = now + self.ahead();
          for (i = 0; i < segs.length - 1 && segs[i].start + segs[i].d <= t + 0.3;) i++;
        }
        // Only while the whole segment fits within the read-ahead: what a stall-free start
        // needs on this link, no more (a leader who stops pays for little beyond it).
        if (i >= segs.length || segs[i].start + segs[i].d - now > self.readAhead()) {
          if (i >= segs.length && self.ms.readyState === "open") self.ms.endOfStream();
          self.busy = false; return;
        }
        self.abort = new AbortController();
        var started = performance.now();
        // The first segment, if play() already asked for it (by path: a presigned URL's
        // signature may differ from the playlist's).
        var isInit = self.initFor !== rung, first = null;
        if (!isInit && self.first) {
          if (self.first.url === pathOf(p.segs[i].url)) { first = self.first; started = first.at; }
          self.first = null;
        }
        return (isInit ? initOf(rung, p.init) : first ? first.p : fetchBuffer(p.segs[i].url, self.abort.signal)).then(function (data) {
          if (sb !== self.sb) return; // a fresh MediaSource since
          if (isInit) {
            if (self.sb.changeType) self.sb.changeType(rung.type);
            self.initFor = rung;
          } else {
            self.next = i + 1;
            var ms = performance.now() - started;
            if (!fromCache(p.segs[i].url, ms)) self.measure(data.byteLength, ms, p.segs[i].d);
          }
          self.sb.appendBuffer(data);
        });
      }).catch(function () { self.busy = false; setTimeout(function () { self.pump(); }, 3000); });
    },
    // Throughput in bits per second, smoothed; Auto takes the highest rung it sustains with
    // 30% to spare (the rung's average rate from its size and the lesson's length).
    // Each segment also says how fast the link refills the buffer: seconds of lesson per
    // second of fetching, round trip included.
    measure: function (bytes, ms, seconds) {
      var bps = bytes * 8000 / Math.max(ms, 1), speed = seconds * 1000 / Math.max(ms, 1);
      this.bps = this.bps ? 0.7 * this.bps + 0.3 * bps : bps;
      this.speed = this.speed ? 0.7 * this.speed + 0.3 * speed : speed;
      keepBps(this.bps);
      if (this.auto) {
        var pick = sustained(this.auto, this.bps);
        if (pick !== this.rung) this.choose(pick);
      }
    },
    // The read-ahead: LEAN seconds once the link is measured to refill the buffer well
    // faster than it plays, else AHEAD (a slow or unknown link keeps more in hand).
    readAhead: function () {
      return this.speed >= FAST ? LEAN : AHEAD;
    },
    choose: function (rung) {
      var was = this.rung;
      this.rung = rung;
      if (was.audio !== rung.audio) {
        var playing = !this.video.paused;
        this.attach(this.video.currentTime);
        if (playing) this.video.play().catch(function () { /* paused meanwhile */ });
      } else this.pump(); // the next segment comes from the new rung, after its init segment
    },
    play: function () {
      // The init segment and, from the start, the first segment alongside the playlist: the
      // first frame waits for one round trip, not three.
      var r = this.rung;
      if (r.init) initOf(r);
      if (!this.wanted && r.first && this.next === null && this.video.currentTime < 0.5 && !(this.video.buffered.length)) {
        this.first = { url: pathOf(r.first), at: performance.now(), p: fetchBuffer(r.first) };
        this.first.p.catch(function () { /* fetched again from the playlist */ });
      }
      this.wanted = true;
      this.pump();
    }
  };

  function rungOf(option, duration) {
    var d = option.dataset, bytes = +d.bytes;
    return {
      name: option.value, playlist: d.playlist, init: d.init, first: d.first, src: d.src,
      type: d.type, audio: !d.height, bytes: bytes,
      kbps: duration ? bytes * 8 / duration / 1000 : 0
    };
  }

  function setup(box) {
    var video = box.querySelector("video,audio"), form = box.querySelector("[data-rungs]");
    if (!video || box.dataset.ready) return;
    box.dataset.ready = "1";
    var select = form && form.querySelector("select");
    var options = select ? [].slice.call(select.options) : [];
    var duration = parseFloat(box.dataset.duration) || 0, left = box.dataset.left ? +box.dataset.left : Infinity;
    var rungs = {};
    options.forEach(function (o) { rungs[o.value] = rungOf(o, duration); });
    var current = select ? select.value : null;
    function usable(r) { return r && r.playlist && MS && MS.isTypeSupported(r.type); }
    // Auto's candidates: distinct video rungs, lowest first, that the month's limit allows.
    var auto = ["lowest", "low", "medium"].map(function (n) { return rungs[n]; })
      .filter(function (r, i, all) { return r && all.indexOf(r) === i && (i === 0 || r.bytes <= left); });
    var mse = current && usable(rungs[current]) && auto.every(usable);
    var loader = null;
    if (mse) {
      [].slice.call(video.querySelectorAll("source")).forEach(function (s) { s.remove(); });
      video.removeAttribute("src");
      // Auto begins where this phone's last measured throughput left it (Low if never measured).
      var kept = keptBps(), start = kept ? sustained(auto, kept) : (auto.indexOf(rungs.low) >= 0 ? rungs.low : auto[0]);
      loader = new Loader(video, current === "auto" ? start : rungs[current], duration);
      if (kept) loader.bps = kept;
      if (current === "auto") loader.auto = auto;
      video.addEventListener("play", function () { loader.play(); });
      video.addEventListener("timeupdate", function () { loader.pump(); });
      video.addEventListener("seeking", function () {
        if (loader.abort) loader.abort.abort();
        loader.busy = false; loader.next = null; loader.pump();
      });
      box.loader = loader;
    }
    var saver = box.querySelector("[data-save]");
    if (saver && window.caches && navigator.serviceWorker) {
      saver.hidden = false;
      saver.addEventListener("click", function () {
        var on = select && select.value, r = on && rungs[on === "auto" ? "low" : on];
        if (r) save(box, saver, loader && on === "auto" ? loader.rung : r);
      });
    }
    if (!select) return;
    var apply = form.querySelector("[data-apply]");
    if (apply) apply.hidden = true; // a choice applies as soon as it is made
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    select.addEventListener("change", function () {
      var name = select.value, r = rungs[name], at = video.currentTime, playing = !video.paused;
      if (loader) {
        loader.auto = name === "auto" ? auto : null;
        loader.choose(name === "auto" ? (loader.rung.audio ? auto[0] : loader.rung) : r);
      } else if (r.src !== video.currentSrc) {
        video.src = r.src;
        video.addEventListener("loadedmetadata", function () { video.currentTime = at; }, { once: true });
        if (playing) video.play();
      }
      fetch(form.action, { method: "POST", body: new FormData(form), credentials: "same-origin", redirect: "manual" })
        .catch(function () { /* offline: the choice holds for this page */ });
    });
  }

  /* Offline. "Save for offline" puts the lesson page, poster, captions and the chosen rung
     (its playlist, init and every segment, or its MP4) in the Cache API under the keys the
     service worker looks them up by, and notes the lesson for the Downloads page. */
  var MEDIA = "hw-media", PAGES = "hw-pages";
  function mediaKey(url) {
    var u = new URL(url, location.href);
    Array.from(u.searchParams.keys()).forEach(function (k) {
      if (/^x-amz-/i.test(k) || k === "expires" || k === "sig") u.searchParams.delete(k);
    });
    return u.href;
  }
  function store(cacheName, key, url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.clone().arrayBuffer().then(function (b) {
        return caches.open(cacheName).then(function (c) { return c.put(key, r); }).then(function () { return b.byteLength; });
      });
    });
  }
  function mediaUrls(box, rung) {
    var urls = [].slice.call(box.querySelectorAll("track")).map(function (t) { return t.src; });
    var poster = box.querySelector("video[poster]");
    if (poster && poster.getAttribute("poster").indexOf("data:") !== 0) urls.push(poster.poster);
    if (!rung.playlist) return Promise.resolve(urls.concat(rung.src));
    return fetch(rung.playlist, { credentials: "same-origin" }).then(function (r) { return r.text(); }).then(function (text) {
      var p = parsePlaylist(text, new URL(rung.playlist, location.href));
      return urls.concat(rung.playlist, p.init, p.segs.map(function (s) { return s.url; }));
    });
  }
  function save(box, button, rung) {
    var page = location.pathname + location.search, total = 0;
    button.disabled = true;
    button.textContent = button.dataset.saving;
    var assets = [].slice.call(document.querySelectorAll("script[src],link[rel=stylesheet]")).map(function (e) { return e.src || e.href; });
    mediaUrls(box, rung).then(function (urls) {
      return urls.reduce(function (done, url) {
        return done.then(function () { return store(MEDIA, mediaKey(url), url).then(function (n) { total += n; }); });
      }, store(PAGES, location.origin + page, page)).then(function () {
        return Promise.all(assets.map(function (url) { return store("hw-static", url, url).catch(function () {}); }));
      }).then(function () {
        var entry = { title: button.dataset.title, url: page, bytes: total, keys: urls.map(mediaKey) };
        return caches.open(PAGES).then(function (c) { return c.put("/__saved" + page, new Response(JSON.stringify(entry))); });
      });
    }).then(function () {
      button.textContent = button.dataset.saved + " · " + (total / 1e6).toFixed(1) + " MB";
    }, function () {
      button.disabled = false;
      button.textContent = button.dataset.failed;
    });
  }

  // Downloads: each saved lesson with its size, and a button that frees its space.
  function downloads(root) {
    var list = root.querySelector("[data-list]"), row = root.querySelector("template");
    caches.open(PAGES).then(function (c) {
      return c.keys().then(function (keys) {
        return Promise.all(keys.filter(function (k) { return new URL(k.url).pathname.indexOf("/__saved/") === 0; })
          .map(function (k) { return c.match(k).then(function (r) { return r.json(); }).then(function (e) { e.key = k; return e; }); }));
      }).then(function (saved) {
        var total = 0;
        root.querySelector("[data-none]").hidden = saved.length > 0;
        saved.forEach(function (e) {
          var li = row.content.firstElementChild.cloneNode(true), a = li.querySelector("a");
          a.href = e.url; a.textContent = e.title;
          li.querySelector("span").textContent = (e.bytes / 1e6).toFixed(1) + " MB";
          total += e.bytes;
          li.querySelector("button").addEventListener("click", function () {
            caches.open(MEDIA).then(function (m) {
              return Promise.all(e.keys.map(function (k) { return m.delete(k); }));
            }).then(function () { return Promise.all([c.delete(e.key), c.delete(location.origin + e.url)]); })
              .then(function () { li.remove(); });
          });
          list.appendChild(li);
        });
        var note = root.querySelector("[data-total]");
        note.textContent = note.textContent.replace("%s", (total / 1e6).toFixed(1));
        note.hidden = !saved.length;
      });
    });
  }

  window.headwayPlayer = function (root) {
    if (!root.querySelectorAll) return;
    root.querySelectorAll("[data-player]").forEach(setup);
    if (window.caches) root.querySelectorAll("[data-downloads]").forEach(downloads);
  };
  window.headwayPlayer.parsePlaylist = parsePlaylist;
  window.headwayPlayer(document);
})();

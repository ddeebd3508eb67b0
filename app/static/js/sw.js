/* Headway's service worker: what a phone holds, it never downloads again; saved lessons
   open and play with no connection; writes made offline wait here and go once it returns.
   Caches (all cleared at sign-out, with the queue):
   - "hw-media": media files and segments, under a key without any URL signature (S3's
     X-Amz-* and our old expires/sig), so an hourly new signature is still the same file.
     Every segment played goes in; a progressive MP4 goes in only when saved for offline.
   - "hw-pages": lesson pages saved for offline (served when the network fails); the daily
     review's page and its next days' questions, kept there by review.js.
   - "hw-static": fingerprinted CSS/JS/icons (their URLs change with their content).
   - "hw-queue": POSTs to /learn/ (position, completion, answers, review answers) that failed for want of a
     network, replayed in order, each as its author; notes wait as drafts in learning.js.
   - "hw-owner": whose all this is (app/shared_phones.py): an opaque tag, "-" for nobody. A
     page made for anyone else (someone else signed in, or nobody: a session that lapsed,
     was ended from elsewhere or by an admin) wipes all but hw-static before it is shown. */
"use strict";
var MEDIA = "hw-media", PAGES = "hw-pages", STATIC = "hw-static", QUEUE = "hw-queue", OWNER = "hw-owner";
var OFFLINE = new URL("offline", self.location).href; // the page shown for one not saved
var TAG = "X-Headway-Owner";

var owner = null, claiming = Promise.resolve();
function read() {
  return caches.open(OWNER).then(function (c) { return c.match("/owner"); }).then(function (r) { return r ? r.text() : null; });
}
function recorded() {
  return claiming.then(function () { return owner !== null ? owner : read().then(function (t) { return owner = t; }); });
}
// The caches are kept for the person a page names. None recorded yet (a new worker, or
// learning.js cleared them): what is there is theirs, unless no one is signed in.
function claim(tag) {
  if (!tag || tag === owner) return claiming;
  claiming = claiming.then(read).then(function (was) {
    return (was !== tag && (was !== null || tag === "-")) && caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (k) { return k !== STATIC && k !== OWNER; }).map(function (k) { return caches.delete(k); }));
    });
  }).then(function () {
    owner = tag;
    if (tag !== "-") caches.open(PAGES).then(function (c) { // the offline page, as theirs
      return c.match(OFFLINE).then(function (hit) { return hit || c.add(OFFLINE); });
    }).catch(function () {});
    return caches.open(OWNER).then(function (c) { return c.put("/owner", new Response(tag)); });
  }).catch(function () {});
  return claiming.then(notify);
}

// The cache key of a media URL: the URL without the query parameters that only sign it.
function mediaKey(url) {
  var u = new URL(url);
  Array.from(u.searchParams.keys()).forEach(function (k) {
    if (/^x-amz-/i.test(k) || k === "expires" || k === "sig") u.searchParams.delete(k);
  });
  u.hash = "";
  return u.href;
}
self.mediaKey = mediaKey;

function isMedia(url) {
  return /\/media\/\d+\/files\//.test(url.pathname) || /[?&]X-Amz-Signature=/i.test(url.search) || /^\/media\/files\//.test(url.pathname);
}

// A Range request answered from a whole cached file (the <video> of a saved MP4 asks so).
function ranged(request, response) {
  var m = /bytes=(\d*)-(\d*)/.exec(request.headers.get("Range") || "");
  if (!m) return response;
  return response.arrayBuffer().then(function (buf) {
    var size = buf.byteLength, start = m[1] ? +m[1] : size - +m[2], end = m[1] && m[2] ? +m[2] : size - 1;
    if (start >= size) return new Response(null, { status: 416, headers: { "Content-Range": "bytes */" + size } });
    end = Math.min(end, size - 1);
    return new Response(buf.slice(start, end + 1), { status: 206, headers: {
      "Content-Range": "bytes " + start + "-" + end + "/" + size,
      "Content-Type": response.headers.get("Content-Type") || "", "Content-Length": String(end - start + 1)
    } });
  });
}

function fromMedia(request) {
  var key = mediaKey(request.url), segment = !request.headers.get("Range");
  return caches.open(MEDIA).then(function (cache) {
    return cache.match(key).then(function (hit) {
      if (hit) return ranged(request, hit);
      return fetch(request).then(function (response) {
        // Segments, playlists, posters, captions: small and whole, kept as they are played.
        if (segment && response.status === 200) cache.put(key, response.clone());
        return response;
      });
    });
  });
}

// With S3 the app writes each playlist naming presigned segments that expire: the network's
// copy while there is one, the last one kept when there is not (its segments are cached by
// their unsigned keys).
function signedPlaylist(request) {
  return caches.open(MEDIA).then(function (cache) {
    return fetch(request).then(function (response) {
      if (response.ok) cache.put(request.url, response.clone());
      return response;
    }, function () { return cache.match(request.url); });
  });
}

function fromStatic(request) {
  return caches.open(STATIC).then(function (cache) {
    return cache.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) {
        if (response.ok) cache.put(request, response.clone());
        return response;
      });
    });
  });
}

function page(request) {
  return fetch(request).then(function (response) {
    return claim(response.headers.get(TAG)).then(function () {
      flush(); // back online: send what waits
      return response;
    });
  }, function () {
    return caches.open(PAGES).then(function (cache) {
      return cache.match(request.url.split("#")[0], { ignoreSearch: true }).then(function (hit) {
        return hit || cache.match(OFFLINE); // "you are offline; saved lessons are in Downloads"
      });
    });
  });
}

// A write sent with no network: kept (body, headers, a key) and answered 202 so the page
// can say it waits. The writes are upserts on the server, so a replay that raced a
// successful send changes nothing: each lands once.
function queued(request) {
  var copy = request.clone();
  return fetch(request).catch(function () {
    return Promise.all([copy.text(), recorded()]).then(function (got) {
      var id = Date.now() + "-" + Math.random().toString(36).slice(2);
      // Its author: the page's own tag (learning.js sends it), else whose the caches are.
      var meta = { url: copy.url, body: got[0], type: copy.headers.get("Content-Type"), hx: copy.headers.get("HX-Request"),
        owner: copy.headers.get(TAG) || got[1] };
      return caches.open(QUEUE).then(function (cache) {
        // The latest write to a URL replaces one still waiting (a position, a note's text,
        // an answer: the newest is what the leader means; completing twice is once).
        return cache.keys().then(function (keys) {
          return Promise.all(keys.map(function (key) {
            return cache.match(key).then(function (r) { return r.json(); }).then(function (m) {
              if (m.url === meta.url) return cache.delete(key);
            });
          }));
        }).then(function () { return cache.put("/__queue/" + id, new Response(JSON.stringify(meta))); });
      }).then(function () {
        notify();
        // A plain form goes back to its (saved) page; htmx swaps nothing for a 204.
        if (request.mode === "navigate") return Response.redirect(request.referrer || "/learn/", 303);
        return new Response(null, { status: copy.headers.get("HX-Request") ? 204 : 202, headers: { "X-Headway-Queued": "1" } });
      });
    });
  });
}

function notify() {
  return caches.open(QUEUE).then(function (c) { return c.keys(); }).then(function (keys) {
    return self.clients.matchAll().then(function (all) {
      all.forEach(function (client) { client.postMessage({ queued: keys.length }); });
    });
  });
}

var flushing = null;
function flush() {
  if (flushing) return flushing;
  flushing = Promise.all([caches.open(QUEUE), recorded()]).then(function (got) {
    var cache = got[0];
    return cache.keys().then(function (keys) {
      keys.sort(function (a, b) { return a.url < b.url ? -1 : 1; });
      return keys.reduce(function (done, key) {
        return done.then(function () {
          return cache.match(key).then(function (r) { return r.json(); }).then(function (m) {
            // Someone else's is dropped unsent; the server refuses a tag not the signed-in one's.
            if (!m.owner || m.owner !== got[1]) return;
            var headers = { "Content-Type": m.type };
            headers[TAG] = m.owner;
            if (m.hx) headers["HX-Request"] = m.hx;
            return fetch(m.url, { method: "POST", body: m.body, headers: headers, credentials: "same-origin", redirect: "manual" });
          }).then(function () { return cache.delete(key); });
        });
      }, Promise.resolve());
    });
  }).catch(function () { /* still offline: try again later */ }).then(function () { flushing = null; return notify(); });
  return flushing;
}

self.addEventListener("install", function (e) {
  self.skipWaiting();
  e.waitUntil(caches.open(PAGES).then(function (c) { return c.add(OFFLINE); }).catch(function () {}));
});
self.addEventListener("activate", function (e) { e.waitUntil(self.clients.claim()); });
self.addEventListener("message", function (e) {
  if (e.data === "flush") e.waitUntil(flush());
  if (e.data === "count") e.waitUntil(notify());
  if (e.data && e.data.owner) e.waitUntil(claim(e.data.owner));
});
self.addEventListener("fetch", function (e) {
  var request = e.request, url = new URL(request.url);
  // Notes are not queued here: learning.js keeps each draft with the version it began from
  // and never saves it over newer text written elsewhere, which a blind replay would.
  if (request.method === "POST" && url.origin === location.origin && /^\/learn\//.test(url.pathname) &&
      !/\/reflection$/.test(url.pathname)) return e.respondWith(queued(request));
  if (request.method !== "GET") return;
  if (/\/media\/\d+\/playlists\//.test(url.pathname)) return e.respondWith(signedPlaylist(request));
  if (isMedia(url)) return e.respondWith(fromMedia(request));
  if (url.origin !== location.origin) return;
  if (/^\/static\//.test(url.pathname)) return e.respondWith(fromStatic(request));
  if (request.mode === "navigate" || request.headers.get("HX-Boosted")) return e.respondWith(page(request));
});

/* The resumable upload of a video, the studio's lesson's or a practice's: tus-js-client
   sends the chosen file in chunks to the form's data-endpoint (media's one tus server,
   app/media/routes/tus.py), with the form's data-meta as the upload's metadata; shows bytes sent
   and time left, says when it waits for the network, retries with growing delays, and
   resumes from the server's offset (HEAD) after a dropped connection or a browser restart.
   tus-js-client keeps each unfinished upload's URL in localStorage under the file's
   fingerprint (removed on success); signing out clears localStorage (Clear-Site-Data, and
   learning.js where a browser ignores it), so nothing of it stays for the next person on a
   shared phone. tus-js-client itself (data-tus-script) is fetched only when a file is
   sent. Without JavaScript the same form posts the file in one piece. */
(function () {
  "use strict";

  function mb(bytes) {
    return (bytes / 1e6).toFixed(1);
  }

  function timeLeft(seconds) {
    if (seconds < 90) return Math.max(1, Math.round(seconds)) + " s";
    if (seconds < 5400) return Math.round(seconds / 60) + " min";
    return (seconds / 3600).toFixed(1) + " h";
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_, key) { return values[key]; });
  }

  function withTus(form, then) {
    if (window.tus) return then();
    var script = document.createElement("script");
    script.src = form.dataset.tusScript;
    script.onload = then;
    document.head.appendChild(script);
  }

  function setUp(form) {
    if (form.dataset.ready || !window.fetch) return;
    form.dataset.ready = "1";
    var input = form.querySelector("#upload-file");
    var box = form.querySelector("#upload-progress");
    var bar = box.querySelector("progress");
    var line = box.querySelector(".figures-line");
    var network = box.querySelector(".network");
    var texts = form.querySelector("#upload-texts").dataset;
    var token = form.querySelector("input[name=csrf_token]").value;
    var upload = null;
    var meta = JSON.parse(form.dataset.meta || "{}");
    var started = 0, startBytes = 0;
    form.querySelector(".nojs-note").hidden = true;

    function waiting(on) {
      network.textContent = on ? texts.waiting : "";
      box.classList.toggle("offline", on);
    }
    window.addEventListener("offline", function () { if (upload) waiting(true); });
    window.addEventListener("online", function () { waiting(false); });

    function start(file) {
      box.hidden = false;
      waiting(false);
      started = Date.now();
      startBytes = 0;
      upload = new tus.Upload(file, {
        endpoint: form.dataset.endpoint,
        chunkSize: parseInt(form.dataset.chunk, 10),
        retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000, 60000],
        headers: { "X-CSRFToken": token },
        metadata: Object.assign({ filename: file.name, filetype: file.type }, meta),
        // The file as the browser describes it, for this endpoint and target (a lesson and
        // language, a practice): choosing the same file again after a browser restart finds
        // the upload to resume.
        fingerprint: function (file) {
          var target = Object.keys(meta).sort().map(function (k) { return k + "=" + meta[k]; });
          return Promise.resolve(["headway", form.dataset.endpoint, file.name, file.type,
            file.size, file.lastModified].concat(target).join("-"));
        },
        storeFingerprintForResuming: true,
        removeFingerprintOnSuccess: true,
        onShouldRetry: function (err) {
          var status = err.originalResponse ? err.originalResponse.getStatus() : 0;
          if (!status || status === 409 || status === 423 || status >= 500) {
            waiting(!status);
            return true;
          }
          return false;
        },
        onProgress: function (sent, total) {
          if (!startBytes) startBytes = sent;
          waiting(false);
          bar.value = total ? (sent / total) * 100 : 0;
          var rate = (sent - startBytes) / Math.max(1, (Date.now() - started) / 1000);
          var text = fill(texts.sent, { sent: mb(sent), total: mb(total) });
          if (rate > 0 && sent < total) text += " · " + fill(texts.left, { time: timeLeft((total - sent) / rate) });
          line.textContent = text;
        },
        onError: function (err) {
          var response = err.originalResponse;
          var reason = response ? response.getBody() : String(err.message || err);
          network.textContent = texts.failed + " " + reason;
          box.classList.add("failed");
          upload = null;
        },
        onSuccess: function () {
          bar.value = 100;
          network.textContent = texts.done;
          upload = null;
          if (form.dataset.done) { window.location.assign(form.dataset.done); return; }
          var status = document.getElementById("lesson-media");
          if (status && window.htmx) {
            htmx.ajax("GET", form.dataset.status, { target: status, swap: "outerHTML" });
          }
        }
      });
      upload.findPreviousUploads().then(function (previous) {
        if (previous.length) {
          upload.resumeFromPreviousUpload(previous[0]);
          network.textContent = texts.resumed;
        }
        upload.start();
      });
    }

    form.addEventListener("submit", function (event) {
      if (!input.files.length) return;  // the server says to choose a file
      event.preventDefault();
      var file = input.files[0];
      withTus(form, function () {
        if (tus.isSupported) start(file); else form.submit();  // the plain upload
      });
    });
    form.querySelector("#upload-cancel").addEventListener("click", function () {
      if (upload) upload.abort(true);
      upload = null;
      box.hidden = true;
    });
  }

  function init() {
    var form = document.getElementById("upload-form");
    if (form) setUp(form);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();  // loaded by a page htmx swapped in
  document.addEventListener("htmx:load", init);
})();

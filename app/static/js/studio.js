/* The studio's resumable upload: tus-js-client sends the chosen file in chunks to
   /studio/uploads/, shows bytes sent and time left, says when it waits for the network,
   and resumes after a dropped connection or a browser restart (tus-js-client keeps each
   upload's URL in localStorage under the file's fingerprint). Without JavaScript the same
   form posts the file in one piece. */
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

  function setUp(form) {
    if (!window.tus || !tus.isSupported || form.dataset.ready) return;
    form.dataset.ready = "1";
    var input = form.querySelector("#upload-file");
    var box = form.querySelector("#upload-progress");
    var bar = box.querySelector("progress");
    var line = box.querySelector(".figures-line");
    var network = box.querySelector(".network");
    var texts = form.querySelector("#upload-texts").dataset;
    var token = form.querySelector("input[name=csrf_token]").value;
    var upload = null;
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
        metadata: {
          filename: file.name,
          filetype: file.type,
          lesson: form.dataset.lesson,
          language: form.dataset.language
        },
        // The file as the browser describes it, for this lesson and language: choosing the
        // same file again after a browser restart finds the upload to resume.
        fingerprint: function (file) {
          return Promise.resolve(["headway", file.name, file.type, file.size, file.lastModified,
            form.dataset.lesson, form.dataset.language].join("-"));
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
      start(input.files[0]);
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
  document.addEventListener("DOMContentLoaded", init);
  document.addEventListener("htmx:load", init);
})();

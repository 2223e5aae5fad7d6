// The booth's lead scanner: a keyboard-wedge scanner types the badge code and Enter into the
// form's input; the camera (jsQR, as at the door) fills it in. Each scan is sent without leaving
// the page (the camera keeps running); without this script the form posts as a plain form.
(function () {
  "use strict";
  var form = document.getElementById("lead-scan-form");
  if (!form || !window.fetch) { return; }
  var config = JSON.parse(document.getElementById("lead-scan-config").textContent);
  var S = config.strings;
  var input = form.elements.code;
  var answerBox = document.getElementById("lead-answer");
  var history = document.getElementById("lead-history");
  var cameraBox = document.getElementById("lead-camera");
  var toggle = document.getElementById("lead-camera-toggle");
  var SAME_CODE_PAUSE_MS = 3000;
  var DECODE_EVERY_MS = 150;
  var stream = null;
  var lastCode = "";
  var lastCodeAt = 0;
  var inFlight = {};

  function show(body) {
    var line = document.createElement("p");
    line.className = "lead-answer-" + (body.status === "ok" ? "ok" : "error");
    line.dataset.status = body.status === "ok" ? "ok" : "error";
    line.textContent = body.message || S.offline;
    if (body.url) {
      var link = document.createElement("a");
      link.href = body.url;
      link.textContent = S.open;
      line.appendChild(document.createTextNode(" "));
      line.appendChild(link);
      var item = document.createElement("li");
      item.appendChild(line.cloneNode(true));
      history.insertBefore(item, history.firstChild);
    }
    answerBox.replaceChildren(line);
  }

  function send(code) {
    if (!code || inFlight[code]) { return; }
    inFlight[code] = true;
    var data = new FormData(form);
    data.set("code", code);
    fetch(form.action || window.location.href, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    }).then(function (response) {
      return response.json().catch(function () { return { status: "error" }; });
    }).then(show).catch(function () {
      show({ status: "error", message: S.offline });
    }).then(function () { delete inFlight[code]; });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var code = input.value.trim();
    input.value = "";
    send(code);
    input.focus();
  });

  // --- Camera (optional): the same decoder as the door scanner ---------------------------------
  if (!window.jsQR || !window.qrDecodeLoop || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) { return; }
  cameraBox.hidden = false;
  var video = document.getElementById("lead-video");
  var canvas = document.getElementById("lead-canvas");

  function fromCamera(code) {
    var now = Date.now();
    var seenJustNow = code === lastCode && now - lastCodeAt < SAME_CODE_PAUSE_MS;
    lastCode = code;
    lastCodeAt = now;
    if (!seenJustNow) { send(code.trim()); }
  }

  function decodeLoop() {
    window.qrDecodeLoop(video, canvas, {
      everyMs: DECODE_EVERY_MS,
      running: function () { return Boolean(stream); },
      onCode: fromCamera,
    });
  }

  toggle.addEventListener("click", function () {
    if (stream) {
      stream.getTracks().forEach(function (track) { track.stop(); });
      stream = null;
      toggle.textContent = S.cameraStart;
      return;
    }
    navigator.mediaDevices.getUserMedia({
      video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
      audio: false,
    }).then(function (media) {
      stream = media;
      video.srcObject = media;
      video.play();
      toggle.textContent = S.cameraStop;
      decodeLoop();
    }).catch(function (error) {
      show({ status: "error", message: S.cameraError.replace("%(error)s", error.name || error) });
    });
  });
})();

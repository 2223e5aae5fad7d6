// The camera's QR decoder (jsQR) of both badge scanners: the door's (scanner.js) and the booth's
// (lead-scanner.js). It reads a frame every `everyMs`, scaled to at most 800 px wide, while
// `running()` is true, and hands each code found to `onCode(text)`.
window.qrDecodeLoop = function (video, canvas, options) {
  "use strict";
  var context = canvas.getContext("2d", { willReadFrequently: true });
  var last = 0;
  function tick(time) {
    if (!options.running()) { return; }
    if (time - last >= options.everyMs && video.readyState >= video.HAVE_CURRENT_DATA && video.videoWidth) {
      last = time;
      var scale = Math.min(1, 800 / video.videoWidth);
      canvas.width = Math.round(video.videoWidth * scale);
      canvas.height = Math.round(video.videoHeight * scale);
      context.drawImage(video, 0, 0, canvas.width, canvas.height);
      var image = context.getImageData(0, 0, canvas.width, canvas.height);
      var code = window.jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
      if (code && code.data) { options.onCode(code.data); }
    }
    window.requestAnimationFrame(tick);
  }
  window.requestAnimationFrame(tick);
};

// Pairing: the device token arrives in the URL fragment (never sent to the server). Keep it in
// this browser, drop it from the address bar and history, and open the scanner.
(function () {
  "use strict";
  var box = document.getElementById("pair");
  var token = decodeURIComponent(window.location.hash.replace(/^#/, ""));
  if (!/^fhd_[A-Za-z0-9_-]{20,80}$/.test(token)) {
    document.getElementById("pair-status").hidden = true;
    document.getElementById("pair-missing").hidden = false;
    return;
  }
  window.localStorage.setItem("forumhall.checkin.device", token);
  window.localStorage.removeItem("forumhall.checkin.revoked"); // a new pairing: no longer revoked
  window.history.replaceState(null, "", window.location.pathname);
  window.location.replace(box.dataset.scannerUrl);
})();

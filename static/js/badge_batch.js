// The badge sheet's progress bar in the admin: polls the batch's JSON until it is done or
// failed, then reloads the page (which then offers the download or shows the error).
(function () {
  "use strict";
  var bar = document.getElementById("batch-progress");
  if (!bar || !bar.dataset.pollUrl) { return; }
  var url = bar.dataset.pollUrl;
  function poll() {
    fetch(url, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (data) {
      bar.value = data.done; bar.max = data.total || 1;
      document.getElementById("batch-progress-text").textContent = data.done + " / " + data.total + " (" + data.percent + "%)";
      if (data.status === "done" || data.status === "failed") { window.location.reload(); } else { setTimeout(poll, 1500); }
    }).catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();

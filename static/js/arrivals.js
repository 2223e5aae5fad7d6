// Live arrivals: fetch the figures again every few seconds (paused while the tab is hidden).
(function () {
  "use strict";
  var live = document.getElementById("live");
  var every = Number(live.dataset.every) || 10000;
  function refresh() {
    if (document.hidden) { return; }
    fetch(live.dataset.url, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) { live.innerHTML = html; live.dataset.refreshed = String(Date.now()); })
      .catch(function () { /* keep the last figures; try again next time */ });
  }
  setInterval(refresh, every);
  document.addEventListener("visibilitychange", refresh);
})();

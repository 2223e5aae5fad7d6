// Keeps the "now running" highlight of the agenda and session pages up to date without a reload.
(function () {
  "use strict";
  function refresh() {
    var now = Date.now();
    document.querySelectorAll("[data-start][data-end]").forEach(function (el) {
      var running = Date.parse(el.dataset.start) <= now && now < Date.parse(el.dataset.end);
      el.classList.toggle("is-now", running);
    });
    document.querySelectorAll(".slot").forEach(function (slot) {
      slot.classList.toggle("is-now", slot.querySelector(".session.is-now") !== null);
    });
  }
  refresh();
  window.setInterval(refresh, 30000);
})();

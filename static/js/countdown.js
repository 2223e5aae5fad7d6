// The time left until a deadline ("còn 22 phút"), kept current. The page writes it first (it
// reads the same without JS); its words are on the element (data-word-*, in the page's
// language) and the server's clock in data-now, so a wrong clock on the device does not matter.
(function () {
  "use strict";
  function words(el, key) { return el.getAttribute("data-word-" + key) || ""; }
  function unit(el, name, n) {
    return words(el, name + (n === 1 ? "-one" : "-other")).replace("{n}", String(n));
  }
  function text(el, seconds) {
    if (seconds <= 0) { return words(el, "over"); }
    if (seconds < 60) { return words(el, "soon"); }
    var minutes = Math.floor(seconds / 60);
    var days = Math.floor(minutes / 1440), hours = Math.floor(minutes / 60) % 24;
    minutes = minutes % 60;
    var parts = days ? [["day", days], ["hour", hours]]
      : hours ? [["hour", hours], ["minute", minutes]] : [["minute", minutes]];
    var shown = parts.filter(function (p) { return p[1] > 0; })
      .map(function (p) { return unit(el, p[0], p[1]); });
    return words(el, "left").replace("{time}", shown.join(" "));
  }
  var timers = Array.prototype.slice.call(document.querySelectorAll("[data-countdown]"));
  if (!timers.length) { return; }
  timers.forEach(function (el) {
    el._deadline = Date.parse(el.getAttribute("data-countdown"));
    el._skew = Date.parse(el.getAttribute("data-now")) - Date.now();  // server minus device
  });
  function tick() {
    timers.forEach(function (el) {
      var seconds = Math.floor((el._deadline - (Date.now() + el._skew)) / 1000);
      var next = text(el, seconds);
      if (el.textContent !== next) { el.textContent = next; }
    });
  }
  tick();
  setInterval(tick, 1000);
})();

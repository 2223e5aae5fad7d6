// The floor plan: selecting a booth (click, or Enter on a focused booth) shows its details
// and, for a logged-in exhibitor, the button that holds it. Without JavaScript each booth is
// a link to its own page, which shows the same.
(function () {
  "use strict";
  function setup(root) {
    var panel = root.querySelector("[data-fp-details]");
    if (!panel) return;
    var form = panel.querySelector("[data-fp-hold-form]");
    var login = panel.querySelector("[data-fp-login]");
    var current = null;
    function field(name, value) {
      var el = panel.querySelector('[data-fp-field="' + name + '"]');
      if (el) el.textContent = value || "–";
      return el;
    }
    function select(booth) {
      var d = booth.dataset;
      if (current) current.removeAttribute("aria-current");
      current = booth;
      booth.setAttribute("aria-current", "true");
      field("title", d.code);
      field("state", d.stateLabel);
      field("zone", d.zone);
      field("tier", d.tier);
      field("size", d.size);
      field("price", d.price);
      field("amenities", d.amenities);
      var ex = field("exhibitor", d.exhibitor);
      var exLabel = panel.querySelector("[data-fp-exhibitor-label]");
      if (ex) ex.hidden = !d.exhibitor;
      if (exLabel) exLabel.hidden = !d.exhibitor;
      if (form) {
        form.action = d.holdUrl;
        form.hidden = d.bookable !== "1";
      }
      if (login) login.hidden = d.bookable !== "1";
      panel.hidden = false;
      panel.focus({ preventScroll: false });
    }
    root.querySelectorAll(".fp-booth").forEach(function (booth) {
      booth.addEventListener("click", function (event) {
        event.preventDefault();
        select(booth);
      });
      booth.addEventListener("keydown", function (event) {
        if (event.key === " " || event.key === "Spacebar") {
          event.preventDefault();
          select(booth);
        }
      });
    });
  }
  function init() {
    document.querySelectorAll("[data-floor-plan]").forEach(setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

// The floor plan editor (admin): the form's fields are the plan (it works without JavaScript);
// this drawing moves booths and shapes by dragging them, or with the arrow keys once selected,
// in steps of half a metre, and writes their place into the same fields. Typing in a field
// moves the drawing. The server checks the whole plan when it is saved.
(function () {
  "use strict";
  var SNAP = 0.5;
  function num(input) {
    var v = parseFloat(String(input.value).replace(",", "."));
    return isNaN(v) ? 0 : v;
  }
  function snap(v) { return Math.round(v / SNAP) * SNAP; }
  function setup(editor) {
    var svg = editor.querySelector("[data-plan-svg]");
    if (!svg) return;
    var help = editor.querySelector("[data-plan-help]");
    if (help) help.hidden = false;
    var hallW = editor.querySelector('[name="hall-hall_width_m"]');
    var hallD = editor.querySelector('[name="hall-hall_depth_m"]');
    function fields(key) {
      var row = editor.querySelector('[data-plan-row="' + key + '"]');
      function f(name) { return row.querySelector('[name="' + key + "-" + name + '"]'); }
      return { row: row, x: f("x_m"), y: f("y_m"), w: f("width_m"), d: f("depth_m") };
    }
    function draw(item) {
      var f = fields(item.getAttribute("data-plan-item"));
      var rect = item.querySelector("rect"), text = item.querySelector("text");
      var x = num(f.x), y = num(f.y), w = num(f.w), d = num(f.d);
      rect.setAttribute("x", x); rect.setAttribute("y", y);
      rect.setAttribute("width", Math.max(w, 0.1)); rect.setAttribute("height", Math.max(d, 0.1));
      text.setAttribute("x", x + w / 2); text.setAttribute("y", y + d / 2 + 0.2);
    }
    function hall() {
      var box = svg.getAttribute("viewBox").split(/\s+/).map(parseFloat);
      var w = hallW && num(hallW) > 0 ? num(hallW) : box[2];
      var d = hallD && num(hallD) > 0 ? num(hallD) : box[3];
      return { w: w, d: d };
    }
    function drawHall() {
      var h = hall();
      svg.setAttribute("viewBox", "0 0 " + h.w + " " + h.d);
      ["[data-plan-hall]", "[data-plan-image]"].forEach(function (sel) {
        var el = svg.querySelector(sel);
        if (el) { el.setAttribute("width", h.w); el.setAttribute("height", h.d); }
      });
    }
    [hallW, hallD].forEach(function (input) { if (input) input.addEventListener("input", drawHall); });
    var selected = null;
    function select(item) {
      if (selected) {
        selected.classList.remove("plan-selected");
        fields(selected.getAttribute("data-plan-item")).row.classList.remove("plan-row-selected");
      }
      selected = item;
      item.classList.add("plan-selected");
      fields(item.getAttribute("data-plan-item")).row.classList.add("plan-row-selected");
    }
    function moveTo(item, x, y) {
      var f = fields(item.getAttribute("data-plan-item"));
      var h = hall();
      x = Math.min(Math.max(0, snap(x)), Math.max(0, h.w - num(f.w)));
      y = Math.min(Math.max(0, snap(y)), Math.max(0, h.d - num(f.d)));
      f.x.value = x.toFixed(1);
      f.y.value = y.toFixed(1);
      draw(item);
    }
    function toPlan(event) {
      var p = svg.createSVGPoint();
      p.x = event.clientX; p.y = event.clientY;
      return p.matrixTransform(svg.getScreenCTM().inverse());
    }
    var drag = null;
    svg.querySelectorAll("[data-plan-item]").forEach(function (item) {
      var f = fields(item.getAttribute("data-plan-item"));
      [f.x, f.y, f.w, f.d].forEach(function (input) {
        input.addEventListener("input", function () { draw(item); });
      });
      draw(item);
      item.addEventListener("pointerdown", function (event) {
        event.preventDefault();
        select(item);
        item.focus();
        var p = toPlan(event);
        drag = { item: item, dx: p.x - num(f.x), dy: p.y - num(f.y), id: event.pointerId };
        item.setPointerCapture(event.pointerId);
      });
      item.addEventListener("pointermove", function (event) {
        if (!drag || drag.item !== item || drag.id !== event.pointerId) return;
        var p = toPlan(event);
        moveTo(item, p.x - drag.dx, p.y - drag.dy);
      });
      function end() { drag = null; }
      item.addEventListener("pointerup", end);
      item.addEventListener("pointercancel", end);
      item.addEventListener("focus", function () { select(item); });
      item.addEventListener("keydown", function (event) {
        var step = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] }[event.key];
        if (step) {
          event.preventDefault();
          var k = event.shiftKey ? 2 : 1;
          moveTo(item, num(f.x) + step[0] * SNAP * k, num(f.y) + step[1] * SNAP * k);
        } else if (event.key === "Enter") {
          event.preventDefault();
          f.x.focus();
        }
      });
    });
  }
  function init() { document.querySelectorAll("[data-plan-editor]").forEach(setup); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

// The floor plan: selecting a booth (click, or Enter on a focused booth) shows its details
// and, for a logged-in exhibitor, the button that holds it. Without JavaScript each booth is
// a link to its own page, which shows the same. The plan (an SVG in metres) zooms and pans by
// changing its viewBox: buttons, pinch, drag, Ctrl + wheel; the arrow keys go from a booth to
// its nearest neighbour in that direction; the search box highlights an exhibitor's booths
// (accent-blind, with fold.js).
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
  function booths(root) {
    return Array.prototype.slice.call(root.querySelectorAll(".fp-booth"));
  }
  function centre(booth) {
    var r = booth.querySelector(".fp-rect");
    var x = parseFloat(r.getAttribute("x")), y = parseFloat(r.getAttribute("y"));
    var w = parseFloat(r.getAttribute("width")), h = parseFloat(r.getAttribute("height"));
    return { x: x + w / 2, y: y + h / 2, w: w, h: h };
  }
  // The nearest booth from `from` in a direction: ahead of it, the distance along the
  // direction plus twice the distance across it (the booth beside wins over one diagonal).
  function neighbour(all, from, key) {
    var a = centre(from), best = null, bestScore = Infinity;
    var dir = { ArrowRight: [1, 0], ArrowLeft: [-1, 0], ArrowDown: [0, 1], ArrowUp: [0, -1] }[key];
    all.forEach(function (other) {
      if (other === from) return;
      var b = centre(other);
      var along = (b.x - a.x) * dir[0] + (b.y - a.y) * dir[1];
      var across = Math.abs((b.x - a.x) * dir[1] + (b.y - a.y) * dir[0]);
      if (along <= 0.01) return;
      var score = along + 2 * across;
      if (score < bestScore) { bestScore = score; best = other; }
    });
    return best;
  }
  function viewer(root) {
    var svg = root.querySelector("[data-fp-svg]");
    var tools = root.querySelector("[data-fp-tools]");
    if (!svg || !tools) return;
    tools.hidden = false;
    var full = svg.getAttribute("viewBox").split(/\s+/).map(parseFloat);
    var W = full[2], H = full[3];
    var vb = full.slice();
    function apply() {
      vb[2] = Math.min(W, Math.max(W / 12, vb[2]));
      vb[3] = vb[2] * H / W;
      vb[0] = Math.min(Math.max(0, vb[0]), W - vb[2]);
      vb[1] = Math.min(Math.max(0, vb[1]), H - vb[3]);
      svg.setAttribute("viewBox", vb.map(function (v) { return +v.toFixed(3); }).join(" "));
      svg.classList.toggle("fp-zoomed", vb[2] < W - 0.001);
    }
    function zoom(factor, cx, cy) {
      if (cx === undefined) { cx = vb[0] + vb[2] / 2; cy = vb[1] + vb[3] / 2; }
      var w = Math.min(W, Math.max(W / 12, vb[2] / factor));
      var k = w / vb[2];
      vb = [cx - (cx - vb[0]) * k, cy - (cy - vb[1]) * k, w, w * H / W];
      apply();
    }
    function showBooth(booth, close) {
      var c = centre(booth);
      if (close && vb[2] > Math.max(c.w, c.h) * 5) {
        vb[2] = Math.max(c.w, c.h) * 5;
        vb[3] = vb[2] * H / W;
      }
      var inside = c.x > vb[0] && c.x < vb[0] + vb[2] && c.y > vb[1] && c.y < vb[1] + vb[3];
      if (close || !inside) { vb[0] = c.x - vb[2] / 2; vb[1] = c.y - vb[3] / 2; }
      apply();
    }
    function toPlan(clientX, clientY) {
      var m = svg.getScreenCTM();
      if (!m) return { x: vb[0], y: vb[1] };
      var p = svg.createSVGPoint();
      p.x = clientX; p.y = clientY;
      p = p.matrixTransform(m.inverse());
      return { x: p.x, y: p.y };
    }
    tools.querySelectorAll("[data-fp-zoom]").forEach(function (button) {
      button.addEventListener("click", function () {
        var what = button.getAttribute("data-fp-zoom");
        if (what === "in") zoom(1.5);
        else if (what === "out") zoom(1 / 1.5);
        else { vb = full.slice(); apply(); }
      });
    });
    svg.addEventListener("wheel", function (event) {
      if (!(event.ctrlKey || event.metaKey) && !svg.classList.contains("fp-zoomed")) return;
      event.preventDefault();
      if (event.ctrlKey || event.metaKey) {
        var p = toPlan(event.clientX, event.clientY);
        zoom(Math.exp(-event.deltaY / 300), p.x, p.y);
      } else {
        var unit = vb[2] / svg.getBoundingClientRect().width;
        vb[0] += event.deltaX * unit; vb[1] += event.deltaY * unit;
        apply();
      }
    }, { passive: false });
    var pointers = {}, dragged = false, pinch = null;
    svg.addEventListener("pointerdown", function (event) {
      pointers[event.pointerId] = { x: event.clientX, y: event.clientY };
      dragged = false;
      pinch = null;
    });
    svg.addEventListener("pointermove", function (event) {
      var last = pointers[event.pointerId];
      if (!last) return;
      var ids = Object.keys(pointers);
      var unit = vb[2] / svg.getBoundingClientRect().width;
      if (ids.length === 2) {
        var other = pointers[ids[0] == event.pointerId ? ids[1] : ids[0]];
        var dist = Math.hypot(event.clientX - other.x, event.clientY - other.y);
        if (pinch) {
          var mid = toPlan((event.clientX + other.x) / 2, (event.clientY + other.y) / 2);
          zoom(dist / pinch, mid.x, mid.y);
        }
        pinch = dist;
        dragged = true;
      } else if (ids.length === 1) {
        var dx = event.clientX - last.x, dy = event.clientY - last.y;
        if (!dragged && Math.abs(dx) + Math.abs(dy) < 5) return;
        if (svg.classList.contains("fp-zoomed")) {
          dragged = true;
          vb[0] -= dx * unit; vb[1] -= dy * unit;
          apply();
        }
      }
      pointers[event.pointerId] = { x: event.clientX, y: event.clientY };
    });
    function up(event) { delete pointers[event.pointerId]; pinch = null; }
    svg.addEventListener("pointerup", up);
    svg.addEventListener("pointercancel", up);
    // A drag that ends on a booth does not select it.
    svg.addEventListener("click", function (event) {
      if (dragged) { event.preventDefault(); event.stopPropagation(); dragged = false; }
    }, true);
    var all = booths(root);
    all.forEach(function (booth) {
      booth.addEventListener("keydown", function (event) {
        if (!/^Arrow(Up|Down|Left|Right)$/.test(event.key)) return;
        var next = neighbour(all, booth, event.key);
        event.preventDefault();
        if (next) { next.focus(); showBooth(next, false); }
      });
    });
    var search = tools.querySelector("[data-fp-search]");
    var status = tools.querySelector("[data-fp-search-status]");
    var fold = window.forumhallFold || function (v) { return String(v || "").toLowerCase(); };
    var keys = all.map(function (b) { return fold(b.dataset.code + " " + (b.dataset.exhibitor || "")); });
    var matches = [];
    function find() {
      var q = fold(search.value);
      matches = [];
      all.forEach(function (booth, i) {
        var hit = q && keys[i].indexOf(q) !== -1;
        booth.classList.toggle("fp-match", !!hit);
        booth.classList.toggle("fp-dim", !!q && !hit);
        if (hit) matches.push(booth);
      });
      if (!q) { status.textContent = ""; return; }
      var codes = matches.map(function (b) { return b.dataset.code; }).join(", ");
      status.textContent = matches.length
        ? root.dataset.fpFound.replace("#COUNT#", matches.length).replace("#CODES#", codes)
        : root.dataset.fpNotFound;
    }
    search.addEventListener("input", find);
    search.addEventListener("keydown", function (event) {
      if (event.key !== "Enter") return;
      event.preventDefault();
      find();
      if (matches.length) { showBooth(matches[0], true); matches[0].focus(); }
    });
  }
  function init() {
    document.querySelectorAll("[data-floor-plan]").forEach(setup);
    document.querySelectorAll("[data-floor-plan]").forEach(viewer);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();

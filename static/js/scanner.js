// The door scanner: camera (jsQR) and keyboard-wedge USB/Bluetooth scanners, full-screen answers
// with sound and vibration, manual search, undo, walk-ins. It talks to the check-in API with the
// device token kept after pairing, or with the staff session (CSRF token from the cookie).
// Offline first (checkin-offline.js): it keeps a copy of the list, decides a scan from it when the
// server does not answer within config.onlineTimeoutMs, queues that scan in IndexedDB and sends
// the queue, in order, when the network is back.
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("scanner-config").textContent);
  var S = config.strings;
  var TOKEN_KEY = "forumhall.checkin.device";
  // Set when the server said the device was revoked: a reload still says so (not "sign in").
  var REVOKED_KEY = "forumhall.checkin.revoked";
  var LIST_KEY = "forumhall.checkin.list";
  var GATE_KEY = "forumhall.checkin.gate";
  var CAMERA_KEY = "forumhall.checkin.camera";
  var SAME_CODE_PAUSE_MS = 2500;
  var SEARCH_LIMIT = 20;        // the API's too: it says "more" when there are others
  var DECODE_EVERY_MS = 120;

  var $ = function (id) { return document.getElementById(id); };
  var root = $("scanner");
  var wedge = $("wedge");
  var deviceToken = window.localStorage.getItem(TOKEN_KEY);
  var events = [];
  var lastOk = null;            // the last successful answer (for undo)
  var lastCode = "";            // the last code sent, and when (camera frames repeat it)
  var lastCodeAt = 0;
  var inFlight = {};            // code -> true while its request runs
  var hideTimer = null;
  var stream = null;
  var audio = null;
  var walkinRegistration = null;
  var kiosk = false;            // a self check-in kiosk: the guests' own screen
  var kioskTicket = null;       // what prints the badge of the guest just checked in

  var Store = window.ForumhallCheckinStore;
  var snapshot = null;          // the current list's copy (ForumhallSnapshot), once loaded
  var offlineMode = false;      // the server did not answer: decide from the copy and queue
  var queued = 0;               // scans waiting in the queue
  var syncTimer = null;
  var syncing = null;           // the running synchronisation (a promise), if any
  var timings = window.forumhallScannerTimings = [];  // scan to answer on screen, in ms (bench)

  // A name the server gave in another language than the page's (a Vietnamese fallback of an
  // English name) is marked so that a screen reader switches voice.
  function markLang(element, lang) {
    if (lang && lang !== config.lang) { element.lang = lang; } else { element.removeAttribute("lang"); }
  }

  // --- HTTP --------------------------------------------------------------------------------

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }

  function headers(json) {
    var h = { "Accept": "application/json", "Accept-Language": config.lang };
    if (deviceToken) { h["Authorization"] = "Bearer " + deviceToken; }
    else { h["X-CSRFToken"] = cookie("csrftoken"); }
    if (json) { h["Content-Type"] = "application/json"; }
    return h;
  }

  function api(method, url, data, timeoutMs) {
    var controller = new AbortController();
    var timer = timeoutMs ? setTimeout(function () { controller.abort(); }, timeoutMs) : null;
    return fetch(url, {
      method: method,
      headers: headers(data !== undefined),
      body: data === undefined ? undefined : JSON.stringify(data),
      credentials: "same-origin",
      cache: "no-store",
      signal: controller.signal,
    }).then(function (response) {
      clearTimeout(timer);
      return response.json().catch(function () { return {}; }).then(function (body) {
        body.httpStatus = response.status;
        return body;
      });
    });
  }

  // A scan is retried with the same nonce on a network error: the server answers it once.
  function postWithRetry(url, data, attempts) {
    return api("POST", url, data).catch(function (error) {
      if (attempts <= 1) { throw error; }
      return new Promise(function (resolve) { setTimeout(resolve, 400); })
        .then(function () { return postWithRetry(url, data, attempts - 1); });
    });
  }

  function nonce() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // --- Set-up: lists and gates ---------------------------------------------------------------

  function notice(text) {
    var box = $("scanner-notice");
    box.textContent = text || "";
    box.hidden = !text;
  }

  function currentList() {
    var id = Number($("list-select").value);
    for (var i = 0; i < events.length; i++) {
      for (var j = 0; j < events[i].lists.length; j++) {
        if (events[i].lists[j].id === id) { return { event: events[i], list: events[i].lists[j] }; }
      }
    }
    return null;
  }

  function fillGates() {
    var found = currentList();
    var select = $("gate-select");
    var saved = window.localStorage.getItem(GATE_KEY) || "";
    select.innerHTML = "";
    var gates = found ? found.list.gates : [];
    [""].concat(gates).forEach(function (gate) {
      var option = document.createElement("option");
      option.value = gate;
      option.textContent = gate || "—";
      option.selected = gate === saved;
      select.appendChild(option);
    });
    var categories = $("walkin-category");
    categories.innerHTML = "";
    (found ? found.event.categories : []).forEach(function (category) {
      var option = document.createElement("option");
      option.value = category.id;
      option.textContent = category.name;
      markLang(option, category.lang);
      categories.appendChild(option);
    });
    walkinQuestions(found ? found.event.questions || [] : []);
  }

  // The event's required questions (events/services/questions.py question_data), each shown
  // only for the categories it is asked of.
  var INPUT_TYPES = { phone: "tel", email: "email", number: "number", date: "date" };
  function walkinQuestion(question) {
    var box = document.createElement(question.kind === "choices" ? "fieldset" : "label");
    var title = document.createElement(question.kind === "choices" ? "legend" : "span");
    title.textContent = question.label;
    markLang(title, question.lang);
    box.appendChild(title);
    box.dataset.key = question.key;
    box.dataset.categories = question.categories.join(" ");
    var choices = question.choices;
    if (question.kind === "yes_no") {
      choices = [{ key: "yes", label: S.answerYes }, { key: "no", label: S.answerNo }];
    }
    if (question.kind === "choices") {
      choices.forEach(function (choice) {
        var label = document.createElement("label");
        var tick = document.createElement("input");
        tick.type = "checkbox";
        tick.value = choice.key;
        label.appendChild(tick);
        label.appendChild(document.createTextNode(" " + choice.label));
        box.appendChild(label);
      });
      return box;
    }
    var input;
    if (question.kind === "choice" || question.kind === "yes_no") {
      input = document.createElement("select");
      [{ key: "", label: "—" }].concat(choices).forEach(function (choice) {
        var option = document.createElement("option");
        option.value = choice.key;
        option.textContent = choice.label;
        input.appendChild(option);
      });
    } else if (question.kind === "long_text") {
      input = document.createElement("textarea");
      input.rows = 2;
    } else {
      input = document.createElement("input");
      input.type = INPUT_TYPES[question.kind] || "text";
    }
    input.required = true;
    input.autocomplete = "off";
    box.appendChild(input);
    return box;
  }
  function walkinQuestions(questions) {
    var holder = $("walkin-questions");
    holder.innerHTML = "";
    questions.forEach(function (question) { holder.appendChild(walkinQuestion(question)); });
    walkinQuestionsShown();
  }
  // A question limited to some categories: hidden (and not sent) for the others.
  function walkinQuestionsShown() {
    var category = $("walkin-category").value;
    Array.prototype.forEach.call($("walkin-questions").children, function (box) {
      var only = box.dataset.categories ? box.dataset.categories.split(" ") : [];
      box.hidden = only.length > 0 && only.indexOf(category) < 0;
      Array.prototype.forEach.call(box.querySelectorAll("input, select, textarea"), function (el) {
        el.disabled = box.hidden;
      });
    });
  }
  function walkinAnswers() {
    var answers = {};
    Array.prototype.forEach.call($("walkin-questions").children, function (box) {
      if (box.hidden) { return; }
      var boxes = box.querySelectorAll("input[type=checkbox]");
      if (boxes.length) {
        answers[box.dataset.key] = Array.prototype.filter.call(boxes, function (el) { return el.checked; })
          .map(function (el) { return el.value; });
      } else {
        answers[box.dataset.key] = box.querySelector("input, select, textarea").value;
      }
    });
    return answers;
  }

  function setup(data) {
    events = data.events || [];
    if (data.name) { $("scanner-title").textContent = data.name; }
    kiosk = !!data.kiosk;
    var select = $("list-select");
    var saved = Number(window.localStorage.getItem(LIST_KEY));
    select.innerHTML = "";
    events.forEach(function (event) {
      var group = document.createElement("optgroup");
      group.label = event.name;
      markLang(group, event.lang);
      event.lists.forEach(function (item) {
        var option = document.createElement("option");
        option.value = item.id;
        option.textContent = item.name;
        option.selected = item.id === saved;
        group.appendChild(option);
      });
      select.appendChild(group);
    });
    if (!select.options.length) { notice(S.noLists); return; }
    fillGates();
    ["scanner-setup", "camera-box", "wedge-form", "scanner-actions"].forEach(function (id) { $(id).hidden = false; });
    if (kiosk) {
      // The guests' screen: no list to choose, no undo, search or walk-ins; their QR or their
      // email and code.
      root.dataset.mode = "kiosk";
      $("scanner-title").textContent = S.kioskTitle;
      ["scanner-setup", "scanner-actions", "history"].forEach(function (id) { $(id).hidden = true; });
      $("kiosk-box").hidden = false;
    }
    $("walkin-button").hidden = !config.api.walkin;
    $("forget-device").hidden = !deviceToken;
    root.dataset.state = "ready";
    if (window.localStorage.getItem(CAMERA_KEY) === "on") { startCamera(); }
    focusWedge();
    useList(Number(select.value));
    clearInterval(syncTimer);
    syncTimer = setInterval(sync, config.syncEveryMs);
  }

  function load() {
    if (!deviceToken && !config.staff && window.localStorage.getItem(REVOKED_KEY)) {
      root.dataset.state = "revoked";
      notice(S.revoked);
      return;
    }
    if (!deviceToken && !config.staff) {
      root.dataset.state = "signed-out";
      notice(S.signIn);
      var link = document.createElement("a");
      link.href = config.loginUrl;
      link.textContent = " →";
      $("scanner-notice").appendChild(link);
      return;
    }
    // No network, or no answer within 5 s: the scanner starts from the lists and copies kept by
    // this browser; a late answer still counts if it says the device was revoked.
    var started = false;
    function fromCopy() {
      if (started) { return; }
      started = true;
      Store.getMeta("lists").then(function (saved) {
        if (!saved) { notice(S.offline); return; }
        setOffline(true);
        setup(saved);
      }).catch(function () { notice(S.offline); });
    }
    api("GET", config.api.lists).then(function (data) {
      if (data.httpStatus === 401 && deviceToken) { started = true; revoked(); return; }
      if (started) { return; }
      started = true;
      if (data.httpStatus !== 200) { notice(data.message || S.signIn); return; }
      Store.setMeta("lists", { events: data.events, name: data.name }).catch(function () {});
      setup(data);
    }).catch(fromCopy);
    setTimeout(fromCopy, 5000);
  }

  // The device was revoked (or its pairing expired, or replaced): it keeps nothing.
  function revoked() {
    window.localStorage.removeItem(TOKEN_KEY);
    window.localStorage.setItem(REVOKED_KEY, "1");
    deviceToken = null;
    snapshot = null;
    clearInterval(syncTimer);
    root.dataset.state = "revoked";
    notice(S.revoked);
    Store.wipe().then(function () {
      queued = 0;
      root.dataset.wiped = "yes";
      notice(S.wiped);
      updateBanner();
    });
  }

  // --- Feedback: full-screen answer, sound, vibration ---------------------------------------

  function tone(kind) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var plan = { ok: [[880, 0, 0.12]], warn: [[520, 0, 0.12], [520, 0.18, 0.12]], bad: [[200, 0, 0.45]] }[kind];
      plan.forEach(function (step) {
        var osc = audio.createOscillator();
        var gain = audio.createGain();
        osc.type = kind === "bad" ? "square" : "sine";
        osc.frequency.value = step[0];
        gain.gain.value = 0.2;
        osc.connect(gain).connect(audio.destination);
        osc.start(audio.currentTime + step[1]);
        osc.stop(audio.currentTime + step[1] + step[2]);
      });
    } catch (e) { /* no audio: the colour says it all */ }
    if (navigator.vibrate) {
      navigator.vibrate({ ok: 80, warn: [80, 60, 80], bad: [300, 100, 300] }[kind]);
    }
  }

  // Green only for a guest let in; amber for one already in, or registered but not admitted
  // (a walk-in waitlisted or waiting for approval); red for a refusal.
  var WARN_REASONS = ["already_checked_in", "waitlisted", "pending_approval"];

  function levelOf(answer) {
    if (answer.status === "ok") { return "ok"; }
    return WARN_REASONS.indexOf(answer.reason) >= 0 ? "warn" : "bad";
  }

  // options.print: the guest's badge may be printed from the answer (a walk-in let in).
  function showAnswer(answer, options) {
    var level = levelOf(answer);
    var print = !!(options && options.print);
    var box = $("answer");
    var person = answer.registration;
    box.className = "answer answer-" + level;
    box.dataset.reason = answer.reason || "ok";
    $("answer-icon").textContent = { ok: "✓", warn: "!", bad: "✕" }[level];
    $("answer-name").textContent = person ? person.full_name : "";
    $("answer-org").textContent = person ? [person.title, person.organization].filter(Boolean).join(" · ") : "";
    var category = $("answer-category");
    category.textContent = person ? person.category.name : "";
    markLang(category, person ? person.category.lang : "");
    category.style.background = person ? person.category.colour : "";
    category.hidden = !person;
    $("answer-message").textContent = answer.message || "";
    $("answer-offline").hidden = !answer.offline;
    $("answer-actions").hidden = !print;
    box.dataset.offline = answer.offline ? "yes" : "no";
    box.hidden = false;
    tone(level);
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hideAnswer, print ? 12000 : (level === "ok" ? 1600 : 3500));
    addHistory(answer, level);
    updateCount();
  }

  function hideAnswer() {
    $("answer").hidden = true;
    focusWedge();
  }

  function addHistory(answer, level) {
    var item = document.createElement("li");
    item.className = "history-" + level;
    var time = new Date().toLocaleTimeString(config.lang, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    var who = answer.registration ? answer.registration.full_name : "";
    item.textContent = time + " · " + [who, answer.message].filter(Boolean).join(" — ");
    var list = $("history");
    list.insertBefore(item, list.firstChild);
    while (list.children.length > 8) { list.removeChild(list.lastChild); }
  }

  // --- Scanning ------------------------------------------------------------------------------

  function scanOptions() {
    return {
      list: Number($("list-select").value),
      gate: $("gate-select").value,
      kind: $("exit-mode").checked ? "exit" : "entry",
      nonce: nonce(),
    };
  }

  function handleAnswer(answer, options) {
    if (answer.httpStatus === 401) { revoked(); return; }
    if (answer.status === "ok" && answer.checkin && answer.kind === "entry") {
      lastOk = answer;
      $("undo-button").disabled = false;
    }
    // Admitted by the server: the copy of the list counts the guest in at once.
    if (snapshot && answer.status === "ok" && answer.kind === "entry" && answer.registration && !answer.offline) {
      var person = snapshot.byId.get(answer.registration.id);
      if (person) { snapshot.markLocalEntry(person, answer.checked_in_at, answer.gate); }
    }
    showAnswer(answer, options);
  }

  // From the camera, a badge that stays in view is scanned once: it must leave the picture for
  // a moment before it is read again. A wedge scan is always deliberate.
  function submitCode(raw, fromCamera) {
    var code = (raw || "").trim();
    if (!code || inFlight[code]) { return; }
    var now = Date.now();
    if (fromCamera) {
      var seenJustNow = code === lastCode && now - lastCodeAt < SAME_CODE_PAUSE_MS;
      lastCode = code;
      lastCodeAt = now;
      if (seenJustNow) { return; }
    }
    inFlight[code] = true;
    var started = window.performance.now();
    var data = scanOptions();
    data.token = code;
    (kiosk ? kioskSend(data) : scan(config.api.checkin, data))
      .then(kiosk ? kioskAnswer : handleAnswer)
      .catch(function () { showAnswer({ status: "error", reason: "offline", message: S.offline }); })
      .then(function () {
        delete inFlight[code];
        window.requestAnimationFrame(function () { timings.push(window.performance.now() - started); });
      });
  }

  // Keyboard wedge: the scanner "types" the code and Enter into the focused input.
  $("wedge-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var value = wedge.value;
    wedge.value = "";
    submitCode(value, false);
  });

  function dialogOpen() {
    return Array.prototype.some.call(document.querySelectorAll("dialog"), function (d) { return d.open; });
  }

  function focusWedge() {
    if (!dialogOpen() && root.dataset.state === "ready" && document.activeElement !== wedge) {
      var active = document.activeElement;
      if (active && /^(SELECT|TEXTAREA)$/.test(active.tagName)) { return; }
      if (active && active.closest && active.closest("#kiosk-form")) { return; }
      wedge.focus({ preventScroll: true });
    }
  }

  wedge.addEventListener("blur", function () { setTimeout(focusWedge, 250); });
  document.addEventListener("keydown", function (event) {
    if (audio && audio.state === "suspended") { audio.resume(); }
    if (dialogOpen() || event.target === wedge) { return; }
    if (event.target.tagName === "INPUT" || event.target.tagName === "SELECT") { return; }
    if (event.key.length === 1 || event.key === "Enter") { wedge.focus(); }
  });
  $("answer").addEventListener("click", function (event) {
    if (event.target.closest("#answer-actions")) { return; }
    hideAnswer();
  });

  // --- Camera --------------------------------------------------------------------------------

  function startCamera() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      notice(S.cameraError.replace("%(error)s", "getUserMedia"));
      return;
    }
    navigator.mediaDevices.getUserMedia({
      video: { facingMode: { ideal: "environment" }, width: { ideal: 1280 }, height: { ideal: 720 } },
      audio: false,
    }).then(function (media) {
      stream = media;
      var video = $("camera");
      video.srcObject = media;
      video.play();
      root.dataset.camera = "on";
      $("camera-toggle").textContent = S.cameraStop;
      window.localStorage.setItem(CAMERA_KEY, "on");
      decodeLoop();
    }).catch(function (error) {
      notice(S.cameraError.replace("%(error)s", error.name || error));
    });
  }

  function stopCamera() {
    if (stream) { stream.getTracks().forEach(function (track) { track.stop(); }); }
    stream = null;
    root.dataset.camera = "off";
    $("camera-toggle").textContent = S.cameraStart;
    window.localStorage.setItem(CAMERA_KEY, "off");
  }

  function decodeLoop() {
    window.qrDecodeLoop($("camera"), $("camera-canvas"), {
      everyMs: DECODE_EVERY_MS,
      running: function () { return Boolean(stream); },
      onCode: function (text) { submitCode(text, true); },
    });
  }

  $("camera-toggle").addEventListener("click", function () {
    if (audio && audio.state === "suspended") { audio.resume(); }
    if (stream) { stopCamera(); } else { startCamera(); }
  });

  // --- Lists, gates, device ------------------------------------------------------------------

  $("list-select").addEventListener("change", function () {
    window.localStorage.setItem(LIST_KEY, $("list-select").value);
    fillGates();
    focusWedge();
  });
  $("gate-select").addEventListener("change", function () {
    window.localStorage.setItem(GATE_KEY, $("gate-select").value);
    focusWedge();
  });
  $("forget-device").addEventListener("click", function () {
    if (window.confirm(S.forgetConfirm)) {
      window.localStorage.removeItem(TOKEN_KEY);
      window.location.reload();
    }
  });

  // --- Undo ----------------------------------------------------------------------------------

  $("undo-button").addEventListener("click", function () {
    if (!lastOk) { return; }
    $("undo-who").textContent = lastOk.registration.full_name;
    $("undo-reason").value = "";
    $("undo-panel").showModal();
  });
  $("undo-cancel").addEventListener("click", function () { $("undo-panel").close(); });
  $("undo-panel").addEventListener("close", focusWedge);
  $("undo-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var reason = $("undo-reason").value.trim() || $("undo-reason-choice").value;
    api("POST", config.api.annul, { checkin: lastOk.checkin, reason: reason }).then(function (body) {
      $("undo-panel").close();
      if (body.status === "ok") {
        addHistory({ message: S.undoDone + " " + lastOk.registration.full_name }, "warn");
        lastOk = null;
        $("undo-button").disabled = true;
        lastCode = "";
      } else {
        showAnswer(body);
      }
    });
  });

  // --- Search --------------------------------------------------------------------------------

  var searchTimer = null;
  var searchSeq = 0;

  $("search-button").addEventListener("click", function () {
    $("search-panel").showModal();
    $("search-input").focus();
  });
  $("search-panel").addEventListener("close", focusWedge);
  $("search-input").addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(runSearch, 200);
  });

  function runSearch() {
    var query = $("search-input").value.trim();
    var box = $("search-results");
    if (query.replace(/\s/g, "").length < 3) { box.innerHTML = ""; return; }
    var seq = ++searchSeq;
    var url = config.api.search + "?list=" + encodeURIComponent($("list-select").value) + "&q=" + encodeURIComponent(query);
    var asked = offlineMode && snapshot ? Promise.reject(new Error("offline")) : api("GET", url, undefined, config.onlineTimeoutMs);
    asked.catch(function () {
      if (!snapshot) { throw new Error("offline"); }
      var found = offlineSearch(query);
      return { results: found.slice(0, SEARCH_LIMIT), more: found.length > SEARCH_LIMIT, offline: true };
    }).then(function (data) {
      if (seq !== searchSeq) { return; }
      box.innerHTML = "";
      var results = data.results || [];
      if (!results.length) {
        var empty = document.createElement("li");
        empty.textContent = data.message || S.noResults;
        box.appendChild(empty);
      }
      results.forEach(function (person) { box.appendChild(resultItem(person)); });
      if (data.more) {
        var more = document.createElement("li");
        more.className = "search-more";
        more.textContent = S.searchMore.replace("%(count)s", results.length);
        box.appendChild(more);
      }
    });
  }

  function resultItem(person) {
    var item = document.createElement("li");
    item.className = "result";
    var text = document.createElement("div");
    var name = document.createElement("strong");
    name.textContent = person.full_name;
    var meta = document.createElement("small");
    var state = person.checked_in_at
      ? S.checkedInAt.replace("%(time)s", person.checked_in_at.slice(11, 16)) + (person.gate ? " (" + person.gate + ")" : "")
      : S.notCheckedIn;
    meta.textContent = [person.organization, person.email, person.phone, person.category.name,
      person.status === "confirmed" ? "" : person.status_label,
      person.admitted ? "" : S.notAdmitted, state].filter(Boolean).join(" · ");
    text.appendChild(name);
    text.appendChild(document.createElement("br"));
    text.appendChild(meta);
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.textContent = S.checkIn;
    button.addEventListener("click", function () {
      var data = scanOptions();
      data.registration = person.id;
      button.disabled = true;
      scan(config.api.manual, data).then(function (answer) {
        $("search-panel").close();
        handleAnswer(answer);
      }).catch(function () { showAnswer({ status: "error", reason: "offline", message: S.offline }); });
    });
    item.appendChild(text);
    item.appendChild(button);
    return item;
  }

  // --- Walk-ins ------------------------------------------------------------------------------

  $("walkin-button").addEventListener("click", function () {
    $("walkin-form").reset();
    walkinQuestionsShown();
    $("walkin-error").hidden = true;
    fillGates();
    $("walkin-panel").showModal();
  });
  $("walkin-cancel").addEventListener("click", function () { $("walkin-panel").close(); });
  $("walkin-category").addEventListener("change", walkinQuestionsShown);
  $("walkin-panel").addEventListener("close", focusWedge);
  // Registered: the dialog closes (a second tap would register the guest again) and the answer
  // says whether they are in. Green, with the badge to print, only for a confirmed guest
  // checked in; amber for a guest waitlisted or waiting for approval (not admitted).
  $("walkin-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    var submit = form.querySelector("[type=submit]");
    var data = scanOptions();
    ["full_name", "email", "phone", "organization", "title"].forEach(function (field) { data[field] = form.elements[field].value; });
    data.category = Number(form.elements.category.value);
    data.answers = walkinAnswers();
    data.language = config.lang;
    submit.disabled = true;
    api("POST", config.api.walkin, data).then(function (body) {
      if (body.httpStatus !== 200) {
        $("walkin-error").textContent = body.message || "";
        $("walkin-error").hidden = false;
        return;
      }
      $("walkin-panel").close();
      var admitted = !!(body.checkin && body.checkin.status === "ok");
      walkinRegistration = admitted ? body.registration : null;
      if (body.checkin) {
        handleAnswer(body.checkin, { print: admitted });
      } else {
        showAnswer({ status: "error", reason: body.registration.status, message: body.message, registration: body.registration });
      }
    }).catch(function () {
      $("walkin-error").textContent = S.offline;
      $("walkin-error").hidden = false;
    }).then(function () { submit.disabled = false; });
  });
  // The browser's print dialog of a page (the kiosk's A6 badge) or of the walk-in's PDF.
  function printInFrame(src) {
    var frame = document.createElement("iframe");
    frame.hidden = true;
    frame.className = "print-frame";
    frame.src = src;
    frame.onload = function () { try { frame.contentWindow.print(); } catch (e) { window.open(frame.src); } };
    document.body.appendChild(frame);
  }

  $("answer-print").addEventListener("click", function () {
    if (kiosk && kioskTicket) {
      // Printing is an action of its own: each print (a reprint too) is counted and logged.
      api("POST", config.api.kioskPrint, { ticket: kioskTicket }).then(function (body) {
        if (body.httpStatus === 200) { printInFrame(body.url); } else { showAnswer(body); }
      });
      return;
    }
    if (!walkinRegistration) { return; }
    fetch(walkinRegistration.badge_url, { headers: headers(false), credentials: "same-origin" })
      .then(function (response) { return response.blob(); })
      .then(function (blob) { printInFrame(URL.createObjectURL(blob)); });
  });

  // --- Self check-in kiosk --------------------------------------------------------------------

  // A guest's QR code, or their email and code: the server decides (no offline decision at a
  // kiosk: its answer carries the badge to print).
  function kioskSend(data) {
    return api("POST", config.api.kiosk, data, 10000).then(function (answer) {
      kioskTicket = answer.print_ticket || null;
      if (answer.httpStatus === 401) { revoked(); return answer; }
      return answer;
    });
  }

  function kioskAnswer(answer) {
    handleAnswer(answer, { print: !!kioskTicket });
  }

  $("kiosk-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    var data = scanOptions();
    data.email = form.elements.email.value;
    data.code = form.elements.code.value;
    kioskSend(data).then(function (answer) {
      if (answer.httpStatus !== 200) {
        $("kiosk-error").textContent = answer.message || "";
        $("kiosk-error").hidden = false;
        return;
      }
      form.reset();
      $("kiosk-error").hidden = true;
      kioskAnswer(answer);
    }).catch(function () {
      $("kiosk-error").textContent = S.offline;
      $("kiosk-error").hidden = false;
    });
  });

  // --- Offline first --------------------------------------------------------------------------

  function offlineSearch(query) {
    return snapshot.search(query, SEARCH_LIMIT + 1).map(function (person) {
      var answer = snapshot.decide(person, { kind: "entry" }, S, new Date());
      return {
        id: person.id, full_name: person.full_name, organization: person.organization, title: person.title,
        status: person.status, category: answer.registration.category, email: "", phone: "",
        status_label: person.status === "confirmed" ? "" : S.notConfirmedOffline,
        admitted: answer.reason !== "not_allowed",
        checked_in_at: person.entryAt, gate: person.entryGate || "",
      };
    });
  }

  // The list's live count: guests arrived (a live entry) out of those expected (confirmed, of a
  // category the list admits), from the copy of the list kept fresh every few seconds.
  function updateCount() {
    var box = $("list-count");
    if (!snapshot) { box.hidden = true; return; }
    var counts = snapshot.counts();
    box.textContent = S.listCount.replace("%(arrived)s", counts.arrived.toLocaleString(config.lang)).replace("%(expected)s", counts.expected.toLocaleString(config.lang));
    box.dataset.arrived = String(counts.arrived);
    box.dataset.expected = String(counts.expected);
    box.hidden = false;
  }

  function setOffline(value) {
    offlineMode = value;
    root.dataset.network = value ? "offline" : "online";
    updateBanner();
  }

  function updateBanner() {
    var banner = $("offline-banner");
    if (offlineMode || queued) {
      var text = !offlineMode ? S.syncing : (queued === 0 ? S.offlineNone : (queued === 1 ? S.offlineWaitingOne : S.offlineWaitingMany));
      banner.textContent = text.replace("%(count)s", queued);
      banner.hidden = false;
    } else {
      banner.hidden = true;
    }
    banner.dataset.queued = String(queued);
    var stale = $("stale-banner");
    var synced = snapshot && snapshot.data.syncedAt;
    var limit = (snapshot && snapshot.data.staleAfter || 600) * 1000;
    if (deviceToken && root.dataset.state === "ready" && !snapshot) {
      stale.textContent = S.neverSynced;
      stale.hidden = false;
    } else if (synced && Date.now() - synced > limit) {
      var when = new Date(synced);
      stale.textContent = S.stale.replace("%(time)s", when.toLocaleTimeString(config.lang, { hour: "2-digit", minute: "2-digit" }));
      stale.hidden = false;
    } else {
      stale.hidden = true;
    }
  }

  function listUrl(template, listId) { return template.replace("/0/", "/" + listId + "/"); }

  // Whose copy it is: its hashes are keyed to the device's token (a new pairing link, a new key).
  function owner() { return deviceToken ? deviceToken.slice(0, 12) : "staff"; }

  // The copy of the list: from IndexedDB at once, then fresh from the server.
  function useList(listId) {
    snapshot = null;
    if (!listId) { return Promise.resolve(); }
    return Store.loadSnapshot(listId).then(function (saved) {
      if (saved && saved.owner === owner() && Number($("list-select").value) === listId) {
        snapshot = new window.ForumhallSnapshot(saved);
      }
      return overlayQueue();
    }).catch(function () {}).then(function () {
      updateBanner();
      return sync();
    });
  }

  function fetchSnapshot(listId) {
    return api("GET", listUrl(config.api.snapshot, listId), undefined, 30000).then(function (data) {
      if (data.httpStatus === 401) { revoked(); throw new Error("revoked"); }
      if (data.httpStatus !== 200) { throw new Error(data.message || "snapshot"); }
      var record = {
        listId: listId, owner: owner(), list: data.list, categories: data.categories, key: data.key, hashBytes: data.hash_bytes,
        fields: data.fields, rows: data.registrations, cursor: data.cursor, syncedAt: Date.now(),
        snapshotAt: Date.now(), staleAfter: data.stale_after, snapshotEvery: data.snapshot_every,
      };
      if (Number($("list-select").value) === listId) { snapshot = new window.ForumhallSnapshot(record); }
      return Store.saveSnapshot(record).then(overlayQueue);
    });
  }

  function fetchChanges() {
    var current = snapshot;
    var url = listUrl(config.api.changes, current.data.listId) + "?since=" + encodeURIComponent(current.data.cursor);
    return api("GET", url, undefined, 10000).then(function (data) {
      if (data.httpStatus === 401) { revoked(); throw new Error("revoked"); }
      if (data.httpStatus !== 200) { throw new Error(data.message || "changes"); }
      current.apply(data);
      current.data.syncedAt = Date.now();
      var save = data.registrations.length ? Store.saveSnapshot(current.data) : Promise.resolve();
      return save.then(overlayQueue);
    });
  }

  // Entries this device admitted offline and has not sent yet count as entries of the copy.
  function overlayQueue() {
    return Store.queue().then(function (items) {
      queued = items.length;
      if (!snapshot) { return; }
      items.forEach(function (item) {
        if (item.list !== snapshot.data.listId || item.kind !== "entry" || item.offline_answer !== "ok") { return; }
        var person = item.registration ? snapshot.byId.get(item.registration) : snapshot.byHash.get(item.hash);
        if (person) { snapshot.markLocalEntry(person, item.time, item.gate); }
      });
    });
  }

  // Send the queue, in order, in chunks; each scan keeps its nonce, so a chunk sent twice (an
  // answer lost on the way) is answered once.
  function flushQueue() {
    return Store.queue().then(function (items) {
      queued = items.length;
      updateBanner();
      if (!items.length) { return; }
      var chunk = items.slice(0, 100);
      var scans = chunk.map(function (item) {
        var scan = { nonce: item.nonce, time: item.time, list: item.list, kind: item.kind, gate: item.gate, offline_answer: item.offline_answer };
        if (item.registration) { scan.registration = item.registration; } else { scan.token = item.token; }
        return scan;
      });
      return api("POST", config.api.batch, { scans: scans }, 30000).then(function (data) {
        if (data.httpStatus === 401) { revoked(); throw new Error("revoked"); }
        if (data.httpStatus === 200) {
          data.results.forEach(function (answer, i) {
            if (chunk[i].offline_answer === "ok" && answer.status !== "ok") {
              var name = answer.registration ? answer.registration.full_name : "";
              addHistory({ message: S.conflict.replace("%(name)s", name).replace("%(message)s", answer.message) }, "warn");
            }
          });
        } else if (data.httpStatus >= 500 || !data.httpStatus) {
          throw new Error("server");
        } else {
          addHistory({ message: data.message || "" }, "bad");  // malformed: dropped, not retried forever
        }
        return Store.dequeue(chunk.map(function (item) { return item.seq; })).then(flushQueue);
      });
    });
  }

  // One round: the queue first (the server judges it), then the list's changes (or a whole
  // new copy now and then: it drops deleted guests).
  function sync() {
    if (syncing || root.dataset.state !== "ready") { return syncing || Promise.resolve(); }
    var listId = Number($("list-select").value);
    syncing = flushQueue().then(function () {
      var every = (snapshot && snapshot.data.snapshotEvery || 900) * 1000;
      if (!snapshot || snapshot.data.listId !== listId || Date.now() - snapshot.data.snapshotAt > every) {
        return fetchSnapshot(listId);
      }
      return fetchChanges();
    }).then(function () {
      return Store.queueCount().then(function (count) {
        queued = count;
        setOffline(false);
      });
    }).catch(function () {
      if (root.dataset.state === "ready") { setOffline(true); }
    }).then(function () {
      syncing = null;
      updateBanner();
      updateCount();
    });
    return syncing;
  }

  // A scan: to the server while it answers in time and nothing waits in the queue; otherwise
  // decided from the copy and queued (same nonce: if the server did get it, it answers once).
  function scan(url, data) {
    if (!snapshot || data.list !== snapshot.data.listId) { return postWithRetry(url, data, 3); }
    if (offlineMode || queued || navigator.onLine === false) { return decideOffline(data); }
    return api("POST", url, data, config.onlineTimeoutMs).then(function (answer) {
      if (answer.httpStatus >= 500) { throw new Error("server"); }
      return answer;
    }).catch(function () {
      setOffline(true);
      return decideOffline(data);
    });
  }

  function decideOffline(data) {
    var current = snapshot;
    var find = data.registration ? Promise.resolve(current.byId.get(data.registration) || null) : current.find(data.token);
    return find.then(function (person) {
      var now = new Date();
      var answer = current.decide(person, data, S, now);
      var item = {
        nonce: data.nonce, time: now.toISOString(), list: data.list, kind: data.kind, gate: data.gate,
        token: data.token, registration: data.registration, hash: person ? person.hash : null,
        offline_answer: answer.status === "ok" ? "ok" : answer.reason,
      };
      if (person && answer.status === "ok" && data.kind === "entry") { current.markLocalEntry(person, item.time, data.gate); }
      queued += 1;
      updateBanner();
      // Shown once kept: a scan on screen survives a crash of the browser.
      return Store.enqueue(item).catch(function () {}).then(function () { return answer; });
    });
  }

  window.addEventListener("online", function () { sync(); });
  window.addEventListener("offline", function () { setOffline(true); });
  $("list-select").addEventListener("change", function () { useList(Number($("list-select").value)); });
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(config.serviceWorker, { scope: config.scope }).catch(function () {});
  }
  // Test and bench hooks: the queue's length, a synchronisation now.
  window.forumhallScanner = {
    queued: function () { return queued; },
    sync: sync,
    ready: function () { return !!snapshot; },
    // A fresh copy of the current list: resolves with the milliseconds it took (download,
    // parse, index, store).
    loadSnapshot: function () {
      var started = window.performance.now();
      return fetchSnapshot(Number($("list-select").value)).then(function () { return window.performance.now() - started; });
    },
  };

  $("who").textContent = "";
  load();
})();

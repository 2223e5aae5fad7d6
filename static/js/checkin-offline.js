// Offline-first scanning, the device's side (the server's is events/checkin/sync.py):
// - Store: IndexedDB (snapshots of the lists, the queue of scans decided offline, a few
//   settings), which survives a reload or a crash of the browser;
// - Snapshot: a list's copy in memory, indexed by badge hash and by registration, which decides
//   a scan as the server would (valid, already checked in, cancelled, not on this list,
//   unknown) and searches names blind to accents.
(function () {
  "use strict";

  var DB_NAME = "forumhall-checkin";
  var DB_VERSION = 1;
  var dbPromise = null;

  function promised(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var request = window.indexedDB.open(DB_NAME, DB_VERSION);
        request.onupgradeneeded = function () {
          var db = request.result;
          db.createObjectStore("snapshots", { keyPath: "listId" });
          db.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
          db.createObjectStore("meta");
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return dbPromise;
  }

  // Run fn(store) in a transaction of `name`; resolves with fn's request's result once the
  // transaction has committed (so that a crash right after loses nothing acknowledged).
  function withStore(name, mode, fn) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name, mode);
        var result;
        var request = fn(tx.objectStore(name));
        if (request) { request.onsuccess = function () { result = request.result; }; }
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  var Store = {
    saveSnapshot: function (record) { return withStore("snapshots", "readwrite", function (s) { return s.put(record); }); },
    loadSnapshot: function (listId) { return withStore("snapshots", "readonly", function (s) { return s.get(listId); }); },
    enqueue: function (item) { return withStore("queue", "readwrite", function (s) { return s.add(item); }); },
    queue: function () { return withStore("queue", "readonly", function (s) { return s.getAll(); }); },
    queueCount: function () { return withStore("queue", "readonly", function (s) { return s.count(); }); },
    dequeue: function (seqs) {
      return withStore("queue", "readwrite", function (s) { seqs.forEach(function (seq) { s.delete(seq); }); });
    },
    getMeta: function (key) { return withStore("meta", "readonly", function (s) { return s.get(key); }); },
    setMeta: function (key, value) { return withStore("meta", "readwrite", function (s) { return s.put(value, key); }); },
    // A revoked device keeps nothing: copies of the lists, queue, settings.
    wipe: function () {
      return openDb().then(function (db) {
        return new Promise(function (resolve, reject) {
          var tx = db.transaction(["snapshots", "queue", "meta"], "readwrite");
          ["snapshots", "queue", "meta"].forEach(function (name) { tx.objectStore(name).clear(); });
          tx.oncomplete = function () { resolve(); };
          tx.onerror = tx.onabort = function () { reject(tx.error); };
        });
      });
    },
  };

  // --- Badge hashes: HMAC-SHA256 under the device's key, first bytes in base64url ----------

  function fromBase64url(text) {
    var binary = window.atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4));
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) { bytes[i] = binary.charCodeAt(i); }
    return bytes;
  }

  function toBase64url(bytes) {
    var binary = "";
    for (var i = 0; i < bytes.length; i++) { binary += String.fromCharCode(bytes[i]); }
    return window.btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function importKey(text) {
    return window.crypto.subtle.importKey("raw", fromBase64url(text), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  }

  // --- A list's snapshot in memory --------------------------------------------------------

  var fold = window.forumhallFold;

  function Snapshot(data) {
    // data: the stored record {listId, list, categories, key, fields, rows, cursor, syncedAt,
    // hashBytes, snapshotAt}.
    this.data = data;
    this.byHash = new Map();
    this.byId = new Map();
    this.categories = new Map();
    var self = this;
    (data.categories || []).forEach(function (c) { self.categories.set(c.id, c); });
    var index = {};
    data.fields.forEach(function (name, i) { index[name] = i; });
    this.index = index;
    data.rows.forEach(function (row) { self.put(row); });
    this.keyPromise = importKey(data.key);
  }

  Snapshot.prototype.put = function (row) {
    var ix = this.index;
    var previous = this.byId.get(row[ix.id]);
    if (previous) { this.byHash.delete(previous.hash); }
    var person = {
      id: row[ix.id], hash: row[ix.hash], full_name: row[ix.full_name], organization: row[ix.organization],
      title: row[ix.title], category: row[ix.category], status: row[ix.status],
      entryAt: row[ix.entry_at], entryGate: row[ix.entry_gate], local: false, folded: null,
    };
    this.byHash.set(person.hash, person);
    this.byId.set(person.id, person);
    return person;
  };

  // Rows changed on the server (whole rows): replace ours, in memory and in the stored copy.
  Snapshot.prototype.apply = function (changes) {
    var self = this;
    var positions = new Map();
    var ix = this.index;
    this.data.rows.forEach(function (row, i) { positions.set(row[ix.id], i); });
    changes.registrations.forEach(function (row) {
      self.put(row);
      if (positions.has(row[ix.id])) { self.data.rows[positions.get(row[ix.id])] = row; }
      else { self.data.rows.push(row); }
    });
    this.data.list = changes.list;
    this.data.categories = changes.categories;
    this.data.cursor = changes.cursor;
    (changes.categories || []).forEach(function (c) { self.categories.set(c.id, c); });
  };

  Snapshot.prototype.hash = function (token) {
    var bytes = this.data.hashBytes || 16;
    return this.keyPromise.then(function (key) {
      return window.crypto.subtle.sign("HMAC", key, new TextEncoder().encode(token));
    }).then(function (signature) { return toBase64url(new Uint8Array(signature).slice(0, bytes)); });
  };

  // The registration of a scanned token (tried as typed, then in capitals: a badge's code is
  // upper case and a scanner with Caps Lock types it in lower case), or null.
  Snapshot.prototype.find = function (token) {
    var self = this;
    return this.hash(token).then(function (hash) {
      var found = self.byHash.get(hash);
      if (found || token === token.toUpperCase()) { return found || null; }
      return self.hash(token.toUpperCase()).then(function (upper) { return self.byHash.get(upper) || null; });
    });
  };

  // A scan this device admitted offline (kept in its queue): the badge has entered.
  Snapshot.prototype.markLocalEntry = function (person, at, gate) {
    if (!person.entryAt) { person.entryAt = at; person.entryGate = gate; person.local = true; }
  };

  // The list's count: badges with a live entry (also one this device admitted offline), and the
  // confirmed guests of the categories it admits (all, when it restricts none).
  Snapshot.prototype.counts = function () {
    var categories = this.data.list.categories || [];
    var arrived = 0;
    var expected = 0;
    this.byId.forEach(function (person) {
      if (person.entryAt) { arrived += 1; }
      if (person.status === "confirmed" && (!categories.length || categories.indexOf(person.category) >= 0)) { expected += 1; }
    });
    return { arrived: arrived, expected: expected };
  };

  function hhmm(iso) {
    var date = new Date(iso);
    return ("0" + date.getHours()).slice(-2) + ":" + ("0" + date.getMinutes()).slice(-2);
  }

  // The answer the server would give, decided from the copy (rules in the order of
  // services._refusal). `strings` are the scanner's translated messages.
  Snapshot.prototype.decide = function (person, options, strings, now) {
    var list = this.data.list;
    var reason = null;
    var at = null;
    var gate = "";
    var message;
    if (!person) { reason = "invalid"; }
    else if (person.status === "cancelled") { reason = "cancelled"; }
    else if (person.status !== "confirmed") { reason = "not_confirmed"; }
    else if ((list.opens_at && now < new Date(list.opens_at)) || (list.closes_at && now >= new Date(list.closes_at))) { reason = "list_closed"; }
    else if (list.categories.length && list.categories.indexOf(person.category) < 0) { reason = "not_allowed"; }
    else if (options.kind === "entry" && !list.allow_reentry && person.entryAt) {
      reason = "already_checked_in";
      at = person.entryAt;
      gate = person.entryGate || "";
    }
    if (!reason) { message = options.kind === "entry" ? strings.ok : strings.exitOk; }
    else if (reason === "already_checked_in") {
      message = (person.local ? strings.alreadyHere : strings.alreadyOffline).replace("%(time)s", hhmm(at)) + (gate ? " (" + gate + ")" : "");
    } else {
      message = {
        invalid: strings.unknownOffline, cancelled: strings.cancelledOffline, not_confirmed: strings.notConfirmedOffline,
        list_closed: strings.closedOffline, not_allowed: strings.notAllowedOffline,
      }[reason];
    }
    var category = person ? (this.categories.get(person.category) || { id: person.category, name: "", lang: "", colour: "" }) : null;
    return {
      status: reason ? "error" : "ok",
      reason: reason,
      message: message,
      offline: true,
      registration: person ? {
        id: person.id, full_name: person.full_name, organization: person.organization, title: person.title,
        status: person.status, category: { id: category.id, name: category.name, lang: category.lang, colour: category.colour },
      } : null,
      checked_in_at: at,
      gate: gate,
      kind: options.kind,
      list: { id: list.id, name: list.name },
    };
  };

  // Accent-blind search on names and organisations: every word must match; names starting
  // with the query first.
  Snapshot.prototype.search = function (query, limit) {
    var words = fold(query).split(" ").filter(Boolean);
    if (!words.length || words.join("").length < 2) { return []; }
    var phrase = words.join(" ");
    var found = [];
    this.byId.forEach(function (person) {
      if (person.folded === null) { person.folded = fold(person.full_name + " " + (person.organization || "")); }
      for (var i = 0; i < words.length; i++) { if (person.folded.indexOf(words[i]) < 0) { return; } }
      found.push({ person: person, rank: person.folded.indexOf(phrase) === 0 ? 0 : (person.folded.indexOf(" " + phrase) >= 0 ? 1 : 2) });
    });
    found.sort(function (a, b) { return a.rank - b.rank || a.person.full_name.localeCompare(b.person.full_name); });
    return found.slice(0, limit).map(function (item) { return item.person; });
  };

  window.ForumhallCheckinStore = Store;
  window.ForumhallSnapshot = Snapshot;
})();

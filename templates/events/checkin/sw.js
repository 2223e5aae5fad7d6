// The check-in scanner's service worker (events/checkin/views.py: service_worker). It keeps the
// scanner page and its files, so that the scanner opens and works with no network; the API is
// never answered from here: the scanner decides a scan offline itself when the server is silent.
"use strict";

var CONFIG = {{ config|safe }};

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CONFIG.cache)
      .then(function (cache) { return cache.addAll([CONFIG.page, CONFIG.manifest].concat(CONFIG.shell)); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name.indexOf("forumhall-checkin-") === 0 && name !== CONFIG.cache;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

// The page: from the network when it answers within 3 s (kept for next time), else the copy.
function page(request) {
  return caches.open(CONFIG.cache).then(function (cache) {
    var fromNetwork = fetch(request).then(function (response) {
      if (response.ok) { cache.put(CONFIG.page, response.clone()); }
      return response;
    });
    var late = new Promise(function (resolve, reject) { setTimeout(reject, 3000); });
    return Promise.race([fromNetwork, late]).catch(function () {
      return cache.match(CONFIG.page).then(function (copy) { return copy || fromNetwork; });
    });
  });
}

// Static files: the copy at once, refreshed in the background (fonts are kept on first use).
function staticFile(request) {
  return caches.open(CONFIG.cache).then(function (cache) {
    return cache.match(request, { ignoreSearch: true }).then(function (copy) {
      var fresh = fetch(request).then(function (response) {
        if (response.ok) { cache.put(request, response.clone()); }
        return response;
      });
      if (copy) { fresh.catch(function () {}); return copy; }
      return fresh;
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) { return; }
  if (request.mode === "navigate" && url.pathname === CONFIG.page) {
    event.respondWith(page(request));
  } else if (url.pathname.indexOf(CONFIG.static) === 0 || url.pathname === CONFIG.manifest) {
    event.respondWith(staticFile(request));
  }
});

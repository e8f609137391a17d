{% load i18n %}// doanvien's service worker (profiles/views/offline.py). It keeps:
// - the files a page is drawn with (kept at install and at every load, used when the server
//   does not answer);
// - the pages the server marks as the signed-in member's own (header X-Offline-Copy: own),
//   refreshed at every visit, shown with the time they were saved when the server is out of
//   reach. Nothing else is kept, and every copy is dropped at log-out.
// A form sent without a connection is answered here: nothing is queued to be sent later.
"use strict";

var SHELL_CACHE = "doanvien-shell-v1";
var PAGES_CACHE = "doanvien-own-pages";
var SHELL = [{% for url in shell %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
var STATIC_PREFIX = "{{ static_prefix|escapejs }}";
var LOGOUT = "{{ logout|escapejs }}";
var TEXT = {
  notSaved: "{{ _('This page was not saved on this phone: it needs a connection.')|escapejs }}",
  notSent: "{{ _('Not sent: this needs a connection. Nothing was saved; try again when you are back online.')|escapejs }}",
  title: "{{ _('No connection')|escapejs }}",
  back: "{{ _('Back')|escapejs }}"
};

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL_CACHE).then(function (cache) { return cache.addAll(SHELL); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (names) {
      return Promise.all(names.filter(function (name) {
        return name !== SHELL_CACHE && name !== PAGES_CACHE;
      }).map(function (name) { return caches.delete(name); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function pad(n) { return (n < 10 ? "0" : "") + n; }

function shownTime(date) {
  return pad(date.getHours()) + ":" + pad(date.getMinutes()) + ", " +
    pad(date.getDate()) + "/" + pad(date.getMonth() + 1) + "/" + date.getFullYear();
}

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, function (c) {
    return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;"}[c];
  });
}

// A small page of our own when there is neither the server nor a copy.
function offlineAnswer(message) {
  var body = "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">" +
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
    "<title>" + escapeHtml(TEXT.title) + "</title>" +
    "<link rel=\"stylesheet\" href=\"" + STATIC_PREFIX + "css/app.css\"></head><body><main class=\"page\">" +
    "<section class=\"card narrow\"><h1>" + escapeHtml(TEXT.title) + "</h1>" +
    "<p class=\"needs-connection\" role=\"alert\">" + escapeHtml(message) + "</p></section>" +
    "</main></body></html>";
  return new Response(body, {
    status: 503, headers: {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store"}
  });
}

// The kept copy, with its note shown and the time it was saved filled in.
function markedCopy(response) {
  var saved = new Date(response.headers.get("X-Saved-At") || Date.now());
  return response.text().then(function (html) {
    html = html.replace("data-offline-note hidden", "data-offline-note")
      .replace("<time data-saved></time>",
        "<time data-saved datetime=\"" + saved.toISOString() + "\">" + shownTime(saved) + "</time>");
    return new Response(html, {
      status: 200, headers: {"Content-Type": "text/html; charset=utf-8", "X-Offline-Copy": "saved"}
    });
  });
}

function keep(request, response) {
  var headers = new Headers(response.headers);
  headers.set("X-Saved-At", new Date().toISOString());
  return response.clone().text().then(function (html) {
    var copy = function () { return new Response(html, {status: 200, headers: headers}); };
    return caches.open(PAGES_CACHE).then(function (cache) {
      var puts = [cache.put(request.url, copy())];
      if (response.url && response.url !== request.url) puts.push(cache.put(response.url, copy()));
      return Promise.all(puts);
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;

  if (request.method !== "GET") {
    if (url.pathname === LOGOUT) event.waitUntil(caches.delete(PAGES_CACHE));
    if (request.mode !== "navigate") return;  // htmx and scripts handle their own errors
    event.respondWith(fetch(request).catch(function () { return offlineAnswer(TEXT.notSent); }));
    return;
  }

  if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    // From the server while it answers (the file names carry no version: a kept copy would
    // hide a new stylesheet), the kept copy when it does not.
    event.respondWith(
      fetch(request).then(function (response) {
        if (response.ok) {
          var copy = response.clone();
          event.waitUntil(caches.open(SHELL_CACHE).then(function (cache) {
            return cache.put(request, copy);
          }));
        }
        return response;
      }).catch(function () {
        return caches.match(request, {ignoreSearch: true}).then(function (hit) {
          return hit || Response.error();
        });
      })
    );
    return;
  }

  if (request.mode !== "navigate") return;
  event.respondWith(
    fetch(request).then(function (response) {
      if (response.ok && response.headers.get("X-Offline-Copy") === "own") {
        event.waitUntil(keep(request, response));
      }
      return response;
    }).catch(function () {
      return caches.open(PAGES_CACHE).then(function (cache) {
        return cache.match(request.url);
      }).then(function (hit) {
        return hit ? markedCopy(hit) : offlineAnswer(TEXT.notSaved);
      });
    })
  );
});

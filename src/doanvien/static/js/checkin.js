// Check-in by the member card on the organiser's phone (activities/views.py:activity_checkin).
// Each scan gets its own id here and is kept in this browser's storage until the server has
// answered it: a phone without a connection keeps its scans and sends them when the connection
// returns; a scan sent twice (an answer lost on the way) is counted once by its id.
// Without this script the form posts the scan like any other form.
(function () {
  "use strict";
  var form = document.getElementById("scan");
  if (!form || !window.fetch || !window.localStorage) return;
  var key = "doanvien.scans." + form.getAttribute("data-activity");
  var input = document.getElementById("scan-card");
  var log = document.getElementById("scan-log");
  var status = document.getElementById("scan-status");
  var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var sending = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; }
  }
  function save(scans) { localStorage.setItem(key, JSON.stringify(scans)); }
  function newId() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    return Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 12);
  }
  function line(text, cls) {
    var li = document.createElement("li");
    li.textContent = text;
    if (cls) li.className = cls;
    log.insertBefore(li, log.firstChild);
    return li;
  }
  function showPending() {
    var n = load().length;
    status.textContent = n ? status.getAttribute("data-pending-text") + " " + n : "";
    form.setAttribute("data-pending", String(n));
  }

  function sendOne(scan) {
    var body = new FormData();
    body.append("card", scan.card);
    body.append("scan_id", scan.id);
    return fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: {"X-CSRFToken": token, "Accept": "application/json"}
    }).then(function (response) {
      // An answer (accepted or refused) settles the scan; only a lost connection or a busy
      // server keeps it for later.
      if (response.status >= 500 || response.status === 429) throw new Error("later");
      return response.json().then(function (data) { return {ok: response.ok, data: data}; });
    });
  }

  function flush() {
    if (sending) return;
    var scans = load();
    if (!scans.length) { showPending(); return; }
    sending = true;
    var scan = scans[0];
    sendOne(scan).then(function (answer) {
      save(load().filter(function (s) { return s.id !== scan.id; }));
      if (answer.ok) {
        var d = answer.data;
        line((d.checked_in ? status.getAttribute("data-sent-text") : status.getAttribute("data-already-text")) + " " + d.name, d.checked_in ? "ok" : "");
        var row = document.getElementById("person-" + d.member);
        if (row && d.checked_in) row.querySelector(".attended").textContent = "✓";
      } else {
        var errors = answer.data.errors || {};
        var text = Object.keys(errors).map(function (k) { return errors[k].join(" "); }).join(" ");
        line(text || "?", "error");
      }
      sending = false;
      flush();
    }).catch(function () {
      sending = false;
      showPending();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var card = input.value.trim();
    if (!card) return;
    var scans = load();
    scans.push({id: newId(), card: card, at: Date.now()});
    save(scans);
    input.value = "";
    input.focus();
    showPending();
    flush();
  });
  window.addEventListener("online", flush);
  setInterval(flush, 15000);
  flush();
})();

// The branch assessment screen (templates/training/branch/assessment.html). Progressive
// enhancement: without this script the grid scrolls sideways and each row has its own Save
// button.
//
// 1. A member's row saves itself when one of its fields is left, one save per row at a time: a
//    newer save aborts the one still on its way, and each save carries the row's next number
//    (`seq`). The server applies a save only if its number is above the last one it applied
//    (training.services.assessment.assessment_record), so an older save that still reaches it
//    after a newer one changes nothing. Only the newest save's answer is swapped in.
// 2. On a narrow screen (a phone, the CSS's max-width: 640px) the rows are cards, one member at
//    a time, with Previous / Next and the position ("3 / 8"). On a wide screen the grid is
//    unchanged: the cards' rules only apply under the media query.
// 3. Enter moves to the next field that can be seen (along the grid, or within the card).
(function () {
  "use strict";

  var table = document.getElementById("assessment");
  if (!table) return;
  var body = table.tBodies[0];
  var nav = document.getElementById("assess-nav");
  var position = document.getElementById("assess-pos");

  function rows() {
    return Array.from(body.rows);
  }

  // --- Saving ---------------------------------------------------------------------------------

  var sent = {}; // member id → number of the last save sent for the row
  var inFlight = {}; // member id → AbortController of the save on its way

  function failed(row) {
    row.classList.remove("htmx-request");
    row.classList.add("has-error");
    var cell = row.querySelector("td.level");
    var status = cell.querySelector(".status") || cell.appendChild(document.createElement("span"));
    status.className = "status error";
    status.textContent = table.dataset.unsaved;
  }

  function save(row) {
    var id = row.dataset.member;
    var form = document.getElementById("f-" + id);
    if (!form) return;
    var data = new FormData(form); // the row's fields belong to it (form="f-…")
    sent[id] = Math.max(sent[id] || 0, Number(row.dataset.seq) || 0) + 1;
    data.set("seq", String(sent[id]));
    data.set("auto", "1"); // saved on the way: an incomplete row is not an error yet
    if (inFlight[id]) inFlight[id].abort();
    var controller = new AbortController();
    inFlight[id] = controller;
    row.classList.add("htmx-request");
    fetch(row.dataset.save, {
      method: "POST",
      body: data,
      headers: {"HX-Request": "true"},
      credentials: "same-origin",
      signal: controller.signal,
    })
      .then(function (response) {
        var redirect = response.headers.get("HX-Redirect");
        if (redirect) {
          window.location.href = redirect; // locked or not open: the screen says why
          return null;
        }
        if (!response.ok) throw new Error(response.status + " " + response.statusText);
        return response.text();
      })
      .then(function (html) {
        if (html === null || inFlight[id] !== controller) return;
        inFlight[id] = null;
        var current = document.getElementById("row-" + id);
        current.classList.remove("htmx-request");
        // The row and the count above (out of band); typed fields are kept (hx-preserve).
        window.htmx.swap(current, html, {swapStyle: "outerHTML", swapDelay: 0, settleDelay: 20});
      })
      .catch(function (error) {
        // Aborted because a newer save of the row replaced it: not an error.
        if (error && error.name === "AbortError") return;
        if (inFlight[id] !== controller) return;
        inFlight[id] = null;
        failed(document.getElementById("row-" + id) || row);
      });
  }

  if (window.htmx && window.fetch && window.AbortController) {
    table.addEventListener("change", function (event) {
      var row = event.target.closest("tr[data-save]");
      if (row) save(row);
    });
  }

  // --- One member at a time on a phone ----------------------------------------------------------

  var shown = null; // id of the row shown as the card

  function show() {
    var all = rows();
    if (!all.length) return;
    var index = all.findIndex(function (row) { return row.id === shown; });
    if (index < 0) {
      index = 0;
      shown = all[0].id;
    }
    all.forEach(function (row, i) {
      if (i === index) row.setAttribute("data-current", "");
      else row.removeAttribute("data-current");
    });
    position.textContent = index + 1 + " / " + all.length;
    nav.querySelector("[data-step='-1']").setAttribute("aria-disabled", String(index === 0));
    nav.querySelector("[data-step='1']").setAttribute("aria-disabled", String(index === all.length - 1));
  }

  function step(by) {
    var all = rows();
    var next = all[all.findIndex(function (row) { return row.id === shown; }) + by];
    if (!next) return;
    shown = next.id;
    show();
    if (next.getBoundingClientRect().top < 0) next.scrollIntoView({block: "start"});
  }

  if (nav && position) {
    if (location.hash.indexOf("#row-") === 0 && document.getElementById(location.hash.slice(1))) {
      shown = location.hash.slice(1);
    }
    table.classList.add("cards");
    nav.hidden = false;
    show();
    // A saved row comes back as a new element: keep it the card shown.
    new MutationObserver(show).observe(body, {childList: true});
    nav.addEventListener("click", function (event) {
      var button = event.target.closest("[data-step]");
      if (button) step(Number(button.dataset.step));
    });
  }

  // --- Enter to the next field ----------------------------------------------------------------

  function visible(element) {
    return element.offsetParent !== null;
  }

  table.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.matches("input[type=text]")) return;
    event.preventDefault();
    var fields = Array.from(table.querySelectorAll("input[type=text]")).filter(visible);
    var next = fields[fields.indexOf(event.target) + 1];
    if (next) {
      next.focus();
      next.select();
    } else if (nav && visible(nav)) {
      nav.querySelector("[data-step='1']").focus(); // the card's last field: on to Next
    } else {
      event.target.blur();
    }
  });
})();

// Progressive enhancement only: every page works without it. Loaded from this file (no inline
// script or handler: the Content-Security-Policy allows scripts from this site only).
(function () {
  "use strict";

  // Buttons that print the page (the report's print view).
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });

  // A form that does what cannot be undone asks first (its data-confirm text).
  document.addEventListener("submit", function (event) {
    var form = event.target.closest("form[data-confirm]");
    if (form && !window.confirm(form.dataset.confirm)) event.preventDefault();
  });

  // A read-only field to copy from selects itself when clicked (an invitation link).
  document.addEventListener("click", function (event) {
    if (event.target.matches("input.copy[readonly]")) event.target.select();
  });

  // The branch assessment screen's saves, cards and Enter key: js/assessment.js.

  // Member list export: ticking a column chooses "the columns ticked"; select all / none
  // without posting the page (without this script they post it).
  function exportForm() {
    var form = document.getElementById("export");
    if (!form || form.dataset.enhanced) return;
    form.dataset.enhanced = "1";
    var details = form.querySelector(".export-columns");
    var chosen = form.querySelector("input[name=column_set][value=chosen]");
    form.addEventListener("change", function (event) {
      var input = event.target;
      if (input.name === "column_set" && input.value === "chosen" && details) details.open = true;
      if (input.name === "columns" && input.checked && chosen) chosen.checked = true;
    });
    form.addEventListener("click", function (event) {
      var button = event.target.closest("button[name=select]");
      if (!button) return;
      event.preventDefault();
      form.querySelectorAll("input[name=columns]").forEach(function (box) {
        box.checked = button.value === "all";
      });
      if (chosen) chosen.checked = true;
    });
  }
  // The phone header's "Menu" button (base.html) folds the navigation away; without this
  // script a <details> does it.
  function menu() {
    var button = document.querySelector(".topbar button.menu-toggle");
    if (!button || !button.hidden) return;
    var fallback = document.querySelector(".topbar .menu-nojs");
    if (fallback) fallback.remove();
    button.hidden = false;
    function show(open) {
      button.setAttribute("aria-expanded", open ? "true" : "false");
    }
    button.addEventListener("click", function () {
      show(button.getAttribute("aria-expanded") !== "true");
    });
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape" || button.getAttribute("aria-expanded") !== "true") return;
      show(false);
      button.focus();
    });
  }

  // A box that scrolls sideways (a wide table or chart on a phone) takes the keyboard's focus,
  // so it can be scrolled with the arrow keys, and says so with the hint just before it
  // ("swipe sideways"), hidden while everything fits. Measured on load, when the
  // window is resized and when htmx redraws part of the page.
  var SCROLLERS = ".table-scroll, .table-wrap, .scroll, .chart-scroll";
  function scrollers() {
    document.querySelectorAll(SCROLLERS).forEach(function (box) {
      var wide = box.scrollWidth > box.clientWidth + 1;
      if (wide && !box.hasAttribute("tabindex")) {
        box.tabIndex = 0;
        box.dataset.scrollStop = "1";
      } else if (!wide && box.dataset.scrollStop) {
        box.removeAttribute("tabindex");
        delete box.dataset.scrollStop;
      }
      var hint = box.previousElementSibling;
      if (hint && hint.classList.contains("scroll-hint")) hint.hidden = !wide;
    });
  }
  var resizing;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(scrollers, 200);
  });
  window.addEventListener("load", scrollers);
  document.addEventListener("htmx:afterSettle", scrollers);

  // A summary of what a form refused (data-focus), at the top of the page shown again: the
  // focus goes to it, so it is read out and seen first on a phone.
  function focusProblems() {
    var summary = document.querySelector("[data-focus]");
    if (summary) summary.focus();
  }

  function ready() {
    exportForm();
    menu();
    scrollers();
    focusProblems();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }

  // Offline reading (profiles/views/offline.py): the service worker keeps the member's own
  // pages. A page shown from that copy, or any page while the phone is offline, says that a
  // form needs a connection instead of sending it (only the check-in scans are kept to be sent
  // later: js/checkin.js).
  if ("serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.register("/sw.js", {scope: "/"}).catch(function () {});
  }
  function offlineCopy() {
    var note = document.querySelector("[data-offline-note]");
    return note && !note.hidden ? note : null;
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if ((form.method || "").toLowerCase() !== "post") return;
    // A form whose own script keeps what it sends until the connection returns (check-in).
    if (form.hasAttribute("data-queue-offline")) return;
    if (!offlineCopy() && navigator.onLine !== false) return;
    event.preventDefault();
    var note = document.querySelector("[data-offline-note]");
    var text = note ? note.getAttribute("data-needs-connection-text") : "";
    var message = form.querySelector(".needs-connection");
    if (!message) {
      message = document.createElement("p");
      message.className = "needs-connection";
      message.setAttribute("role", "alert");
      form.insertBefore(message, form.firstChild);
    }
    message.textContent = text;
  }, true);
  // Transfer request: choosing a unit found fills the field with its code and says which unit
  // it is, without posting the form (without this script the choice posts it).
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-pick-unit]");
    if (!button) return;
    event.preventDefault();
    var form = button.form;
    var input = form && form.querySelector("input[name=to_unit]");
    if (!input) return;
    input.value = button.dataset.pickUnit;
    var chosen = document.getElementById("to-unit-chosen");
    if (chosen) chosen.textContent = (chosen.dataset.label || "") + " " + button.dataset.pickLabel;
    var found = document.getElementById("to-unit-found");
    if (found) found.textContent = "";
    var error = document.getElementById(input.id + "-error");
    if (error) error.remove();
    input.removeAttribute("aria-invalid");
    input.focus();
  });
})();

// Registrations waiting for review (the branch's training page): "select all" ticks every box of
// its form (without this script it posts all=1 and the server takes every one waiting).
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var all = event.target.closest("input[data-select-all]");
    var form = all && all.form;
    if (form) {
      form.querySelectorAll("input[name=" + all.dataset.selectAll + "]").forEach(function (box) {
        box.checked = all.checked;
      });
      return;
    }
    var box = event.target;
    if (box.form && box.name) {
      var master = box.form.querySelector("input[data-select-all=" + box.name + "]");
      if (master && !box.checked) master.checked = false;
    }
  });
})();

// Result counts redrawn by htmx are read out (the wide tables' hint: scrollers() above).
(function () {
  "use strict";

  // A result count redrawn by htmx (a filter or search typed into) is read out: screen readers
  // announce a change inside a live region that was already there, not a region swapped in.
  var live = null;
  function liveRegion() {
    if (!live && document.body) {
      live = document.createElement("div");
      live.className = "visually-hidden";
      live.setAttribute("role", "status");
      live.setAttribute("aria-live", "polite");
      document.body.appendChild(live);
    }
    return live;
  }
  if (document.querySelector("[data-announce]")) liveRegion();
  else document.addEventListener("DOMContentLoaded", function () {
    if (document.querySelector("[data-announce]")) liveRegion();
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    var target = event.target;
    if (!target || !target.querySelector) return;
    var count = target.matches("[data-announce]") ? target : target.querySelector("[data-announce]");
    if (count && liveRegion()) live.textContent = count.textContent.trim();
  });
})();

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

  // Branch assessment: Enter moves to the next field (the row is saved when a field is left).
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !window.htmx || !event.target.matches("#assessment input")) return;
    event.preventDefault();
    var fields = Array.from(document.querySelectorAll("#assessment input[type=text]"));
    var next = fields[fields.indexOf(event.target) + 1];
    if (next) { next.focus(); next.select(); } else { event.target.blur(); }
  });

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
  // so it can be scrolled with the arrow keys; one that fits does not.
  var SCROLLERS = ".table-scroll, .table-wrap, .scroll, .chart-scroll";
  function scrollers() {
    document.querySelectorAll(SCROLLERS).forEach(function (box) {
      var wide = box.scrollWidth > box.clientWidth;
      if (wide && !box.hasAttribute("tabindex")) {
        box.tabIndex = 0;
        box.dataset.scrollStop = "1";
      } else if (!wide && box.dataset.scrollStop) {
        box.removeAttribute("tabindex");
        delete box.dataset.scrollStop;
      }
    });
  }
  var resizing;
  window.addEventListener("resize", function () {
    clearTimeout(resizing);
    resizing = setTimeout(scrollers, 200);
  });
  document.addEventListener("htmx:afterSettle", scrollers);

  function ready() {
    exportForm();
    menu();
    scrollers();
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
})();

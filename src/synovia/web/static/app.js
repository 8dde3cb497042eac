// Small behaviours the pages need beyond htmx (no inline scripts: the CSP forbids them).
(function () {
  "use strict";
  // A print button where the page offers one.
  document.addEventListener("click", function (e) {
    var t = e.target.closest && e.target.closest("[data-print]");
    if (t) { e.preventDefault(); window.print(); }
  });
  // Printing shows every collapsed section.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details").forEach(function (d) { d.setAttribute("open", ""); });
  });
  // After a request, bring what it produced into view: an urgent notice, an answer, a report,
  // results or an error message, rather than leaving it below where the person is looking.
  function reveal() {
    var el = document.querySelector("#urgent, #answer, #report, #results, .error[role=alert], #gate-error, #admin-error, #admin-message");
    if (el) {
      el.scrollIntoView({ block: "start" });
      if (!el.hasAttribute("tabindex")) { el.setAttribute("tabindex", "-1"); }
      el.focus({ preventScroll: true });
    }
  }
  document.addEventListener("htmx:afterSettle", reveal);
  // A full page load that answers a search or refuses it marks what to show with data-reveal.
  document.addEventListener("DOMContentLoaded", function () {
    var el = document.querySelector("[data-reveal]");
    if (el) { el.scrollIntoView({ block: "start" }); el.focus({ preventScroll: true }); }
  });
})();

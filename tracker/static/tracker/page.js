// What templates used to do inline, now that the Content-Security-Policy refuses inline script
// and style: submit a form when its <select data-submit-on-change> changes, print on a
// [data-print] button, and size bars and charts from data-width / data-height (set through the
// CSSOM, which the policy allows, rather than a style="" attribute, which it refuses).
(function () {
  "use strict";

  function size(root) {
    root.querySelectorAll("[data-width]").forEach(function (el) {
      el.style.width = el.getAttribute("data-width");
    });
    root.querySelectorAll("[data-height]").forEach(function (el) {
      el.style.height = el.getAttribute("data-height");
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.hasAttribute("data-submit-on-change") && target.form) {
      target.form.submit();
    }
  });
  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest("[data-print]") : null;
    if (button) {
      window.print();
    }
  });
  // Fragments htmx swaps in carry their own bars.
  document.addEventListener("htmx:afterSettle", function (event) {
    size(event.target instanceof Element ? event.target : document);
  });
  // A deferred script runs once the document is parsed, before the charts' script draws.
  size(document);
})();

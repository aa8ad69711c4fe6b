/* The review page: clicking an assignment (its "原文位置" link, or the card itself) scrolls the
 * source column to that assignment's span and highlights every piece of it. Without JavaScript
 * the link is a plain #span-N anchor and still jumps there. */
(function () {
  "use strict";

  function highlight(id, focus) {
    var source = document.getElementById("source");
    if (!source) return false;
    var marks = source.querySelectorAll('mark.span[data-span="' + id + '"]');
    if (!marks.length) return false;
    source.querySelectorAll("mark.span.current").forEach(function (m) { m.classList.remove("current"); });
    marks.forEach(function (m) { m.classList.add("current"); });
    document.querySelectorAll("article.assignment.current").forEach(function (a) { a.classList.remove("current"); });
    var card = document.getElementById("a-" + id);
    if (card) card.classList.add("current");
    var first = marks[0];
    // Scroll inside the source column (it has its own scrollbar on wide screens); on phones the
    // column is part of the page, so the page scrolls.
    first.scrollIntoView({ behavior: "smooth", block: "center" });
    if (focus) first.focus({ preventScroll: true });
    return true;
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var link = target.closest("[data-goto-span]");
    if (link) {
      if (highlight(link.getAttribute("data-goto-span"), false)) event.preventDefault();
      return;
    }
    var dismiss = target.closest("[data-dismiss]");
    if (dismiss) {
      var form = document.getElementById(dismiss.getAttribute("data-dismiss"));
      if (form) { event.preventDefault(); form.remove(); }
      return;
    }
    var mark = target.closest("mark.span[data-span]");
    if (mark) {
      var card = document.getElementById("a-" + mark.getAttribute("data-span"));
      highlight(mark.getAttribute("data-span"), false);
      if (card) { card.scrollIntoView({ behavior: "smooth", block: "nearest" }); }
      return;
    }
    // A click on a card's plain text (not a control) highlights its span too.
    var article = target.closest("article.assignment[data-assignment]");
    if (article && !target.closest("a, button, input, select, textarea, label, form")) {
      highlight(article.getAttribute("data-assignment"), false);
    }
  });

  // A plain form that asks first (re-extraction); without JavaScript it simply submits.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm") &&
        !window.confirm(form.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  // A fragment htmx swapped in marks itself with data-focus-here: move focus there (the first
  // field in error, else the first field, else the element) so keyboard users are not lost.
  document.body.addEventListener("htmx:afterSettle", function () {
    var el = document.querySelector("[data-focus-here]");
    if (!el) return;
    el.removeAttribute("data-focus-here");
    // Someone already working in the fragment keeps their place: settling happens a moment
    // after the swap, and moving focus then would send their typing into another field.
    if (el.contains(document.activeElement)) return;
    var field = el.matches("form")
      ? el.querySelector("[aria-invalid='true'], input:not([type=hidden]), textarea, select")
      : null;
    (field || el).focus();
  });

  // Opening the page at #span-N or #a-N highlights that assignment.
  var match = /^#(?:span|a)-(\d+)$/.exec(window.location.hash);
  if (match) highlight(match[1], false);
})();

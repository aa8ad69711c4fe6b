/* The review queue: "select all on this page", the count of ticked reports, and a question
 * before approving them in bulk. Without JavaScript each box is ticked by hand and the form
 * is sent without asking. */
(function () {
  "use strict";
  var form = document.getElementById("bulk-approve");
  if (!form) return;
  var all = document.getElementById("select-all");
  var count = document.getElementById("bulk-count");

  function boxes() { return form.querySelectorAll("input[type=checkbox][name=report]"); }
  function ticked() { return form.querySelectorAll("input[type=checkbox][name=report]:checked").length; }
  function show() { if (count) count.textContent = ticked() ? "(" + ticked() + ")" : ""; }

  if (all) {
    all.addEventListener("change", function () {
      boxes().forEach(function (box) { box.checked = all.checked; });
      show();
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target !== all) {
      if (all) all.checked = ticked() === boxes().length;
      show();
    }
  });
  form.addEventListener("submit", function (event) {
    var template = form.getAttribute("data-confirm-template");
    if (template && !window.confirm(template.replace("{n}", String(ticked())))) event.preventDefault();
  });
})();

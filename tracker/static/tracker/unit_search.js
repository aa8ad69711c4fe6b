// The unit filter's search field (tracker/forms/unit_search.py): htmx swaps the matching units
// in under the field; picking one writes its exact name into the field and applies the filter.
// Without this script the field is a plain text box and the typed name or id is submitted as is.
(function () {
  "use strict";

  function optionsOf(field) {
    return document.getElementById(field.getAttribute("aria-controls"));
  }

  function pick(button) {
    var box = button.closest(".unit-search");
    var field = box && box.querySelector("input.unit-search-input");
    if (!field) {
      return;
    }
    field.value = button.getAttribute("data-name");
    optionsOf(field).replaceChildren();
    if (field.form) {
      field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
    }
  }

  document.addEventListener("click", function (event) {
    var button = event.target instanceof Element ? event.target.closest(".unit-option") : null;
    if (button) {
      event.preventDefault();
      pick(button);
    }
  });

  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) {
      return;
    }
    var box = target.closest(".unit-search");
    if (!box) {
      return;
    }
    var field = box.querySelector("input.unit-search-input");
    var buttons = Array.prototype.slice.call(box.querySelectorAll(".unit-option"));
    if (event.key === "Escape") {
      optionsOf(field).replaceChildren();
      field.focus();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!buttons.length) {
        return;
      }
      event.preventDefault();
      var at = buttons.indexOf(target);
      var step = event.key === "ArrowDown" ? 1 : -1;
      var next = at === -1 ? (step > 0 ? 0 : buttons.length - 1) : at + step;
      if (next < 0 || next >= buttons.length) {
        field.focus();
      } else {
        buttons[next].focus();
      }
    }
  });
})();

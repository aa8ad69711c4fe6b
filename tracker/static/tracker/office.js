// The units, people and amendment pages: a form marked data-confirm asks before it is sent
// (deleting a group, withdrawing a task). No inline handlers, for the Content-Security-Policy.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (form instanceof HTMLFormElement && form.hasAttribute("data-confirm") &&
      !window.confirm(form.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});

// The person form: the leader's scope is asked only of a leader (分管领导). Without JavaScript
// the fields simply stay visible.
function showScopeFor(select) {
  document.querySelectorAll("[data-shown-for-role]").forEach((block) => {
    block.hidden = select.value !== block.getAttribute("data-shown-for-role");
  });
}
document.addEventListener("change", (event) => {
  if (event.target instanceof HTMLSelectElement && event.target.name === "role") {
    showScopeFor(event.target);
  }
});
document.addEventListener("DOMContentLoaded", () => {
  const role = document.querySelector("select[name=role]");
  if (role) {
    showScopeFor(role);
  }
});

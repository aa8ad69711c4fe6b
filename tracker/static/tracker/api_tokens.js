// 我的 API 令牌: a [data-copy] button copies the new token from the field it names. Without the
// clipboard (plain HTTP, an old browser) the field's text is selected for the person to copy.
document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-copy]") : null;
  if (!button) return;
  const field = document.querySelector(button.getAttribute("data-copy"));
  if (!(field instanceof HTMLInputElement)) return;
  field.select();
  const done = () => { button.textContent = button.getAttribute("data-copied"); };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, () => {});
  }
});

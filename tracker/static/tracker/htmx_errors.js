/* htmx leaves a 4xx answer unswapped by default, so a refused upload or a form in error would
 * show nothing. The fragments this project answers with 400 (validation), 409 (stale) and 422
 * carry their reason beside the field at fault: swap them like any other answer. */
document.addEventListener("htmx:beforeSwap", function (event) {
  var code = event.detail.xhr.status;
  if (code === 400 || code === 409 || code === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

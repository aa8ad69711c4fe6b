/* The report form keeps what is typed: a draft is saved on the server a moment after typing
 * stops (through the same stale-version check as 保存草稿, so a concurrent edit is refused, never
 * overwritten), errors appear beside the field that caused them, and leaving the page with text
 * not yet saved asks first. Without JavaScript the form's own buttons still save and submit. */
(function () {
  "use strict";

  var form = document.getElementById("report-form");
  if (!form || !form.hasAttribute("data-autosave-url")) return;
  var url = form.getAttribute("data-autosave-url");
  var status = document.getElementById("autosave-status");
  var DELAY = parseInt(form.getAttribute("data-autosave-delay") || "1500", 10);
  var timer = null;
  var inflight = false;
  var again = false;
  var stopped = false;
  var leaving = false;
  var lastSaved = status ? status.textContent : "";

  // What the reporter typed, without the bookkeeping fields, to tell "changed since saved".
  function snapshot() {
    var data = new FormData(form);
    ["csrfmiddlewaretoken", "version", "action"].forEach(function (name) { data.delete(name); });
    return new URLSearchParams(data).toString();
  }
  var saved = snapshot();

  function say(text, kind) {
    if (!status) return;
    status.textContent = text;
    status.className = "autosave-status" + (kind ? " " + kind : "");
  }

  function clearErrors() {
    form.querySelectorAll(".autosave-error").forEach(function (el) {
      var field = el.previousElementSibling;
      if (field) { field.removeAttribute("aria-invalid"); field.removeAttribute("aria-describedby"); }
      el.remove();
    });
  }

  function showErrors(errors) {
    var unplaced = [];
    Object.keys(errors || {}).forEach(function (name) {
      var field = form.elements.namedItem(name);
      if (!(field instanceof HTMLElement) || field.type === "hidden") { unplaced.push(errors[name]); return; }
      var list = document.createElement("ul");
      list.className = "errorlist autosave-error";
      list.id = (field.id || name) + "-autosave-error";
      var item = document.createElement("li");
      item.textContent = errors[name];
      list.appendChild(item);
      field.insertAdjacentElement("afterend", list);
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", list.id);
    });
    return unplaced;
  }

  function save() {
    timer = null;
    if (stopped) return;
    if (inflight) { again = true; return; }
    var sent = snapshot();
    if (sent === saved) {
      // Typed back to what is saved (a slip corrected): the old errors no longer apply.
      clearErrors();
      if (lastSaved) say(lastSaved, "ok");
      return;
    }
    inflight = true;
    say(form.getAttribute("data-msg-saving"), "");
    var body = new FormData(form);
    body.delete("action");
    fetch(url, { method: "POST", body: body, credentials: "same-origin",
                 headers: { "Accept": "application/json" } })
      .then(function (response) {
        return response.json().then(function (data) { return { code: response.status, data: data }; });
      })
      .then(function (result) {
        inflight = false;
        clearErrors();
        var data = result.data || {};
        if (result.code === 200) {
          var version = form.elements.namedItem("version");
          if (version instanceof HTMLInputElement) version.value = String(data.version);
          saved = sent;
          lastSaved = data.detail;
          say(data.detail, "ok");
        } else if (result.code === 409) {
          // Someone else saved: stop, keep the typing on the page, and let the person decide.
          stopped = true;
          say(data.detail, "error");
        } else {
          var rest = showErrors(data.errors);
          say([data.detail].concat(rest).join(" "), "error");
        }
        if (again) { again = false; schedule(); }
      })
      .catch(function () {
        inflight = false;
        say(form.getAttribute("data-msg-failed"), "error");
      });
  }

  function schedule() {
    if (stopped) return;
    if (timer) window.clearTimeout(timer);
    timer = window.setTimeout(save, DELAY);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  form.addEventListener("submit", function () { leaving = true; });

  window.addEventListener("beforeunload", function (event) {
    if (leaving || snapshot() === saved) return;
    event.preventDefault();
    event.returnValue = "";
  });
})();

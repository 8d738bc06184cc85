// The standard editor: live preview and checks, autosave to a private draft on
// the server (and to this browser), presence, and a CSRF token kept fresh so
// that a save after hours still goes through. No inline script (CSP).
(function () {
  "use strict";
  var form = document.querySelector("form[data-editor]");
  if (!form) { return; }
  var textarea = form.querySelector("textarea[name=text]");
  var baseInput = form.querySelector("input[name=base_revision_id]");
  var preview = document.querySelector("[data-preview]");
  var findingsList = document.querySelector("[data-findings]");
  var findingsCount = document.querySelector("[data-checks-count]");
  var statusEl = form.querySelector("[data-autosave-status]");
  var presenceEl = document.querySelector("[data-presence]");
  var storageKey = "drafting-document-" + form.getAttribute("data-document-id");
  var lastSaved = textarea.value;
  var dirty = false;
  var saving = false;

  function token() {
    var meta = document.querySelector("meta[name=csrf-token]");
    return meta ? meta.getAttribute("content") : "";
  }

  function setToken(value) {
    var meta = document.querySelector("meta[name=csrf-token]");
    if (meta) { meta.setAttribute("content", value); }
    document.querySelectorAll("input[name$=csrf_token]").forEach(function (input) { input.value = value; });
  }

  function refreshToken() {
    return fetch(form.getAttribute("data-csrf-url"), { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r); })
      .then(function (data) { setToken(data.csrf_token); return data.csrf_token; });
  }

  function post(url, body, retried) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token(), "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (r) {
      // A refused CSRF token (session renewed, server restarted): fetch a fresh one and try once more.
      if (r.status === 400 && !retried) {
        return refreshToken().then(function () { return post(url, body, true); });
      }
      return r;
    });
  }

  function status(message) { if (statusEl) { statusEl.textContent = message; } }

  function keepLocally() {
    try {
      window.localStorage.setItem(storageKey, JSON.stringify({
        text: textarea.value, base: parseInt(baseInput.value, 10), at: Date.now()
      }));
    } catch (e) { /* storage full or disabled: the server draft still holds the text */ }
  }

  function autosave() {
    if (!dirty || saving) { return; }
    saving = true;
    var text = textarea.value;
    post(form.getAttribute("data-autosave-url"), { text: text, base_revision_id: parseInt(baseInput.value, 10) })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r); })
      .then(function (data) {
        lastSaved = text;
        dirty = textarea.value !== lastSaved;
        var time = new Date(data.saved_at).toLocaleTimeString();
        status(form.getAttribute("data-msg-saved").replace("{time}", time));
        if (data.head_revision_id && String(data.head_revision_id) !== baseInput.value) {
          status(form.getAttribute("data-msg-newer"));
        }
      })
      .catch(function () { status(form.getAttribute("data-msg-offline")); })
      .then(function () { saving = false; });
  }

  function renderFindings(findings) {
    if (!findingsList) { return; }
    findingsList.textContent = "";
    findings.forEach(function (f) {
      var li = document.createElement("li");
      li.className = "finding " + f.severity;
      var badge = document.createElement("span");
      badge.className = "badge sev-" + f.severity;
      badge.textContent = f.severity_label || f.severity;
      li.appendChild(badge);
      li.appendChild(document.createTextNode(" " + (f.line ? "L" + f.line + " " : "") + f.message));
      findingsList.appendChild(li);
    });
    if (findingsCount) { findingsCount.textContent = String(findings.length); }
  }

  var previewTimer = null;
  function schedulePreview() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(function () {
      post(form.getAttribute("data-preview-url"), { text: textarea.value })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r); })
        .then(function (data) {
          if (!preview) { return; }
          if (data.markers) {
            preview.textContent = data.message;
          } else {
            // Server-rendered and sanitized by the same renderer as the export.
            preview.innerHTML = data.html;
          }
          renderFindings(data.findings || []);
        })
        .catch(function () { /* the preview waits for the next change */ });
    }, 700);
  }

  var autosaveTimer = null;
  textarea.addEventListener("input", function () {
    dirty = true;
    keepLocally();
    schedulePreview();
    clearTimeout(autosaveTimer);
    autosaveTimer = setTimeout(autosave, 2500);
  });
  setInterval(autosave, 10000);
  window.addEventListener("online", autosave);

  // Saving: make sure the token is fresh and the draft is on the server first.
  var submitting = false;
  form.addEventListener("submit", function (ev) {
    if (submitting) { return; }
    ev.preventDefault();
    submitting = true;
    keepLocally();
    refreshToken().catch(function () { /* submit with the token we have */ })
      .then(function () { form.submit(); });
  });

  // The text kept in this browser, when the server has something else (e.g. saved offline).
  (function offerLocalCopy() {
    var saved = document.querySelector(".flash.success");
    // The server already shows this user's kept text (a conflict, a restored draft).
    if (document.querySelector("[data-testid=conflicts], [data-testid=restored]")) { return; }
    var raw = null;
    try { raw = window.localStorage.getItem(storageKey); } catch (e) { return; }
    if (!raw) { return; }
    var copy = JSON.parse(raw);
    if (saved || copy.text === textarea.value) {
      window.localStorage.removeItem(storageKey);
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "link-button";
    button.textContent = form.getAttribute("data-msg-local") || "Restore the text kept in this browser";
    button.addEventListener("click", function () {
      textarea.value = copy.text;
      dirty = true;
      schedulePreview();
      autosave();
      button.remove();
    });
    if (statusEl) { statusEl.textContent = ""; statusEl.appendChild(button); }
  })();

  // Presence: a heartbeat row on the server; the answer lists the others.
  function heartbeat() {
    post(form.getAttribute("data-presence-url"), {})
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r); })
      .then(function (data) {
        if (!presenceEl) { return; }
        presenceEl.textContent = data.users.length ? form.getAttribute("data-msg-also") + " " + data.users.join("、") : "";
      })
      .catch(function () {});
  }
  heartbeat();
  setInterval(heartbeat, 20000);
  setInterval(function () { refreshToken().catch(function () {}); }, 10 * 60 * 1000);

  window.addEventListener("beforeunload", function () {
    if (dirty) { keepLocally(); }
  });
})();


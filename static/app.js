// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  // The menu is a <details>, open in the HTML so that it works without script:
  // on small screens it starts closed, on wide ones it always stays open.
  var menu = document.querySelector("[data-nav-menu]");
  if (menu && window.matchMedia) {
    var narrow = window.matchMedia("(max-width: 760px)");
    var fit = function () {
      menu.open = !narrow.matches;
    };
    fit();
    if (narrow.addEventListener) {
      narrow.addEventListener("change", fit);
    }
  }
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      ev.preventDefault();
    }
  });
  // Copy buttons: the value of an input (an image's Markdown line) or the
  // text of an element (a new API token, shown once).
  document.querySelectorAll("[data-copy]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var target = document.getElementById(btn.getAttribute("data-copy"));
      if (!target) { return; }
      var isInput = target.tagName === "INPUT" || target.tagName === "TEXTAREA";
      var text = isInput ? target.value : target.textContent.trim();
      var label = btn.textContent;
      function done() {
        btn.classList.add("copied");
        var message = btn.getAttribute("data-msg-copied");
        if (message) {
          btn.textContent = message;
          setTimeout(function () { btn.textContent = label; }, 1500);
        }
      }
      function fallback() {
        if (isInput) { target.select(); document.execCommand("copy"); done(); }
      }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, fallback);
      } else {
        fallback();
      }
    });
  });
})();

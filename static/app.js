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
  // Copy buttons (e.g. a new API token shown once).
  document.querySelectorAll("[data-copy]").forEach(function (btn) {
    btn.addEventListener("click", function () {
      var target = document.getElementById(btn.getAttribute("data-copy"));
      if (target && navigator.clipboard) {
        navigator.clipboard.writeText(target.textContent.trim());
        btn.classList.add("copied");
      }
    });
  });
})();

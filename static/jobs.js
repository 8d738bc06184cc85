// The export progress page: polls the job's JSON and updates the page in place
// (without scripts, a <noscript><meta refresh> reloads the page instead).
(function () {
  "use strict";
  var box = document.getElementById("export-job");
  if (!box) return;
  var url = box.getAttribute("data-status-url");
  var field = function (name) { return box.querySelector('[data-field="' + name + '"]'); };
  var delay = 700;
  var failures = 0;

  function show(job) {
    box.setAttribute("data-state", job.state);
    var label = field("state-label");
    label.textContent = job.progress_label;
    label.className = "badge state-" + job.state;
    field("percent").textContent = job.progress + " %";
    field("progress").value = job.progress;
    field("progress").textContent = job.progress + " %";
    var failed = job.state === "failed";
    field("error").hidden = !failed;
    if (failed) field("error").textContent = job.error || "";
    field("retry").hidden = !failed;
    field("download-box").hidden = job.state !== "done";
    if (job.download_url) field("download").href = job.download_url;
    field("hint").hidden = job.state === "done" || failed;
  }

  function poll() {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (job) {
        failures = 0;
        show(job);
        if (job.state === "queued" || job.state === "running") {
          delay = Math.min(delay * 1.3, 3000);
          setTimeout(poll, delay);
        }
      })
      .catch(function () {
        // A restart or a network blip: keep trying, more slowly, then let a reload decide.
        failures += 1;
        if (failures < 10) setTimeout(poll, 3000);
      });
  }

  if (box.getAttribute("data-state") === "queued" || box.getAttribute("data-state") === "running") {
    setTimeout(poll, delay);
  }
})();

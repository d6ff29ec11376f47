// Polls the import's status and moves the progress bar; reloads once it has finished.
(function () {
  const box = document.getElementById("import-progress");
  if (!box || ["done", "failed"].includes(box.dataset.status)) return;
  const bar = document.getElementById("progress-bar");
  const text = document.getElementById("progress-text");
  async function poll() {
    try {
      const response = await fetch(box.dataset.statusUrl, {credentials: "same-origin"});
      const job = await response.json();
      bar.value = job.percent;
      text.textContent = `${job.rows_done.toLocaleString()} of ${job.rows_total.toLocaleString()} rows checked (${job.percent}%). ${job.status_label}.`;
      if (job.status === "done" || job.status === "failed") return window.location.reload();
    } catch (error) {
      text.textContent = "Lost contact with the server; retrying…";
    }
    setTimeout(poll, 1000);
  }
  setTimeout(poll, 500);
})();

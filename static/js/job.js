// Polls a background export's status until it is done or failed (reports/job.html).
(function () {
  const box = document.getElementById("job");
  if (!box) return;
  const bar = box.querySelector("[data-testid=job-progress]");
  function poll() {
    fetch(box.dataset.statusUrl, {headers: {"Accept": "application/json"}})
      .then(r => r.json())
      .then(data => {
        bar.style.width = data.progress + "%";
        bar.textContent = data.progress + "%";
        box.querySelector(".progress").setAttribute("aria-valuenow", data.progress);
        box.querySelector("[data-testid=job-status]").textContent = data.status_label;
        box.querySelector("[data-testid=job-rows]").textContent = data.rows_done;
        box.querySelector("[data-testid=job-error]").textContent = data.error;
        if (data.download_url) {
          box.querySelector("[data-testid=job-download]").classList.remove("d-none");
        } else if (data.status !== "failed") {
          setTimeout(poll, 1500);
        }
      })
      .catch(() => setTimeout(poll, 5000));
  }
  if (box.dataset.status !== "done" && box.dataset.status !== "failed") poll();
})();

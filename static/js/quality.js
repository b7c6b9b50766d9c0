/* 数据质量: while the city's checks run in the background, poll their progress and show the result when ready. */
(function () {
  "use strict";
  var box = document.querySelector("[data-testid=quality-progress]");
  if (!box) { return; }
  var bar = box.querySelector("[data-testid=quality-progress-bar]");
  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.ready) { window.location.reload(); return; }
        if (data.total) {
          bar.style.width = Math.round(data.done * 100 / data.total) + "%";
          bar.textContent = "已完成 " + data.done + " / " + data.total + " 项";
        }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();

/* The 大比拼 charts: stacked bars of each unit's points per item, from the page's json_script data. */
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  if (!source || typeof Chart === "undefined") { return; }
  var charts = JSON.parse(source.textContent);
  document.querySelectorAll("canvas[data-chart-kind]").forEach(function (canvas) {
    var spec = charts[canvas.dataset.chartKind];
    if (!spec) { return; }
    canvas.chart = new Chart(canvas, {
      type: "bar",
      data: { labels: spec.labels, datasets: spec.datasets },
      options: {
        responsive: true, maintainAspectRatio: false,
        plugins: { title: { display: true, text: spec.title } },
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } }
      }
    });
    canvas.dataset.drawn = "true";
  });
})();

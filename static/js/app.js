/* Behaviour every page shares (no inline scripts: the Content-Security-Policy forbids them). */
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-print]");
    if (button) { window.print(); }
  });
})();

/* Charts are drawn for the screen's width: redraw them for the printed page, and back afterwards. */
(function () {
  "use strict";
  function resizeCharts() {
    document.querySelectorAll("canvas").forEach(function (canvas) {
      if (canvas.chart) { canvas.chart.resize(); }
    });
  }
  window.addEventListener("beforeprint", resizeCharts);
  window.addEventListener("afterprint", resizeCharts);
})();

/* Draws every <canvas data-chart> with Chart.js from the chart's data on the page (the JSON script element
   it names; the same JSON as the chart's view /dashboard/charts/<name>/ answers).
   A click on a bar of a by-area chart opens that area's dashboard (same page, same period). */
(function () {
  "use strict";

  function openArea(code) {
    var url = new URL(window.location.href);
    url.searchParams.set("area", code);
    window.location.assign(url.toString());
  }

  function draw(canvas, spec) {
    var options = Object.assign({ responsive: true, maintainAspectRatio: false }, spec.options || {});
    options.plugins = Object.assign({ title: { display: true, text: spec.title } }, options.plugins || {});
    if (spec.codes && spec.codes.length) {
      options.onClick = function (event, elements) {
        if (elements.length) { openArea(spec.codes[elements[0].index]); }
      };
      options.onHover = function (event, elements) {
        event.native.target.style.cursor = elements.length ? "pointer" : "default";
      };
    }
    canvas.chart = new Chart(canvas, { type: spec.type, data: { labels: spec.labels, datasets: spec.datasets }, options: options });
    canvas.dataset.codes = (spec.codes || []).join(",");
    canvas.dataset.drawn = "true";
  }

  function showMessage(canvas, text) {
    var note = document.createElement("p");
    note.className = "text-muted small mt-2";
    note.textContent = text;
    canvas.parentNode.appendChild(note);
    canvas.dataset.drawn = "empty";
  }

  // The page brings each chart's data as a JSON script element (no request per chart).
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var element = document.getElementById(canvas.dataset.chart);
    var spec;
    try { spec = JSON.parse(element.textContent); } catch (error) { showMessage(canvas, "图表数据加载失败"); return; }
    if (!spec.labels.length) { showMessage(canvas, spec.title + "：无下级区域数据"); return; }
    draw(canvas, spec);
  });
})();

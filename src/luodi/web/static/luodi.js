// luodi web: small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  // Charts: a <div data-chart="ID"> takes its data from <script type="application/json" id="ID">
  // (data blocks, not inline code, so the Content-Security-Policy can forbid inline scripts).
  function drawCharts(root) {
    if (!window.echarts) { return; }
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) { return; }
      var src = document.getElementById(el.dataset.chart);
      if (!src) { return; }
      var spec = JSON.parse(src.textContent);
      var chart = echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option(spec));
      el.dataset.drawn = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  function option(spec) {
    var font = getComputedStyle(document.body).fontFamily;
    var kind = spec.type || "bar";
    var series = (spec.series || []).map(function (s) {
      var o = { name: s.name, type: s.type || kind, data: s.data, connectNulls: true, emphasis: { focus: "series" } };
      if (s.stack) { o.stack = s.stack; }
      if (s.color) { o.itemStyle = { color: s.color }; }
      return o;
    });
    var horizontal = spec.horizontal === true;
    // Horizontal bars list categories top-down, in the order the page gives them.
    var cat = { type: "category", data: spec.categories || [], inverse: horizontal, axisLabel: { interval: 0, hideOverlap: true } };
    var val = { type: "value", name: spec.unit || "", max: spec.max };
    return {
      animation: false,  // dashboards are read, not watched; also keeps screenshots exact
      textStyle: { fontFamily: font },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { type: "scroll", top: 0 },
      grid: { left: 16, right: 24, top: 40, bottom: 24, containLabel: true },
      xAxis: horizontal ? val : cat,
      yAxis: horizontal ? cat : val,
      series: series
    };
  }

  // Deferred scripts run in order before DOMContentLoaded, and ECharts may come after this
  // file: draw then (and again on load, in case); drawCharts skips charts already drawn.
  function draw() { drawCharts(document); }
  document.addEventListener("DOMContentLoaded", draw);
  window.addEventListener("load", draw);
  // htmx swaps in new content (filters, pages): draw the charts it brings.
  document.addEventListener("htmx:afterSettle", function (e) { drawCharts(e.target); });
})();

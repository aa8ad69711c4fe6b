/*
 * Charts of the dashboard, drawn with the vendored ECharts from data the page embeds with
 * {{ data|json_script:"id" }}:
 *
 *   <div class="chart" data-chart="colours|trend|ranking" data-source="id" role="img" aria-label="…">
 *
 * Every chart has a table beside it carrying the same figures (and the same links), so the page
 * reads without JavaScript, with a screen reader and on paper. Clicking a bar or a slice opens
 * the list behind it, like the figures in the tables. Charts follow their box when it resizes
 * and redraw at a fixed size for printing.
 */
(function () {
  "use strict";

  var PRINT_SIZE = { width: 642, height: 321 }; // 170 mm × 85 mm at 96 dpi, as dashboard.css
  var charts = [];

  function colours(data) {
    return {
      tooltip: { trigger: "item", formatter: "{b}：{c}（{d}%）" },
      legend: { bottom: 0, icon: "circle" },
      series: [
        {
          type: "pie",
          radius: ["42%", "68%"],
          center: ["50%", "45%"],
          stillShowZeroSum: false,
          label: { formatter: "{b}\n{c}" },
          // Empty slices would only crowd the labels; the table beside the chart lists all five.
          data: data
            .filter(function (d) { return d.value > 0; })
            .map(function (d) {
              return { name: d.name, value: d.value, url: d.url, itemStyle: { color: d.color } };
            }),
        },
      ],
    };
  }

  function trend(data) {
    var bars = data.series.map(function (s) {
      return {
        type: "bar",
        name: s.name,
        stack: "colours",
        barMaxWidth: 48,
        itemStyle: { color: s.color },
        emphasis: { focus: "series" },
        data: s.data,
      };
    });
    bars.push({
      type: "line",
      name: data.line_name,
      yAxisIndex: 1,
      symbolSize: 8,
      itemStyle: { color: "#1f2329" },
      lineStyle: { type: "dashed" },
      data: data.good_share,
      tooltip: { valueFormatter: percent },
    });
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { bottom: 0 },
      grid: { left: 8, right: 8, top: 36, bottom: 48, containLabel: true },
      xAxis: { type: "category", data: data.quarters },
      yAxis: [
        { type: "value", name: data.count_name, minInterval: 1 },
        { type: "value", name: data.line_name, min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      ],
      series: bars,
    };
  }

  function ranking(data) {
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: score },
      grid: { left: 8, right: 48, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", min: 0, max: 100 },
      yAxis: {
        type: "category",
        inverse: true,
        data: data.units,
        axisLabel: { width: 170, overflow: "truncate" },
      },
      series: [
        {
          type: "bar",
          name: data.name,
          barMaxWidth: 18,
          itemStyle: { color: "#b71c1c" },
          label: { show: true, position: "right", formatter: function (p) { return score(p.value); } },
          data: data.scores,
        },
      ],
    };
  }

  function percent(value) {
    return value === null || value === undefined ? "—" : value.toFixed(1) + "%";
  }

  function score(value) {
    return value === null || value === undefined ? "—" : Number(value).toFixed(1);
  }

  var BUILDERS = { colours: colours, trend: trend, ranking: ranking };

  function draw(root) {
    if (typeof window.echarts === "undefined") {
      return; // the tables beside the charts carry the figures
    }
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.drawn) {
        return;
      }
      var source = document.getElementById(el.dataset.source);
      var build = BUILDERS[el.dataset.chart];
      if (!source || !build) {
        return;
      }
      var chart = window.echarts.init(el, null, { renderer: "svg", locale: "ZH" });
      chart.setOption(Object.assign({ animationDuration: 300 }, build(JSON.parse(source.textContent))));
      chart.on("click", function (params) {
        var url = params.data && params.data.url;
        if (url) {
          window.location.assign(url);
        }
      });
      el.dataset.drawn = "1";
      charts.push(chart);
      if (window.ResizeObserver) {
        new ResizeObserver(function () {
          if (!chart.isDisposed()) {
            chart.resize();
          }
        }).observe(el);
      }
    });
  }

  function forPrint(printing) {
    charts.forEach(function (chart) {
      if (!chart.isDisposed()) {
        chart.resize(printing ? Object.assign({ animation: { duration: 0 } }, PRINT_SIZE) : undefined);
      }
    });
  }

  window.addEventListener("beforeprint", function () { forPrint(true); });
  window.addEventListener("afterprint", function () { forPrint(false); });
  if (window.matchMedia) {
    var media = window.matchMedia("print");
    var onChange = function (event) { forPrint(event.matches); };
    if (media.addEventListener) {
      media.addEventListener("change", onChange);
    }
  }
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { draw(document); });
  } else {
    draw(document);
  }
})();

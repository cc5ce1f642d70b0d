// Keel UI: draws every <canvas data-chart="…"> with the vendored Chart.js (no network). The server renders the data;
// this file only maps Keel's small chart spec (line, scatter, bar, parallel) onto Chart.js options.
(function () {
  'use strict';
  var palette = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];
  function color(i) { return palette[i % palette.length]; }
  function iso(ms) { return new Date(ms).toISOString().replace('T', ' ').slice(0, 19); }

  function num(v) { return typeof v === 'number' ? v : undefined; }

  // The x axis's ends: the spec's when it fixes them; else, on a time axis whose points all share one time, an hour around it
  // (Chart.js would otherwise pad a single time by a fraction of its value: years).
  function xBounds(spec) {
    var xs = [];
    spec.series.forEach(function (s) { s.points.forEach(function (p) { xs.push(p[0]); }); });
    var lo = Math.min.apply(null, xs), hi = Math.max.apply(null, xs);
    if (num(spec.xMin) === undefined && num(spec.xMax) === undefined && spec.xTime && xs.length > 0 && lo === hi)
      return { min: lo - 1800000, max: hi + 1800000 };
    return { min: num(spec.xMin), max: num(spec.xMax) };
  }

  function line(spec) {
    var xb = xBounds(spec);
    return {
      type: 'line',
      data: {
        datasets: spec.series.map(function (s, i) {
          return { label: s.label, data: s.points.map(function (p) { return { x: p[0], y: p[1] }; }), borderColor: color(i),
                   backgroundColor: color(i), pointRadius: s.points.length > 60 ? 0 : 2, stepped: spec.stepped ? 'before' : false, borderWidth: 1.5 };
        })
      },
      options: {
        animation: false, parsing: false, normalized: true, maintainAspectRatio: false,
        scales: {
          x: { type: 'linear', min: xb.min, max: xb.max, title: { display: true, text: spec.xLabel },
               ticks: spec.xTime ? { callback: function (v) { return iso(v).slice(0, 16); }, maxTicksLimit: 6 } : {} },
          y: { type: 'linear', min: num(spec.yMin), max: num(spec.yMax), ticks: spec.yWhole ? { precision: 0 } : {} }
        },
        plugins: { legend: { display: spec.legend !== false },
                   tooltip: { callbacks: { title: function (items) { return items.length && spec.xTime ? iso(items[0].parsed.x) : (items.length ? spec.xLabel + ' ' + items[0].parsed.x : ''); } } } }
      }
    };
  }

  function scatter(spec) {
    return {
      type: 'scatter',
      data: {
        datasets: spec.series.map(function (s, i) {
          return { label: s.label, data: s.points.map(function (p) { return { x: p[0], y: p[1] }; }), borderColor: color(i), backgroundColor: color(i), pointRadius: 3 };
        })
      },
      options: {
        animation: false, parsing: false, maintainAspectRatio: false,
        scales: { x: { type: spec.xLog ? 'logarithmic' : 'linear', title: { display: true, text: spec.xLabel } }, y: { type: 'linear', title: { display: true, text: spec.yLabel } } }
      }
    };
  }

  function bar(spec) {
    return {
      type: 'bar',
      data: { labels: spec.labels, datasets: [{ label: spec.valueLabel, data: spec.values, backgroundColor: spec.labels.map(function (_, i) { return color(i); }) }] },
      options: { animation: false, maintainAspectRatio: false, indexAxis: spec.labels.length > 6 ? 'y' : 'x' }
    };
  }

  function shade(s) { return 'rgba(31, 119, 180, ' + (0.15 + 0.85 * s).toFixed(3) + ')'; }

  function parallel(spec) {
    // Each point is [axis index, value scaled 0..1 within the axis, raw value]; a series may carry texts (shown instead of the raw
    // values) and a shade (0..1: its colour from light to dark, e.g. by objective, instead of a palette colour).
    return {
      type: 'line',
      data: {
        labels: spec.axes,
        datasets: spec.series.map(function (s, i) {
          var c = s.shade === null || s.shade === undefined ? color(i) : shade(s.shade);
          return { label: s.label, data: s.points.map(function (p) { return p[1]; }), raw: s.texts || s.points.map(function (p) { return p[2]; }),
                   borderColor: c, backgroundColor: c, pointRadius: 3, tension: 0, spanGaps: false };
        })
      },
      options: {
        animation: false, maintainAspectRatio: false,
        scales: { y: { min: 0, max: 1, ticks: { callback: function (v) { return v === 0 ? 'min' : v === 1 ? 'max' : ''; } } } },
        plugins: { legend: { display: spec.legend !== false },
                   tooltip: { callbacks: { label: function (c) { return c.dataset.label + ': ' + c.dataset.raw[c.dataIndex]; } } } }
      }
    };
  }

  function draw() {
    if (typeof Chart === 'undefined') return;
    document.querySelectorAll('canvas[data-chart]').forEach(function (canvas) {
      var spec = JSON.parse(canvas.getAttribute('data-chart'));
      var config = spec.kind === 'bar' ? bar(spec) : spec.kind === 'parallel' ? parallel(spec) : spec.kind === 'scatter' ? scatter(spec) : line(spec);
      new Chart(canvas, config);
      canvas.setAttribute('data-drawn', 'true');
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', draw); else draw();
})();

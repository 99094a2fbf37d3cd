// The built-in dashboard: draws the panels the lab server defines (lab/dashboard/panels.ts)
// with uPlot, from the history the lab server keeps, and asks once a second for new points.
/* global uPlot */
(() => {
  'use strict';
  const POLL_MS = 1000;
  const CHART_HEIGHT = 190;
  const state = { panels: [], times: [], values: [], runs: [], historySeconds: 900, charts: [], lastTime: undefined };

  const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
  const formatters = {
    'requests/s': (v) => `${compact.format(v)}/s`,
    'connections/s': (v) => `${compact.format(v)}/s`,
    'rows/s': (v) => `${compact.format(v)}/s`,
    connections: (v) => compact.format(v),
    percent: (v) => `${v.toFixed(v >= 99.95 || v === 0 ? 0 : 1)}%`,
    seconds: (v) => (v === 0 ? '0' : v >= 1 ? `${v.toFixed(2)} s` : `${(v * 1000).toFixed(v < 0.01 ? 1 : 0)} ms`),
    'up/down': (v) => (v >= 1 ? 'up' : 'down'),
  };
  const format = (unit, v) => (v === null || v === undefined ? '–' : formatters[unit](v));

  // Shaded bands for load-test runs, drawn under the lines.
  const runBands = {
    hooks: {
      drawClear: [
        (u) => {
          const { ctx, bbox } = u;
          ctx.save();
          for (const run of state.runs) {
            const end = run.end ?? state.times[state.times.length - 1] ?? run.start;
            const x0 = Math.max(u.valToPos(run.start, 'x', true), bbox.left);
            const x1 = Math.min(u.valToPos(end, 'x', true), bbox.left + bbox.width);
            if (x1 <= bbox.left || x0 >= bbox.left + bbox.width) continue;
            ctx.fillStyle = run.end === null ? 'rgba(47,111,214,0.16)' : 'rgba(47,111,214,0.09)';
            ctx.fillRect(x0, bbox.top, Math.max(x1 - x0, 2), bbox.height);
            ctx.fillStyle = '#2f6fd6';
            ctx.font = `${12 * devicePixelRatio}px system-ui, sans-serif`;
            ctx.fillText(run.label, x0 + 4 * devicePixelRatio, bbox.top + 14 * devicePixelRatio);
          }
          ctx.restore();
        },
      ],
    },
  };

  function powersOfTen(max) {
    const step = max > 1e5 ? 100 : 10;
    const splits = [0];
    for (let v = 10; v <= max; v *= step) splits.push(v);
    return splits;
  }

  function seriesOffset(panelIndex) {
    let offset = 0;
    for (let i = 0; i < panelIndex; i += 1) offset += state.panels[i].series.length;
    return offset;
  }

  function panelData(panelIndex) {
    const panel = state.panels[panelIndex];
    const offset = seriesOffset(panelIndex);
    return [state.times, ...panel.series.map((_, i) => state.values[offset + i])];
  }

  function buildPanel(panel, panelIndex, container) {
    const box = document.createElement('section');
    box.className = 'panel';
    box.dataset.panel = panel.id;
    box.innerHTML = `<h2><span></span><span class="now"></span></h2><details><summary>?</summary><span></span></details><div class="chart"></div><p class="look"></p>`;
    box.querySelector('h2 span').textContent = panel.title;
    box.querySelector('details span').textContent = panel.help;
    box.querySelector('.look').textContent = panel.lookFor;
    container.appendChild(box);
    const chartBox = box.querySelector('.chart');
    const isUpDown = panel.unit === 'up/down';
    const options = {
      width: Math.max(chartBox.clientWidth, 300),
      height: CHART_HEIGHT,
      plugins: [runBands],
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true },
        y: isUpDown
          ? { range: [0, 1.1] }
          : panel.unit === 'percent'
            ? { range: [0, 105] }
            : panel.scale === 'log'
              ? // asinh: logarithmic for large values, linear near 0, so a 0 stays drawable.
                { distr: 4, asinh: 1, range: (u, min, max) => [0, Math.max(max * 2, 10)] }
              : { range: (u, min, max) => [0, Math.max(max * 1.1, 1)] },
      },
      axes: [
        {},
        {
          size: 64,
          // uPlot passes null for a tick it leaves unlabelled.
          values: (u, ticks) => ticks.map((v) => (v == null ? '' : isUpDown ? (v === 1 ? 'up' : v === 0 ? 'down' : '') : format(panel.unit, v))),
          ...(isUpDown ? { splits: () => [0, 1] } : {}),
          // Log axis: a line at 0 and at powers of ten (every other one when the range is wide).
          ...(panel.scale === 'log' ? { splits: (u, axis, min, max) => powersOfTen(max) } : {}),
        },
      ],
      series: [
        { value: (u, v) => (v === null ? '–' : new Date(v * 1000).toLocaleTimeString()) },
        ...panel.series.map((series) => ({
          label: series.label,
          stroke: series.color,
          width: 2,
          dash: series.dashed ? [6, 4] : undefined,
          fill: isUpDown ? 'rgba(46,158,68,0.15)' : undefined,
          value: (u, v) => format(panel.unit, v),
          points: { show: false },
        })),
      ],
    };
    const chart = new uPlot(options, panelData(panelIndex), chartBox);
    const entry = { chart, box, chartBox, hovering: false };
    // Away from the cursor, the legend shows the newest values.
    chartBox.addEventListener('mouseenter', () => (entry.hovering = true));
    chartBox.addEventListener('mouseleave', () => {
      entry.hovering = false;
      showNewest(entry);
    });
    return entry;
  }

  function showNewest(entry) {
    if (!entry.hovering && state.times.length > 0) entry.chart.setLegend({ idx: state.times.length - 1 });
  }

  function latestValue(panelIndex, seriesIndex) {
    const values = state.values[seriesOffset(panelIndex) + seriesIndex];
    const last = values[values.length - 1];
    return last === undefined ? null : last;
  }

  function render() {
    state.panels.forEach((panel, i) => {
      const { chart, box } = state.charts[i];
      chart.setData(panelData(i));
      showNewest(state.charts[i]);
      const first = latestValue(i, 0);
      box.querySelector('.now').textContent = panel.series.length === 1 || panel.unit === 'connections' ? format(panel.unit, first) : '';
      // For tests and curious learners: how many real (non-gap) points each panel holds.
      box.dataset.points = String(panel.series.reduce((n, _, s) => n + state.values[seriesOffset(i) + s].filter((v) => v !== null).length, 0));
    });
    renderStatus();
  }

  function renderStatus() {
    const upIndex = state.panels.findIndex((panel) => panel.id === 'up');
    const up = upIndex >= 0 ? latestValue(upIndex, 0) : null;
    const running = state.runs.find((run) => run.end === null);
    const status = document.getElementById('status');
    status.innerHTML = '';
    const app = document.createElement('span');
    app.className = up === 1 ? 'up' : 'down';
    app.textContent = up === 1 ? `app up (:${state.appPort})` : `app DOWN (:${state.appPort})`;
    status.append(app);
    if (running) {
      const run = document.createElement('span');
      run.className = 'run';
      run.textContent = ` · load test running: ${running.label}`;
      status.append(run);
    }
    status.append(` · database: ${state.mode}`);
  }

  function append(slice) {
    const cutoff = Date.now() / 1000 - state.historySeconds;
    state.times.push(...slice.times);
    slice.values.forEach((values, i) => state.values[i].push(...values));
    let drop = 0;
    while (drop < state.times.length && state.times[drop] < cutoff) drop += 1;
    if (drop > 0) {
      state.times.splice(0, drop);
      for (const values of state.values) values.splice(0, drop);
    }
    if (state.times.length > 0) state.lastTime = state.times[state.times.length - 1];
    state.runs = slice.runs;
  }

  async function load() {
    const response = await fetch('/api/dashboard');
    const first = await response.json();
    Object.assign(state, { panels: first.panels, historySeconds: first.historySeconds, mode: first.mode, appPort: first.appPort });
    state.values = first.values.map(() => []);
    append(first);
    const container = document.getElementById('panels');
    state.charts = state.panels.map((panel, i) => buildPanel(panel, i, container));
    render();
    window.addEventListener('resize', () => {
      for (const { chart, chartBox } of state.charts) chart.setSize({ width: Math.max(chartBox.clientWidth, 300), height: CHART_HEIGHT });
    });
    setTimeout(poll, POLL_MS);
  }

  async function poll() {
    try {
      const query = state.lastTime === undefined ? '' : `?since=${state.lastTime}`;
      const response = await fetch(`/api/dashboard${query}`);
      if (response.ok) {
        append(await response.json());
        render();
      }
    } catch {
      document.getElementById('status').textContent = 'lost contact with the lab server (is `npm start` still running?)';
    }
    setTimeout(poll, POLL_MS);
  }

  load().catch((error) => {
    document.getElementById('status').textContent = `could not load the dashboard: ${error}`;
  });
})();

// The built-in dashboard: draws the panels the lab server defines (lab/dashboard/panels.ts)
// with uPlot, from the history the lab server keeps, and asks once a second for new points.
// Table panels (a ranking, such as the top queries) show the lab server's rows of the moment.
/* global uPlot */
(() => {
  'use strict';
  const POLL_MS = 1000;
  const CHART_HEIGHT = 190;
  const state = { panels: [], times: [], values: [], runs: [], tables: {}, historySeconds: 900, charts: [], lastTime: undefined };

  // lab_app_up: 1 answered, 0.5 accepted but did not answer in time (busy), 0 nothing answers.
  const UP_DOWN = { 1: 'up', 0.5: 'no answer', 0: 'down' };
  const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
  const formatters = {
    'requests/s': (v) => `${compact.format(v)}/s`,
    'calls/s': (v) => `${compact.format(v)}/s`,
    'connections/s': (v) => `${compact.format(v)}/s`,
    'rows/request': (v) => compact.format(v),
    connections: (v) => compact.format(v),
    percent: (v) => `${v.toFixed(v >= 99.95 || v === 0 ? 0 : 1)}%`,
    seconds: (v) => (v === 0 ? '0' : v >= 1 ? `${v.toFixed(2)} s` : `${(v * 1000).toFixed(v < 0.01 ? 1 : 0)} ms`),
    'up/down': (v) => UP_DOWN[v] ?? '',
    'per second': (v) => `${compact.format(v)}/s`,
    count: (v) => compact.format(v),
    cores: (v) => v.toFixed(2),
    fraction: (v) => v.toFixed(2),
  };
  const format = (unit, v) => (v === null || v === undefined ? '–' : formatters[unit](v));

  // Rows of band labels (band-labels.js lays them out), in CSS pixels from the chart's top.
  const LABEL_ROWS = { loadtest: [14, 28], check: [42] };
  const LABEL_GAP = 6;

  // Where each band is on the chart, and its label: [{ run, x0, x1, x, y, text }].
  function bandLayout(u) {
    const { ctx, bbox } = u;
    const bands = [];
    for (const run of state.runs) {
      const end = run.end ?? state.times[state.times.length - 1] ?? run.start;
      const x0 = Math.max(u.valToPos(run.start, 'x', true), bbox.left);
      const x1 = Math.min(u.valToPos(end, 'x', true), bbox.left + bbox.width);
      if (x1 <= bbox.left || x0 >= bbox.left + bbox.width) continue;
      bands.push({ run, x0, x1, x: x0 + 4 * devicePixelRatio, kind: run.kind === 'check' ? 'check' : 'loadtest', label: run.label });
    }
    const rows = Object.fromEntries(Object.entries(LABEL_ROWS).map(([kind, ys]) => [kind, ys.map((y) => bbox.top + y * devicePixelRatio)]));
    const labels = window.bandLabels.layoutBandLabels(bands, (text) => ctx.measureText(text).width, rows, LABEL_GAP * devicePixelRatio, bbox.left + bbox.width);
    return bands.map((band, index) => ({ ...band, ...labels[index] }));
  }

  // Shaded bands for load-test runs, drawn under the lines, with their labels.
  const runBands = {
    hooks: {
      drawClear: [
        (u) => {
          const { ctx, bbox } = u;
          ctx.save();
          // uPlot leaves the context as its axes used it (right-aligned labels): set what we draw with.
          ctx.textAlign = 'left';
          ctx.textBaseline = 'alphabetic';
          ctx.font = `${12 * devicePixelRatio}px system-ui, sans-serif`;
          const bands = bandLayout(u);
          for (const { run, x0, x1 } of bands) {
            // Load-test runs in blue; the check's short bursts in grey, labelled on a row of their own.
            const [r, g, b] = run.kind === 'check' ? [119, 119, 119] : [47, 111, 214];
            ctx.fillStyle = `rgba(${r},${g},${b},${run.end === null ? 0.16 : 0.09})`;
            ctx.fillRect(x0, bbox.top, Math.max(x1 - x0, 2), bbox.height);
          }
          for (const { run, x, y, text } of bands) {
            if (!text) continue;
            ctx.fillStyle = run.kind === 'check' ? '#666666' : '#2f6fd6';
            ctx.fillText(text, x, y);
          }
          ctx.restore();
          // For the hover: the bands in CSS pixels of the plot area, as the cursor reports them.
          u.bandsForHover = bands.map(({ run, x0, x1 }) => ({ label: run.label, left: (x0 - bbox.left) / devicePixelRatio, right: (x1 - bbox.left) / devicePixelRatio }));
        },
      ],
      // Hovering a band shows its whole label, however short its label had to be cut.
      setCursor: [
        (u) => {
          const left = u.cursor.left;
          const band = left == null || left < 0 ? undefined : (u.bandsForHover ?? []).filter((b) => left >= b.left && left <= b.right).at(-1);
          u.over.title = band ? band.label : '';
        },
      ],
    },
  };

  // A line at 0 and at every power of ten from ten times the linear threshold (the first one with
  // room for its label above 0) up to the top of the chart.
  function powersOfTen(threshold, max) {
    const splits = [0];
    for (let v = threshold * 10; v <= max * 1.0001; v *= 10) splits.push(Number(v.toPrecision(1)));
    return splits;
  }

  // 13:05:30 (24-hour, the machine's time zone): short enough that labels never overlap.
  const clock = (seconds) => new Date(seconds * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

  // Only chart panels have series in the history; tables take none of its columns.
  function seriesOffset(panelIndex) {
    let offset = 0;
    for (let i = 0; i < panelIndex; i += 1) if (state.panels[i].kind === 'chart') offset += state.panels[i].series.length;
    return offset;
  }

  function panelData(panelIndex) {
    const panel = state.panels[panelIndex];
    const offset = seriesOffset(panelIndex);
    return [state.times, ...panel.series.map((_, i) => state.values[offset + i])];
  }

  function panelBox(panel, container) {
    const box = document.createElement('section');
    box.className = 'panel';
    box.dataset.panel = panel.id;
    box.innerHTML = `<h2><span></span><span class="now"></span></h2><details><summary>?</summary><span></span></details><div class="chart"></div><p class="look"></p>`;
    box.querySelector('h2 span').textContent = panel.title;
    box.querySelector('details span').textContent = panel.help;
    box.querySelector('.look').textContent = panel.lookFor;
    container.appendChild(box);
    return box;
  }

  function buildTable(panel, container) {
    const box = panelBox(panel, container);
    const table = document.createElement('table');
    table.className = 'top';
    const head = table.createTHead().insertRow();
    for (const heading of [panel.rowHeading, ...panel.columns.map((column) => column.label)]) {
      const cell = document.createElement('th');
      cell.textContent = heading;
      head.appendChild(cell);
    }
    table.createTBody();
    box.querySelector('.chart').appendChild(table);
    return { box, table };
  }

  function renderTable(panel, entry) {
    const rows = state.tables[panel.id] ?? [];
    const body = entry.table.tBodies[0];
    body.replaceChildren();
    for (const row of rows) {
      const line = body.insertRow();
      const name = document.createElement('code');
      name.textContent = row.name;
      line.insertCell().appendChild(name);
      row.values.forEach((value, i) => (line.insertCell().textContent = format(panel.columns[i].unit, value)));
    }
    if (rows.length === 0) {
      const cell = body.insertRow().insertCell();
      cell.colSpan = panel.columns.length + 1;
      cell.className = 'empty';
      cell.textContent = 'nothing in the last few seconds';
    }
    entry.box.dataset.points = String(rows.length);
  }

  function buildPanel(panel, panelIndex, container) {
    if (panel.kind === 'table') return buildTable(panel, container);
    const box = panelBox(panel, container);
    const chartBox = box.querySelector('.chart');
    const isUpDown = panel.unit === 'up/down';
    const threshold = panel.linearThreshold ?? 1;
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
                { distr: 4, asinh: threshold, range: (u, min, max) => [0, Math.max(max * 2, threshold * 10)] }
              : { range: (u, min, max) => [0, Math.max(max * 1.1, 1)] },
      },
      axes: [
        { space: 64, values: (u, ticks) => ticks.map(clock) },
        {
          size: isUpDown ? 80 : 64,
          // Log axis: room for a label at every power of ten, so each line is ten times the one below.
          ...(panel.scale === 'log' ? { space: 14 } : {}),
          // uPlot passes null for a tick it leaves unlabelled.
          values: (u, ticks) => ticks.map((v) => (v == null ? '' : format(panel.unit, v))),
          ...(isUpDown ? { splits: () => [0, 0.5, 1] } : {}),
          ...(panel.scale === 'log' ? { splits: (u, axis, min, max) => powersOfTen(threshold, max) } : {}),
        },
      ],
      series: [
        { value: (u, v) => (v === null ? '–' : clock(v)) },
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
      if (panel.kind === 'table') {
        renderTable(panel, state.charts[i]);
        return;
      }
      const { chart, box } = state.charts[i];
      chart.setData(panelData(i));
      showNewest(state.charts[i]);
      box.querySelector('.now').textContent = headline(panel, i);
      // For tests and curious learners: how many real (non-gap) points each panel holds.
      box.dataset.points = String(panel.series.reduce((n, _, s) => n + state.values[seriesOffset(i) + s].filter((v) => v !== null).length, 0));
    });
    renderStatus();
  }

  // Beside the title: the one number to read (a ratio of two series, or the only series).
  function headline(panel, panelIndex) {
    if (panel.ratio) {
      const index = (label) => panel.series.findIndex((series) => series.label === label);
      const numerator = latestValue(panelIndex, index(panel.ratio.numerator));
      const denominator = latestValue(panelIndex, index(panel.ratio.denominator));
      // Below one request a second the ratio is noise.
      if (numerator === null || denominator === null || denominator < 1) return '';
      const ratio = numerator / denominator;
      return `${ratio >= 10 ? Math.round(ratio) : ratio.toFixed(2)} ${panel.ratio.text}`;
    }
    return panel.series.length === 1 || panel.unit === 'connections' ? format(panel.unit, latestValue(panelIndex, 0)) : '';
  }

  function renderStatus() {
    const upIndex = state.panels.findIndex((panel) => panel.id === 'up');
    const up = upIndex >= 0 ? latestValue(upIndex, 0) : null;
    const running = state.runs.find((run) => run.end === null);
    const status = document.getElementById('status');
    status.innerHTML = '';
    const app = document.createElement('span');
    app.className = up === 1 ? 'up' : up === 0.5 ? 'busy' : 'down';
    app.textContent = up === 1 ? `app up (:${state.appPort})` : up === 0.5 ? `app not answering in time (:${state.appPort})` : `app DOWN (:${state.appPort})`;
    status.append(app);
    if (running) {
      const run = document.createElement('span');
      run.className = 'run';
      run.textContent = ` · ${running.label}`;
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
    state.tables = slice.tables ?? {};
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
      for (const { chart, chartBox } of state.charts) chart?.setSize({ width: Math.max(chartBox.clientWidth, 300), height: CHART_HEIGHT });
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

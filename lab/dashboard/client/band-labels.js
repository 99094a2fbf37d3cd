// Where the labels of the dashboard's shaded bands go (dashboard.js draws them): load-test runs
// on two rows, so neighbouring runs' labels alternate, and the check's bursts on a row of their
// own. A label never runs into the next one on its row: it is cut short with "…" (the dashboard
// shows the whole label on hover). Pure, so the tests lay out fixed bands with it.
(function (root) {
  'use strict';

  /**
   * bands: [{ x, kind: 'loadtest' | 'check', label }] in the order they start; measure(text) is
   * the text's drawn width; rows: { loadtest: [y, …], check: [y, …] }; gap: the space kept after
   * a label; right: the chart's right edge. Returns, for each band, { y, text } (text '' when
   * not even "x…" fits).
   */
  function layoutBandLabels(bands, measure, rows, gap, right) {
    const rowEnds = Object.fromEntries(Object.entries(rows).map(([kind, ys]) => [kind, ys.map(() => -Infinity)]));
    const lastOnRow = {};
    const placed = bands.map((band) => {
      const ends = rowEnds[band.kind];
      // The first row where the previous label has ended, else the one whose label ends soonest
      // (that label is then cut short before this one).
      let row = ends.findIndex((end) => end <= band.x);
      if (row === -1) row = ends.indexOf(Math.min(...ends));
      const key = `${band.kind}/${row}`;
      if (lastOnRow[key]) lastOnRow[key].limit = band.x - gap;
      ends[row] = band.x + measure(band.label) + gap;
      const entry = { band, y: rows[band.kind][row], limit: right };
      lastOnRow[key] = entry;
      return entry;
    });
    return placed.map(({ band, y, limit }) => ({ y, text: fitText(measure, band.label, limit - band.x) }));
  }

  /** The text, or as much of it as fits in `width` followed by "…", or '' when not even that fits. */
  function fitText(measure, text, width) {
    if (measure(text) <= width) return text;
    for (let length = text.length - 1; length > 0; length -= 1) {
      const cut = `${text.slice(0, length).trimEnd()}…`;
      if (measure(cut) <= width) return cut;
    }
    return '';
  }

  root.bandLabels = { layoutBandLabels, fitText };
})(typeof window === 'undefined' ? globalThis : window);

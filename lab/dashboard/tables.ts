/**
 * The rows a table panel shows now (lab/dashboard/panels.ts): each column computed from the
 * rate window, ranked by the first column like PromQL's topk. Tables show the present only;
 * the charts keep the history.
 */
import type { Window } from '../metrics/window.js';
import type { PanelDefinition, TablePanel } from './panels.js';

export interface TableRow {
  /** The row's name: the value of the table's row label (a query's text). */
  name: string;
  /** One value per column, in the columns' order; null where a column has none for this row. */
  values: Array<number | null>;
}

/** The top rows of a table panel: those with a first column above 0 (or any, with listZeros), largest first, at most `panel.rows`. */
export function tableRows(panel: TablePanel, window: Window): TableRow[] {
  const [ranking, ...others] = panel.columns.map((column) => column.compute(window));
  if (!ranking) return [];
  return [...ranking]
    .filter(([, value]) => Number.isFinite(value) && (value > 0 || panel.listZeros === true))
    .sort((a, b) => b[1] - a[1])
    .slice(0, panel.rows)
    .map(([name, value]) => ({ name, values: [value, ...others.map((column) => finiteOrNull(column.get(name)))] }));
}

/** Every table panel's rows now, by panel id. */
export function tablesNow(panels: PanelDefinition[], window: Window): Record<string, TableRow[]> {
  return Object.fromEntries(panels.flatMap((panel) => (panel.kind === 'table' ? [[panel.id, tableRows(panel, window)]] : [])));
}

function finiteOrNull(value: number | undefined): number | null {
  return value !== undefined && Number.isFinite(value) ? value : null;
}

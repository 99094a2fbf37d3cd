/**
 * Every second: a reading of the lab exporter (app health, PostgreSQL statistics) and a
 * scrape of the app's /metrics, turned into one point per series in the History.
 * Readings never overlap: a slow one delays the next instead of piling up. With a history
 * file, the history is restored from it at start and saved to it every few seconds and at
 * stop, so restarting the lab keeps the charts.
 */
import type { LabExporter } from '../exporter/lab-exporter.js';
import { readJsonFile, writeJsonFile } from '../json-file.js';
import { parsePrometheusText, type Sample } from '../metrics/prometheus-text.js';
import { snapshotOf, Window, type Snapshot } from '../metrics/window.js';
import { History } from './chart-history.js';
import { RATE_WINDOW_SECONDS, type PanelDefinition } from './panels.js';
import { tablesNow, type TableRow } from './tables.js';

export interface SamplerOptions {
  exporter: LabExporter;
  /** The scenario's panels: charts get a point per reading, tables their rows of the moment. */
  panels: PanelDefinition[];
  /** The app's processes that serve /metrics, read again at every reading (the fleet grows and shrinks). */
  metricsTargets: () => MetricsTarget[];
  intervalMs?: number;
  /** Where the history is kept between starts of the lab (e.g. .lab/dashboard-history.json). */
  historyFile?: string;
}

/** One process's /metrics, and the labels its samples get ("process": "app-1"), as Prometheus' http_sd gives them. */
export interface MetricsTarget {
  url: string;
  labels: { role: string; process: string };
}

/** How often the history is written to its file while the lab runs (and once more at stop). */
const SAVE_EVERY_MS = 10_000;

// A busy app answers /metrics late; waiting a little longer (and taking fewer points)
// draws the overload instead of a gap. A stopped app refuses at once.
const SCRAPE_TIMEOUT_MS = 3_000;

export class Sampler {
  readonly history: History;
  /** The table panels' rows at the latest reading, by panel id. */
  tables: Record<string, TableRow[]> = {};
  private readonly recent: Snapshot[] = [];
  private timer: NodeJS.Timeout | undefined;
  private saveTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  private running: Promise<void> | undefined;

  constructor(private readonly options: SamplerOptions) {
    this.history = new History(options.panels);
    if (options.historyFile) this.history.restore(readJsonFile<unknown>(options.historyFile, undefined), Date.now());
  }

  start(): void {
    this.schedule(0);
    if (this.options.historyFile) this.saveTimer = setInterval(() => this.save(), SAVE_EVERY_MS);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearInterval(this.saveTimer);
    await this.running;
    this.save();
  }

  private save(): void {
    if (!this.options.historyFile) return;
    try {
      writeJsonFile(this.options.historyFile, this.history.save(), 0);
    } catch (error) {
      console.error(`  dashboard: could not save its history to ${this.options.historyFile}: ${String(error)}`);
    }
  }

  /** Takes one reading now and records it. */
  async sampleOnce(): Promise<void> {
    const time = Date.now();
    const [appSamples] = await Promise.all([scrapeAll(this.options.metricsTargets()), this.options.exporter.collect()]);
    const snapshot = snapshotOf(time, [...(appSamples ?? []), ...(await this.options.exporter.samples())]);
    // prom-client shows a labelled counter only once it has counted something. An app that
    // answered but has served no request yet has served 0 of them: a flat zero, not a gap.
    if (appSamples && !snapshot.metrics.has('http_requests_total')) snapshot.metrics.set('http_requests_total', []);
    this.recent.push(snapshot);
    while (this.recent.length > RATE_WINDOW_SECONDS * 2 + 2) this.recent.shift();
    const window = new Window(this.recent, RATE_WINDOW_SECONDS);
    this.history.record(time, window);
    this.tables = tablesNow(this.options.panels, window);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      const started = Date.now();
      this.running = this.sampleOnce()
        .catch((error: unknown) => console.error(`  dashboard: a reading failed: ${String(error)}`))
        .finally(() => {
          const interval = this.options.intervalMs ?? 1_000;
          this.schedule(Math.max(0, interval - (Date.now() - started)));
        });
    }, delayMs);
  }
}

/**
 * Every process's samples, each labelled with its process and role, or undefined while none
 * answers (a gap, not a zero). Summed, a process that stops answering takes its counts away,
 * which a rate reads as a restart of the counters.
 */
async function scrapeAll(targets: MetricsTarget[]): Promise<Sample[] | undefined> {
  const scraped = await Promise.all(
    targets.map(async (target): Promise<Sample[] | undefined> => (await scrape(target.url))?.map((sample) => ({ ...sample, labels: { ...sample.labels, ...target.labels } }))),
  );
  const answered = scraped.filter((samples): samples is Sample[] => samples !== undefined);
  return answered.length === 0 ? undefined : answered.flat();
}

/** One process's samples, or undefined while it does not answer. */
async function scrape(url: string): Promise<Sample[] | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(SCRAPE_TIMEOUT_MS) });
    if (!response.ok) {
      await response.body?.cancel();
      return undefined;
    }
    return parsePrometheusText(await response.text());
  } catch {
    return undefined;
  }
}

/**
 * A real Prometheus (Debian package `prometheus`, /usr/bin/prometheus) on a free port, with
 * observability/prometheus.yml rewritten to scrape the given loopback ports, storing in a
 * temporary folder. Stopped by its pid. Tests wait for Prometheus to have scraped past the
 * moment they care about (waitForScrapesAfter) before they ask it anything.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { ROOT_DIR } from '../../lab/config.js';
import { freePort } from '../../lab/net/free-port.js';
import { PROMETHEUS } from './external-programs.js';


export interface RunningPrometheus {
  url: string;
  /** An instant query; returns the result vector. */
  query(expr: string, timeSeconds?: number): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  /** A range query from `start` to `end` (Unix seconds), one point per `step` seconds; returns the result matrix. */
  queryRange(expr: string, start: number, end: number, step: number): Promise<Array<{ metric: Record<string, string>; values: Array<[number, string]> }>>;
  /** Resolves once every target has been scraped successfully. */
  waitForTargets(timeoutMs?: number): Promise<void>;
  /**
   * Resolves once every target has been scraped successfully at a time after `timeMs`, so
   * Prometheus holds every sample up to that moment. Rejects with each target's last error.
   */
  waitForScrapesAfter(timeMs: number, timeoutMs?: number): Promise<void>;
  /**
   * Asks the expression (summed over its series) at the current instant until the value
   * satisfies the condition; returns that value, or the last one seen (NaN for none) once
   * the time is up, for the caller to assert on.
   */
  waitForValue(expr: string, condition: (value: number) => boolean, timeoutMs?: number): Promise<number>;
  output(): string;
  stop(): Promise<void>;
}

export const PROMETHEUS_CONFIG_FILE = path.join(ROOT_DIR, 'observability', 'prometheus.yml');

/**
 * The committed config with only the ports changed (tests run the app and the lab on free
 * ports): each static target's port, and the port of the lab server that lists the app's
 * processes. Every target must already be on loopback.
 */
export function renderPrometheusConfig(ports: { app: number; lab: number }): string {
  const config = parseYaml(fs.readFileSync(PROMETHEUS_CONFIG_FILE, 'utf8')) as {
    scrape_configs: Array<{ job_name: string; static_configs?: Array<{ targets: string[] }>; http_sd_configs?: Array<{ url: string }> }>;
  };
  for (const job of config.scrape_configs) {
    const port = ports[job.job_name as keyof typeof ports];
    if (port === undefined) throw new Error(`observability/prometheus.yml has a job "${job.job_name}" this test does not know`);
    for (const group of job.static_configs ?? []) {
      group.targets = group.targets.map((target) => {
        const host = target.slice(0, target.lastIndexOf(':'));
        if (host !== '127.0.0.1') throw new Error(`observability/prometheus.yml scrapes ${target}, not 127.0.0.1`);
        return `${host}:${port}`;
      });
    }
    for (const discovery of job.http_sd_configs ?? []) {
      const url = new URL(discovery.url);
      if (url.hostname !== '127.0.0.1') throw new Error(`observability/prometheus.yml discovers targets at ${discovery.url}, not on 127.0.0.1`);
      url.port = String(ports.lab);
      discovery.url = url.toString();
    }
  }
  return stringifyYaml(config);
}

export async function startPrometheus(config: string): Promise<RunningPrometheus> {
  if (!fs.existsSync(PROMETHEUS.path)) {
    throw new Error(`${PROMETHEUS.path} not found: ${PROMETHEUS.install}.`);
  }
  const jobs = (parseYaml(config) as { scrape_configs: Array<{ job_name: string }> }).scrape_configs.map((job) => job.job_name);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-prometheus-'));
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), config);
  const port = await freePort();
  const child = spawn(
    PROMETHEUS.path,
    [
      `--config.file=${path.join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Prometheus did not become ready:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    url,
    output: () => output,
    async query(expr, timeSeconds) {
      const params = new URLSearchParams({ query: expr, ...(timeSeconds === undefined ? {} : { time: String(timeSeconds) }) });
      return apiResult(`${url}/api/v1/query?${params}`, expr);
    },
    async queryRange(expr, start, end, step) {
      const params = new URLSearchParams({ query: expr, start: String(start), end: String(end), step: String(step) });
      return apiResult(`${url}/api/v1/query_range?${params}`, expr);
    },
    waitForTargets(timeoutMs = 15_000) {
      return waitForTargetsWhere(url, jobs, () => true, timeoutMs);
    },
    waitForScrapesAfter(timeMs, timeoutMs = 30_000) {
      return waitForTargetsWhere(url, jobs, (target) => Date.parse(target.lastScrape) > timeMs, timeoutMs);
    },
    async waitForValue(expr, condition, timeoutMs = 30_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const result = await apiResult<Array<{ value: [number, string] }>>(`${url}/api/v1/query?${new URLSearchParams({ query: expr })}`, expr);
        const value = result.length === 0 ? Number.NaN : result.reduce((sum, series) => sum + Number(series.value[1]), 0);
        if (condition(value) || Date.now() > until) return value;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 5_000).unref());
        if ((await Promise.race([exited, timeout])) === 'timeout') child.kill('SIGKILL');
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

interface ScrapeTarget {
  scrapePool: string;
  scrapeUrl: string;
  health: string;
  lastScrape: string;
  lastError: string;
}

/** Polls the targets until every job has one (the app's are discovered from the lab), every one is up and meets the condition. */
async function waitForTargetsWhere(url: string, jobs: readonly string[], condition: (target: ScrapeTarget) => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const body = (await (await fetch(`${url}/api/v1/targets`)).json()) as { data: { activeTargets: ScrapeTarget[] } };
    const targets = body.data.activeTargets;
    const everyJob = jobs.every((job) => targets.some((target) => target.scrapePool === job));
    if (everyJob && targets.every((target) => target.health === 'up' && condition(target))) return;
    if (Date.now() > until) {
      const seen = targets.map((t) => `${t.scrapeUrl}: ${t.health}, last scrape ${t.lastScrape}${t.lastError ? `, last error "${t.lastError}"` : ''}`);
      throw new Error(`Prometheus targets did not get there within ${timeoutMs / 1000} s:\n${seen.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function apiResult<T>(requestUrl: string, expr: string): Promise<T> {
  const body = (await (await fetch(requestUrl)).json()) as { status: string; error?: string; data: { result: T } };
  if (body.status !== 'success') throw new Error(`query ${expr} failed: ${body.error}`);
  return body.data.result;
}

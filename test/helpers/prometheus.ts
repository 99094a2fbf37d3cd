/**
 * A real Prometheus (Debian package `prometheus`, /usr/bin/prometheus) on a free port, with
 * observability/prometheus.yml rewritten to scrape the given loopback ports, storing in a
 * temporary folder. Stopped by its pid.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT_DIR } from '../../lab/config.js';
import { freePort } from '../../lab/net/free-port.js';

export const PROMETHEUS_BINARY = process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus';

export interface RunningPrometheus {
  url: string;
  /** An instant query; returns the result vector. */
  query(expr: string, timeSeconds?: number): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>>;
  /** Resolves once every target has been scraped successfully. */
  waitForTargets(timeoutMs?: number): Promise<void>;
  output(): string;
  stop(): Promise<void>;
}

/** The committed config with the compose service's targets replaced by loopback ports. */
export function renderPrometheusConfig(targets: { app: number; lab: number }): string {
  const committed = fs.readFileSync(path.join(ROOT_DIR, 'observability', 'prometheus.yml'), 'utf8');
  const rendered = committed.replace("'workspace:3000'", `'127.0.0.1:${targets.app}'`).replace("'workspace:3001'", `'127.0.0.1:${targets.lab}'`);
  if (rendered.includes('workspace:')) throw new Error('observability/prometheus.yml has targets this test does not know');
  return rendered;
}

export async function startPrometheus(config: string): Promise<RunningPrometheus> {
  if (!fs.existsSync(PROMETHEUS_BINARY)) {
    throw new Error(`${PROMETHEUS_BINARY} not found: install it with \`apt-get install -y prometheus\` (Debian package).`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-prometheus-'));
  fs.writeFileSync(path.join(dir, 'prometheus.yml'), config);
  const port = await freePort();
  const child = spawn(
    PROMETHEUS_BINARY,
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
      const body = (await (await fetch(`${url}/api/v1/query?${params}`)).json()) as { status: string; error?: string; data: { result: [] } };
      if (body.status !== 'success') throw new Error(`query ${expr} failed: ${body.error}`);
      return body.data.result;
    },
    async waitForTargets(timeoutMs = 15_000) {
      const until = Date.now() + timeoutMs;
      for (;;) {
        const body = (await (await fetch(`${url}/api/v1/targets`)).json()) as { data: { activeTargets: Array<{ health: string }> } };
        const targets = body.data.activeTargets;
        if (targets.length > 0 && targets.every((target) => target.health === 'up')) return;
        if (Date.now() > until) throw new Error(`Prometheus targets not up: ${JSON.stringify(targets)}`);
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

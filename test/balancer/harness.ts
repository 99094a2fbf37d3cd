/**
 * What the balancer's integration tests start: small node:http servers on 127.0.0.1 as the
 * app's instances, and the balancer itself as a real child process
 * (`node --import tsx lab/balancer/main.ts`, or nginx's sidecar lab/balancer/nginx/main.ts,
 * which runs nginx) reading files this harness writes. Everything started is remembered, and
 * stopped by `stopEverything` (each test file's afterEach): the balancer's whole process group,
 * so nginx goes with its sidecar.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ROOT_DIR } from '../../lab/config.js';
import { freePort } from '../../lab/net/free-port.js';
import { parsePrometheusText, type Sample } from '../../lab/metrics/prometheus-text.js';
import { TSX_IMPORT } from '../../lab/tsx-import.js';
import type { BalancerKind } from '../../lab/balancer/kinds.js';
import type { UpstreamStatus } from '../../lab/balancer/upstream.js';
import { waitFor } from '../helpers/wait.js';

/** How a test instance answers; the default answers 200 with what it was sent, as JSON. */
export type InstanceHandler = (request: http.IncomingMessage, response: http.ServerResponse, body: string) => void;

/** A test instance: how many requests reached it (health checks aside), and its server to close or reopen. */
export interface TestInstance {
  name: string;
  port: number;
  hits: number;
  /** What GET /health answers: 200 while true, 503 while false. */
  healthy: boolean;
  /** How long GET /health waits before answering (0: at once), as a busy instance's does. */
  healthDelayMs: number;
  /** GET /health answers given so far. */
  healthAnswers: number;
  close(): Promise<void>;
  reopen(): Promise<void>;
}

/** The balancer as a child process. */
export interface TestBalancer {
  port: number;
  child: ChildProcess;
  /** Every line it printed, stdout and stderr. */
  lines: string[];
  writeUpstreams(instances: readonly TestInstance[]): void;
  writeConfig(text: string): void;
  status(): Promise<{ method: string; upstreams: UpstreamStatus[] }>;
  metrics(): Promise<Sample[]>;
  exited: Promise<number | null>;
  /** The folder the harness wrote the files in (nginx's sidecar keeps nginx's files in its nginx/). */
  folder: string;
}

/** The entry each kind of balancer runs. */
const ENTRIES: Record<BalancerKind, string> = { 'built-in': 'lab/balancer/main.ts', nginx: 'lab/balancer/nginx/main.ts' };

const servers = new Set<http.Server>();
const children = new Set<ChildProcess>();
const folders: string[] = [];

/** Answers with what it was sent: method, URL, body and the headers it got. */
export const echo: InstanceHandler = (request, response, body) => {
  response.setHeader('content-type', 'application/json');
  response.end(JSON.stringify({ method: request.method, url: request.url, body, headers: request.headers }));
};

/** A node:http server on a free loopback port; GET /health answers as `healthy` says and is not counted in hits. */
export async function startInstance(name: string, handler: InstanceHandler = echo): Promise<TestInstance> {
  const port = await freePort();
  let server: http.Server | undefined;
  const instance: TestInstance = {
    name,
    port,
    hits: 0,
    healthy: true,
    healthDelayMs: 0,
    healthAnswers: 0,
    async close() {
      if (!server) return;
      const closing = server;
      server = undefined;
      servers.delete(closing);
      await new Promise((resolve) => {
        closing.close(resolve);
        closing.closeAllConnections();
      });
    },
    async reopen() {
      server = http.createServer((request, response) => {
        const chunks: Buffer[] = [];
        request.on('data', (chunk: Buffer) => chunks.push(chunk));
        request.on('end', () => {
          if (request.url === '/health') {
            const answer = () => {
              response.statusCode = instance.healthy ? 200 : 503;
              response.end();
              instance.healthAnswers += 1;
            };
            if (instance.healthDelayMs > 0) setTimeout(answer, instance.healthDelayMs);
            else answer();
            return;
          }
          instance.hits += 1;
          handler(request, response, Buffer.concat(chunks).toString());
        });
      });
      servers.add(server);
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
    },
  };
  await instance.reopen();
  return instance;
}

/** Starts the balancer in front of `instances` with the settings `config`; resolves once it answers, or has exited. */
export async function startBalancer(config: string, instances: readonly TestInstance[], env: NodeJS.ProcessEnv = {}, kind: BalancerKind = 'built-in'): Promise<TestBalancer> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-balancer-'));
  folders.push(folder);
  const configPath = path.join(folder, 'balancer.conf');
  const upstreamsPath = path.join(folder, 'upstreams.json');
  const port = await freePort();
  // As the lab writes them: a temporary file renamed over the old one.
  const writeAtomically = (file: string, text: string) => {
    fs.writeFileSync(`${file}.tmp`, text);
    fs.renameSync(`${file}.tmp`, file);
  };
  const writeUpstreams = (list: readonly TestInstance[]) => writeAtomically(upstreamsPath, JSON.stringify({ upstreams: list.map(({ name, port: p }) => ({ name, port: p })) }));
  writeUpstreams(instances);
  writeAtomically(configPath, config);
  const child = spawn(process.execPath, ['--import', TSX_IMPORT, ENTRIES[kind]], {
    cwd: ROOT_DIR,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LAB_UPSTREAMS_FILE: upstreamsPath, LAB_BALANCER_CONFIG: configPath, LAB_NGINX_DIR: path.join(folder, 'nginx'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, which stopEverything kills whole.
    detached: true,
  });
  children.add(child);
  const lines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const base = `http://127.0.0.1:${port}`;
  const balancer: TestBalancer = {
    port,
    child,
    lines,
    writeUpstreams,
    writeConfig: (text) => writeAtomically(configPath, text),
    status: async () => (await fetch(`${base}/__balancer/status`)).json() as Promise<{ method: string; upstreams: UpstreamStatus[] }>,
    metrics: async () => parsePrometheusText(await (await fetch(`${base}/__balancer/metrics`)).text()),
    exited,
    folder,
  };
  // A balancer that cannot start exits; the test reads why from `lines` and `exited`.
  const answering = await waitFor(() => isAnswering(base), (ok) => ok || child.exitCode !== null, 30_000);
  if (!answering && child.exitCode === null) throw new Error(`the balancer neither answered nor exited:\n${lines.join('\n')}`);
  return balancer;
}

/** The balancer's status once `done` holds for it (or the last one seen, for the assertion to show). */
export function statusWhen(balancer: TestBalancer, done: (upstreams: UpstreamStatus[]) => boolean, timeoutMs = 10_000): Promise<UpstreamStatus[]> {
  return waitFor(async () => (await balancer.status()).upstreams, done, timeoutMs, 50);
}

/** One request on a connection of its own: its status, headers and body. */
export function send(port: number, options: { method?: string; path?: string; headers?: http.OutgoingHttpHeaders; body?: string | Buffer } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path ?? '/', headers: options.headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString() }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(options.body);
  });
}

/** `count` GETs one after another; answers their statuses. */
export async function getMany(port: number, count: number, pathname = '/'): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < count; i += 1) statuses.push((await send(port, { path: pathname })).status);
  return statuses;
}

/** The value of one sample, 0 when the balancer has not written it. */
export function sampleValue(samples: Sample[], name: string, labels: Record<string, string>): number {
  const found = samples.find((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value));
  return found?.value ?? 0;
}

/** Stops every process and server the harness started, by pid and by handle. */
export async function stopEverything(): Promise<void> {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid!, 'SIGKILL');
      await gone;
    } else {
      // Exited by itself: anything left in its group (nginx) goes too.
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Nothing left.
      }
    }
  }
  children.clear();
  await Promise.all(
    [...servers].map(
      (server) =>
        new Promise((resolve) => {
          server.close(resolve);
          server.closeAllConnections();
        }),
    ),
  );
  servers.clear();
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
}

async function isAnswering(base: string): Promise<boolean> {
  try {
    return (await fetch(`${base}/__balancer/health`)).ok;
  } catch {
    return false;
  }
}

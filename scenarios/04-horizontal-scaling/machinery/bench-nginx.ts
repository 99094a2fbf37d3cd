/**
 * Real nginx in front of the benchmark's instances, for its CPU per request beside the built-in
 * balancer's: a minimal nginx.conf written to a temporary folder (one worker, the instances as
 * one upstream, HTTP/1.1 with keep-alive to them), nginx run in the foreground and stopped by its
 * own pid. Only where an `nginx` program is on the PATH; kept apart from the section so the
 * engine's own nginx runner (`--balancer nginx`) can take its place later.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findProgram, freePort, processFacts, until } from '../../../lab/sdk.js';

const START_TIMEOUT_MS = 10_000;
const STOP_GRACE_MS = 5_000;

export interface NginxBalancer {
  /** Where it listens on 127.0.0.1. */
  port: number;
  /** "nginx/1.22.1", as `nginx -v` names itself. */
  version: string;
  /** CPU seconds so far of nginx's master and its worker; undefined where this system cannot tell. */
  cpuSeconds(): number | undefined;
  /** SIGTERM to the master (nginx's fast shutdown), SIGKILL after a few seconds; removes its folder. */
  stop(): Promise<void>;
}

/** The nginx program the PATH finds, or undefined. */
export function nginxProgram(): string | undefined {
  return findProgram('nginx');
}

/** nginx.conf for one worker in front of `upstreamPorts`, every path inside `folder`. */
export function nginxConf(folder: string, port: number, upstreamPorts: number[]): string {
  const inFolder = (name: string) => path.join(folder, name).split(path.sep).join('/');
  return [
    'daemon off;',
    // One worker: one process, as the built-in balancer is one Node process.
    'worker_processes 1;',
    `pid ${inFolder('nginx.pid')};`,
    `error_log ${inFolder('error.log')} warn;`,
    'events { worker_connections 1024; }',
    'http {',
    '  access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `  ${kind}_temp_path ${inFolder(`${kind}-temp`)};`),
    '  upstream app {',
    '    least_conn;',
    ...upstreamPorts.map((upstream) => `    server 127.0.0.1:${upstream};`),
    '    keepalive 16;',
    '  }',
    '  server {',
    `    listen 127.0.0.1:${port};`,
    '    location / {',
    '      proxy_pass http://app;',
    '      proxy_http_version 1.1;',
    '      proxy_set_header Connection "";',
    '      proxy_set_header Host $host;',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n');
}

async function versionOf(program: string): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(program, ['-v'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', () => resolve('nginx'));
    child.once('exit', () => resolve(/nginx\/[\w.]+/.exec(output)?.[0] ?? 'nginx'));
  });
}

export async function startNginx(program: string, upstreamPorts: number[]): Promise<NginxBalancer> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-nginx-'));
  const port = await freePort();
  const confFile = path.join(folder, 'nginx.conf');
  fs.writeFileSync(confFile, nginxConf(folder, port, upstreamPorts));
  const version = await versionOf(program);
  // -e: the start-up's own error log, before nginx.conf is read (else /var/log/nginx, not writable everywhere).
  const child = spawn(program, ['-e', path.join(folder, 'startup.log'), '-p', folder, '-c', confFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const gone = () => child.exitCode !== null || child.signalCode !== null || child.pid === undefined;
  const stop = async () => {
    if (!gone()) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      await exited;
      clearTimeout(killer);
    }
    fs.rmSync(folder, { recursive: true, force: true });
  };
  const answers = () =>
    fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1_000) }).then(
      (response) => response.ok,
      () => false,
    );
  if (!(await until(async () => !gone() && (await answers()), START_TIMEOUT_MS))) {
    const log = [output, fs.existsSync(path.join(folder, 'error.log')) ? fs.readFileSync(path.join(folder, 'error.log'), 'utf8') : ''].join('').trim();
    await stop();
    throw new Error(`nginx did not answer on port ${port} within ${START_TIMEOUT_MS / 1000} s${log ? `: ${log}` : ''}`);
  }
  const pid = child.pid!;
  return { port, version, cpuSeconds: () => processFacts().treeCpuSeconds(pid), stop };
}

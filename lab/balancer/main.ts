/**
 * The lab's load balancer, run by the fleet in front of the app's instances:
 *   PORT=3000 HOST=127.0.0.1 LAB_UPSTREAMS_FILE=… LAB_BALANCER_CONFIG=… node --import tsx lab/balancer/main.ts
 * Reads its settings from the environment, starts, and stops gracefully on SIGTERM or SIGINT.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LabError, reportFatal } from '../errors.js';
import { readPort } from '../settings.js';
import { startBalancer, type WatchedFile } from './balancer.js';

/** How long the requests in flight may take to finish once the balancer is told to stop. */
const STOP_GRACE_MS = 10_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

async function main(env: NodeJS.ProcessEnv): Promise<void> {
  if (!env.PORT?.trim()) throw new LabError('BAD_SETTING', 'PORT is not set; the balancer needs the port to listen on, e.g. PORT=3000.');
  const port = readPort(env, 'PORT', 3000);
  const host = env.HOST?.trim() ?? '';
  if (!LOOPBACK.has(host)) throw new LabError('BAD_SETTING', `HOST=${host} is not a loopback address; the balancer listens on loopback only, e.g. HOST=127.0.0.1.`);
  const balancer = await startBalancer({
    host,
    port,
    configFile: readInput(env, 'LAB_BALANCER_CONFIG', 'BALANCER_CONFIG'),
    upstreamsFile: readInput(env, 'LAB_UPSTREAMS_FILE', 'BALANCER_UPSTREAMS'),
    log: (line) => console.log(line),
  });
  const stop = () => {
    void balancer.stop(STOP_GRACE_MS).then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/** The file an environment variable names, read now: a missing variable or file is one line. */
function readInput(env: NodeJS.ProcessEnv, variable: string, code: 'BALANCER_CONFIG' | 'BALANCER_UPSTREAMS'): WatchedFile {
  const file = env[variable]?.trim();
  if (!file) throw new LabError('BAD_SETTING', `${variable} is not set; the balancer needs the path of that file.`);
  const name = path.relative(process.cwd(), file) || file;
  try {
    return { path: file, name, text: readFileSync(file, 'utf8') };
  } catch (error) {
    throw new LabError(code, `${name} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); ${variable} names it.`);
  }
}

main(process.env).catch((error: unknown) => {
  process.exit(reportFatal(error));
});

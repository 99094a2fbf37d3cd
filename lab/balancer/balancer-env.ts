/**
 * What a balancer process reads from its environment, as the fleet sets it: where to listen
 * (PORT, HOST: loopback only) and the two files it follows (LAB_BALANCER_CONFIG, the learner's
 * settings; LAB_UPSTREAMS_FILE, the instances). Shared by the lab's balancer and nginx's sidecar.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LabError } from '../errors.js';
import { readPort } from '../settings.js';
import type { WatchedFile } from './balancer.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

export interface BalancerEnv {
  host: string;
  port: number;
  configFile: WatchedFile;
  upstreamsFile: WatchedFile;
}

/** The balancer's settings, each file read now; a missing or wrong one is a LabError of one line. */
export function readBalancerEnv(env: NodeJS.ProcessEnv): BalancerEnv {
  if (!env.PORT?.trim()) throw new LabError('BAD_SETTING', 'PORT is not set; the balancer needs the port to listen on, e.g. PORT=3000.');
  const port = readPort(env, 'PORT', 3000);
  const host = env.HOST?.trim() ?? '';
  if (!LOOPBACK.has(host)) throw new LabError('BAD_SETTING', `HOST=${host} is not a loopback address; the balancer listens on loopback only, e.g. HOST=127.0.0.1.`);
  return {
    host,
    port,
    configFile: readInput(env, 'LAB_BALANCER_CONFIG', 'BALANCER_CONFIG'),
    upstreamsFile: readInput(env, 'LAB_UPSTREAMS_FILE', 'BALANCER_UPSTREAMS'),
  };
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

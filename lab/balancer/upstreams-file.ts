/**
 * The file through which the lab tells the balancer where the app's instances are. The lab
 * rewrites it whole (a temporary file renamed over it) whenever instances start, stop or
 * scale: {"upstreams":[{"name":"app-1","port":4101},{"name":"app-2","port":4102}]}.
 * Every instance listens on 127.0.0.1, so a port is all an entry needs.
 */
import { LabError } from '../errors.js';

/** One instance of the app: the name it goes by (the metrics' label) and its loopback port. */
export interface UpstreamAddress {
  name: string;
  port: number;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** The instances the file lists, or a LabError (BALANCER_UPSTREAMS) naming the file and what is wrong. */
export function parseUpstreamsFile(text: string, fileName: string): UpstreamAddress[] {
  const wrong = (problem: string) => new LabError('BALANCER_UPSTREAMS', `${fileName}: ${problem}; expected {"upstreams":[{"name":"app-1","port":4101}]}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw wrong('not JSON');
  }
  const list = (parsed as { upstreams?: unknown } | null)?.upstreams;
  if (!Array.isArray(list)) throw wrong('no "upstreams" list');
  const seen = new Set<string>();
  return list.map((entry: unknown, index) => {
    const { name, port } = (entry ?? {}) as { name?: unknown; port?: unknown };
    if (typeof name !== 'string' || !NAME.test(name)) throw wrong(`entry ${index + 1} has no name of letters, digits, "-", "_" or "."`);
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) throw wrong(`${name} has no port from 1 to 65535`);
    if (seen.has(name)) throw wrong(`${name} is listed twice`);
    seen.add(name);
    return { name, port };
  });
}

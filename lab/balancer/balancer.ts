/**
 * The balancer put together: the settings and the upstreams as the two files say (and say
 * again — both are polled, a bad edit keeps what was in force and prints the line), health
 * checks, metrics, and the server.
 */
import { LabError } from '../errors.js';
import { parseBalancerConfig, type BalancerConfig } from './config.js';
import { pollFile } from './file-poll.js';
import { HealthChecks } from './health.js';
import { createBalancerMetrics } from './metrics.js';
import { serveBalancer } from './server.js';
import type { Upstream } from './upstream.js';
import { UpstreamSet } from './upstream-set.js';
import { parseUpstreamsFile } from './upstreams-file.js';

/** How often the two files are read for changes: a change is in force within half a second. */
export const POLL_INTERVAL_MS = 250;

/** A file the balancer reads: where it is, how messages name it, and its text at the start. */
export interface WatchedFile {
  path: string;
  name: string;
  text: string;
}

export interface BalancerOptions {
  host: string;
  port: number;
  /** The settings file, in nginx's vocabulary. */
  configFile: WatchedFile;
  /** The file the lab lists the instances in. */
  upstreamsFile: WatchedFile;
  /** Where the balancer's lines go (the fleet prefixes them with its name). */
  log: (line: string) => void;
}

/** A running balancer. */
export interface RunningBalancer {
  port: number;
  /** Stops accepting, lets the requests in flight finish (up to `graceMs`), then lets go of everything. */
  stop(graceMs: number): Promise<void>;
}

/** Starts the balancer; throws a LabError when either file cannot be used as it is now. */
export async function startBalancer(options: BalancerOptions): Promise<RunningBalancer> {
  const { configFile, upstreamsFile, log } = options;
  let config = parseBalancerConfig(configFile.text, configFile.name);
  const addresses = parseUpstreamsFile(upstreamsFile.text, upstreamsFile.name);
  let checks: HealthChecks | undefined;
  const upstreams = new UpstreamSet(config, (upstream: Upstream) => checks?.check(upstream));
  const onTurn = (upstream: Upstream) => log(`${upstream.name} (port ${upstream.port}) is ${upstream.checks?.why ?? ''}`);
  const startChecks = () => (config.healthCheck ? new HealthChecks(config.healthCheck, config.readTimeoutMs, () => upstreams.list, onTurn) : undefined);
  checks = startChecks();
  upstreams.setAddresses(addresses);
  const statuses = () => upstreams.all.map((upstream) => upstream.status());
  const metrics = createBalancerMetrics(statuses);

  const stopConfigPoll = pollFile(configFile.path, POLL_INTERVAL_MS, configFile.text, (text) => {
    const next = readAgain(() => parseBalancerConfig(text, configFile.name), log, 'keeping the settings in force');
    if (!next) return;
    config = next;
    checks?.stop();
    checks = startChecks();
    upstreams.setConfig(next);
    log(`${configFile.name} read again: ${describe(next)}`);
  });
  const stopUpstreamsPoll = pollFile(upstreamsFile.path, POLL_INTERVAL_MS, upstreamsFile.text, (text) => {
    const next = readAgain(() => parseUpstreamsFile(text, upstreamsFile.name), log, 'keeping the instances it listed before');
    if (!next) return;
    upstreams.setAddresses(next);
    log(`instances now: ${next.map(({ name, port }) => `${name} (port ${port})`).join(', ') || 'none'}`);
  });

  const server = await serveBalancer(options.host, options.port, { upstreams, config: () => config, metrics }, statuses);
  log(`balancing ${addresses.length} instance${addresses.length === 1 ? '' : 's'} on http://${options.host}:${server.port} (${describe(config)})`);
  return {
    port: server.port,
    async stop(graceMs) {
      stopConfigPoll();
      stopUpstreamsPoll();
      checks?.stop();
      await server.stop(graceMs);
      await upstreams.close();
    },
  };
}

/** The file's new content, or undefined after printing why it cannot be used. */
function readAgain<T>(read: () => T, log: (line: string) => void, keeping: string): T | undefined {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof LabError)) throw error;
    log(`✘ ${error.message} (${keeping})`);
    return undefined;
  }
}

function describe(config: BalancerConfig): string {
  const checks = config.healthCheck ? `health_check every ${config.healthCheck.intervalMs} ms on ${config.healthCheck.uri}` : 'passive checks only';
  return `${config.method}, keepalive ${config.keepalive}, ${checks}`;
}

/**
 * Real nginx as the lab's balancer, with this process as its sidecar: it writes nginx.conf
 * from the learner's balancer.conf and the instances, runs nginx, writes the file again and
 * reloads nginx whenever either changes (after `nginx -t`: a configuration nginx refuses
 * leaves the running one in force, and nginx's own line is printed), and turns nginx's access
 * log into the lab balancer's metrics and status, which nginx passes /__balancer/… to it for.
 */
import fs from 'node:fs';
import path from 'node:path';
import client from 'prom-client';
import { LabError } from '../../errors.js';
import { testNginxConfig, type NginxCommand } from '../../os/nginx.js';
import { processFacts } from '../../os/system.js';
import { POLL_INTERVAL_MS, type RunningBalancer, type WatchedFile } from '../balancer.js';
import type { BalancerConfig } from '../config.js';
import { pollFile } from '../file-poll.js';
import { createBalancerMetrics } from '../metrics.js';
import { parseUpstreamsFile, type UpstreamAddress } from '../upstreams-file.js';
import { parseAccessLine } from './access-log.js';
import { renderNginxConf } from './conf.js';
import { nginxFiles } from './files.js';
import { followLog } from './log-follower.js';
import { runNginxMaster, type NginxMaster } from './nginx-master.js';
import { serveSidecar } from './sidecar-server.js';
import { UpstreamView } from './upstream-view.js';

export interface NginxBalancerOptions {
  host: string;
  port: number;
  configFile: WatchedFile;
  upstreamsFile: WatchedFile;
  /** The nginx program. */
  program: string;
  /** The lab's folder for nginx (.lab/nginx/): its configuration, pid, logs and temporary files. */
  dir: string;
  log: (line: string) => void;
}

/** The running nginx balancer: what the lab's balancer offers, and nginx's own end. */
export interface RunningNginxBalancer extends RunningBalancer {
  nginxPid: number;
  /** Resolves with how nginx ended, whenever it does. */
  exited: Promise<string>;
  /** nginx's error log, where it says why it ended. */
  errorLog: string;
}

/** Starts nginx in front of the instances; throws a LabError when the settings or nginx cannot be used. */
export async function startNginxBalancer(options: NginxBalancerOptions): Promise<RunningNginxBalancer> {
  const { configFile, upstreamsFile, log } = options;
  const files = nginxFiles(path.resolve(options.dir));
  fs.mkdirSync(files.temp, { recursive: true });
  // Each run counts its own requests.
  fs.writeFileSync(files.accessLog, '');
  const command: NginxCommand = { program: options.program, prefix: files.dir, conf: files.conf, errorLog: files.errorLog };

  let master: NginxMaster | undefined;
  // The learner's file as nginx last accepted it: a save nginx refuses does not stop scaling.
  let learnerText = configFile.text;
  let addresses = parseUpstreamsFile(upstreamsFile.text, upstreamsFile.name);
  // Set once the first configuration is read; nothing reaches the sidecar before (nginx is not running).
  let view: UpstreamView | undefined;
  let config: BalancerConfig | undefined;
  const metrics = createBalancerMetrics(() => view?.statuses() ?? [], { processMetrics: (registry) => registerCpu(registry, () => master?.pid) });
  const sidecar = await serveSidecar({ metrics, status: () => ({ method: config?.method, balancer: 'nginx', upstreams: view?.statuses() ?? [] }) });

  /** nginx.conf for the settings and instances now, checked by nginx -t; undefined (after a line) when refused. */
  const write = async (text: string, target: string, keeping: string): Promise<BalancerConfig | undefined> => {
    let rendered;
    try {
      rendered = renderNginxConf({ learnerText: text, learnerName: configFile.name, upstreams: addresses, host: options.host, port: options.port, sidecarPort: sidecar.port, files });
    } catch (error) {
      if (!(error instanceof LabError) || master === undefined) throw error;
      log(`✘ ${error.message} (${keeping})`);
      return undefined;
    }
    fs.writeFileSync(target, rendered.text);
    const refused = await testNginxConfig(command, target);
    if (refused !== undefined) {
      const line = `nginx -t refused the configuration made from ${configFile.name}: ${refused}`;
      if (master === undefined) throw new LabError('BALANCER_CONFIG', line);
      log(`✘ ${line} (${keeping})`);
      return undefined;
    }
    if (target !== files.conf) fs.renameSync(target, files.conf);
    if (rendered.notes.join() !== notesShown) for (const note of rendered.notes) log(note);
    notesShown = rendered.notes.join();
    return rendered.config;
  };
  let notesShown = '';

  // The first time, a refused configuration throws: there is none in force to keep.
  const first = (await write(learnerText, files.conf, ''))!;
  config = first;
  const upstreamView = new UpstreamView(first, metrics);
  upstreamView.reloaded(first, addresses);
  view = upstreamView;
  const stopFollowing = followLog(files.accessLog, 0, POLL_INTERVAL_MS, (line) => {
    const request = parseAccessLine(line);
    if (request) upstreamView.record(request);
  });
  master = await runNginxMaster(command, files.pid, options.host, options.port, (line) => log(`nginx: ${line}`)).catch(async (error: unknown) => {
    stopFollowing();
    await sidecar.close();
    throw error;
  });
  log(`nginx (pid ${master.pid}) balancing ${describeInstances(addresses)} on http://${options.host}:${options.port} (${first.method}, keepalive ${first.keepalive}; nginx.conf in ${files.dir})`);

  // One change at a time: a second save while nginx -t runs is applied after it.
  let applying = Promise.resolve();
  /** Writes, checks and reloads; `text` is a new save of the learner's file, undefined for the one in force when this turn comes. */
  const apply = (text: string | undefined, what: string, keeping: string) => {
    applying = applying
      .then(async () => {
        const candidate = text ?? learnerText;
        const next = await write(candidate, files.next, keeping);
        if (!next || !master) return;
        learnerText = candidate;
        config = next;
        master.reload();
        upstreamView.reloaded(next, addresses);
        log(`${what}: nginx reloaded (${next.method}, ${describeInstances(addresses)})`);
      })
      .catch((error: unknown) => log(`✘ nginx could not be reloaded: ${error instanceof Error ? error.message : String(error)} (${keeping})`));
  };
  const stopConfigPoll = pollFile(configFile.path, POLL_INTERVAL_MS, configFile.text, (text) => apply(text, `${configFile.name} read again`, 'keeping the configuration in force'));
  const stopUpstreamsPoll = pollFile(upstreamsFile.path, POLL_INTERVAL_MS, upstreamsFile.text, (text) => {
    try {
      addresses = parseUpstreamsFile(text, upstreamsFile.name);
    } catch (error) {
      if (!(error instanceof LabError)) throw error;
      return log(`✘ ${error.message} (keeping the instances it listed before)`);
    }
    apply(undefined, 'instances changed', `keeping the instances nginx has, with ${configFile.name} as it last accepted it`);
  });

  return {
    port: options.port,
    nginxPid: master.pid,
    exited: master.exited,
    errorLog: files.errorLog,
    async stop(graceMs) {
      stopConfigPoll();
      stopUpstreamsPoll();
      await applying;
      await master?.quit(graceMs);
      stopFollowing();
      await sidecar.close();
    },
  };
}

/** "app-1 (port 4101), app-2 (port 4102)", or "no instance yet". */
function describeInstances(addresses: readonly UpstreamAddress[]): string {
  return addresses.length === 0 ? 'no instance yet' : addresses.map(({ name, port }) => `${name} (port ${port})`).join(', ');
}

/**
 * Node's process metrics, but process_cpu_seconds_total counts nginx's master and workers with
 * this process: the dashboard's "balancer" CPU line is then what balancing costs on this path.
 */
function registerCpu(registry: client.Registry, nginxPid: () => number | undefined): void {
  client.collectDefaultMetrics({ register: registry });
  // Node's own CPU figures would leave nginx out: the total below replaces them.
  for (const name of ['process_cpu_seconds_total', 'process_cpu_user_seconds_total', 'process_cpu_system_seconds_total']) registry.removeSingleMetric(name);
  new client.Counter({
    name: 'process_cpu_seconds_total',
    help: 'CPU time of nginx (master and workers) and its sidecar, user and system, in seconds.',
    registers: [registry],
    collect() {
      const own = process.cpuUsage();
      const pid = nginxPid();
      const nginx = pid === undefined ? 0 : (processFacts().treeCpuSeconds(pid) ?? 0);
      this.reset();
      this.inc((own.user + own.system) / 1e6 + nginx);
    },
  });
}

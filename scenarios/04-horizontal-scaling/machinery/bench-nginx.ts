/**
 * Real nginx in front of the benchmark's instances, run as `npm start -- --balancer nginx` runs
 * it: the engine's sidecar (lab/balancer/nginx/main.ts) writes nginx.conf from
 * solution/balancer.conf and the upstreams file, starts nginx, and reads its access log back into
 * the balancer's metrics. The benchmark reads nginx's own CPU (master and worker) by the pid nginx
 * writes, apart from the sidecar's. Only where nginx is installed.
 */
import path from 'node:path';
import type { BenchProcess, BenchSectionContext } from '../../../lab/sdk.js';
import { findNginx, freePort, nginxFiles, nginxVersion, processFacts, readNginxPid, until } from '../../../lab/sdk.js';

const READY_TIMEOUT_MS = 20_000;

export interface NginxBalancer {
  /** Where it listens on 127.0.0.1. */
  port: number;
  /** "nginx/1.22.1", as `nginx -v` names itself. */
  version: string;
  /** CPU seconds so far of nginx's master and its worker; undefined where this system cannot tell. */
  cpuSeconds(): number | undefined;
  process: BenchProcess;
}

/** The nginx program the lab would run, or undefined where it is not installed. */
export function nginxProgram(): string | undefined {
  return findNginx();
}

/** nginx behind the lab's sidecar, sending to the instances `upstreamsFile` lists; its files go in `folder`. */
export async function startNginx(context: BenchSectionContext, program: string, upstreamsFile: string, folder: string): Promise<NginxBalancer> {
  const port = await freePort();
  const files = nginxFiles(path.join(folder, 'nginx'));
  const process = context.startProcess(path.join(context.scenarioDir, '..', '..', 'lab', 'balancer', 'nginx', 'main.ts'), {
    PORT: String(port),
    HOST: '127.0.0.1',
    LAB_UPSTREAMS_FILE: upstreamsFile,
    LAB_BALANCER_CONFIG: path.join(context.scenarioDir, 'solution', 'balancer.conf'),
    LAB_NGINX_DIR: files.dir,
  });
  const answers = () => fetch(`http://127.0.0.1:${port}/__balancer/health`, { signal: AbortSignal.timeout(1_000) }).then((response) => response.ok, () => false);
  if (!(await until(answers, READY_TIMEOUT_MS))) throw new Error(`nginx was not ready within ${READY_TIMEOUT_MS / 1000} s:\n${process.output()}`);
  const cpuSeconds = () => {
    const pid = readNginxPid(files.pid);
    return pid === undefined ? undefined : processFacts().treeCpuSeconds(pid);
  };
  return { port, version: await nginxVersion(program), cpuSeconds, process };
}

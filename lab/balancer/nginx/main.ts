/**
 * Real nginx as the lab's balancer (`npm start -- --balancer nginx`), this process its sidecar:
 *   PORT=3000 HOST=127.0.0.1 LAB_UPSTREAMS_FILE=… LAB_BALANCER_CONFIG=… LAB_NGINX_DIR=… node --import tsx lab/balancer/nginx/main.ts
 * Reads the same settings as the lab's balancer, plus the folder nginx's files go in; stops
 * nginx gracefully on SIGTERM or SIGINT, and exits when nginx does.
 */
import { LabError, reportFatal } from '../../errors.js';
import { findNginx } from '../../os/nginx.js';
import { readBalancerEnv } from '../balancer-env.js';
import { startNginxBalancer, type RunningNginxBalancer } from './nginx-balancer.js';
import { NGINX_MISSING } from './nginx-missing.js';

/**
 * How long nginx may take to finish the requests in flight once told to stop: within the 5 s
 * the fleet waits before SIGKILL, so nginx is always stopped by this process, never orphaned.
 */
const STOP_GRACE_MS = 4_000;

async function main(env: NodeJS.ProcessEnv): Promise<void> {
  // Listening for a stop before nginx starts: a SIGTERM while it starts would otherwise end this
  // process at once and leave nginx running without it.
  let balancer: RunningNginxBalancer | undefined;
  let stopping = false;
  const stop = () => {
    stopping = true;
    void balancer?.stop(STOP_GRACE_MS).then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);

  const settings = readBalancerEnv(env);
  const dir = env.LAB_NGINX_DIR?.trim();
  if (!dir) throw new LabError('BAD_SETTING', 'LAB_NGINX_DIR is not set; the nginx balancer needs a folder for nginx.conf, its logs and its pid.');
  const program = findNginx({ env });
  if (!program) throw new LabError('BALANCER_PROGRAM', NGINX_MISSING);
  const started = await startNginxBalancer({ ...settings, program, dir, log: (line) => console.log(line) });
  balancer = started;
  if (stopping) stop();
  void started.exited.then((how) => {
    if (stopping) return;
    console.error(`✘ nginx (pid ${started.nginxPid}) exited by itself (${how}); see ${started.errorLog}`);
    process.exit(1);
  });
}

main(process.env).catch((error: unknown) => {
  process.exit(reportFatal(error));
});

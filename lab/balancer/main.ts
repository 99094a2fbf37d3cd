/**
 * The lab's load balancer, run by the fleet in front of the app's instances:
 *   PORT=3000 HOST=127.0.0.1 LAB_UPSTREAMS_FILE=… LAB_BALANCER_CONFIG=… node --import tsx lab/balancer/main.ts
 * Reads its settings from the environment, starts, and stops gracefully on SIGTERM or SIGINT.
 */
import { reportFatal } from '../errors.js';
import { startBalancer } from './balancer.js';
import { readBalancerEnv } from './balancer-env.js';

/** How long the requests in flight may take to finish once the balancer is told to stop. */
const STOP_GRACE_MS = 10_000;

async function main(env: NodeJS.ProcessEnv): Promise<void> {
  const balancer = await startBalancer({ ...readBalancerEnv(env), log: (line) => console.log(line) });
  const stop = () => {
    void balancer.stop(STOP_GRACE_MS).then(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main(process.env).catch((error: unknown) => {
  process.exit(reportFatal(error));
});

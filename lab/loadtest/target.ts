/**
 * Where the load goes: the app's port on 127.0.0.1 (from the running lab, else PORT, else
 * the default), and a check that something answers there before the users pile on.
 */
import { DEFAULT_APP_PORT } from '../config.js';
import { LabError } from '../errors.js';
import { readRunningLab } from '../lab-state.js';
import { isListening } from '../supervisor/ports.js';

export function resolveAppPort(env: NodeJS.ProcessEnv = process.env): number {
  const running = readRunningLab();
  if (running) return running.appPort;
  const raw = env.PORT?.trim();
  if (!raw) return DEFAULT_APP_PORT;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port < 1 || port > 65535) {
    throw new LabError(`PORT=${raw} is not a port number; use a whole number from 1 to 65535, e.g. PORT=${DEFAULT_APP_PORT}.`);
  }
  return port;
}

/** Throws the learner-facing "nothing answers" error when no one accepts connections on the port. */
export async function assertAppAnswers(port: number): Promise<void> {
  if (!(await isListening(port, '127.0.0.1', 2_000))) {
    throw new LabError(`nothing answers on :${port} — is \`npm start\` running? Start it in another terminal, then run the load test again.`);
  }
}

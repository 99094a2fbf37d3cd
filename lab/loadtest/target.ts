/**
 * Where the load goes: the app's port on 127.0.0.1 (from the running lab, else PORT, else
 * the default), and a check that something answers there before the users pile on.
 */
import { DEFAULT_APP_PORT } from '../config.js';
import { LabError } from '../errors.js';
import { readRunningLab } from '../lab-state.js';
import { isListening } from '../net/ports.js';
import { readPort } from '../settings.js';

export function resolveAppPort(env: NodeJS.ProcessEnv = process.env): number {
  const running = readRunningLab();
  if (running) return running.appPort;
  return readPort(env, 'PORT', DEFAULT_APP_PORT);
}

/** Throws the learner-facing "nothing answers" error when no one accepts connections on the port. */
export async function assertAppAnswers(port: number): Promise<void> {
  if (!(await isListening(port, '127.0.0.1', 2_000))) {
    throw new LabError('APP_NOT_ANSWERING', `nothing answers on :${port} — is \`npm start\` running? Start it in another terminal, then run the load test again.`);
  }
}

/**
 * Where the load goes: the app's port on 127.0.0.1 (from the running lab, else PORT, else
 * the default), and a check that something answers there before the users pile on.
 */
import { LabError } from '../errors.js';
import { readRunningLab } from '../lab-state.js';
import type { Lab } from '../lab.js';
import { isListening } from '../net/ports.js';

export function resolveAppPort(lab: Pick<Lab, 'paths' | 'settings'>): number {
  return readRunningLab(lab.paths.labState)?.appPort ?? lab.settings.appPort;
}

/** Throws the learner-facing "nothing answers" error when no one accepts connections on the port. */
export async function assertAppAnswers(port: number): Promise<void> {
  if (!(await isListening(port, '127.0.0.1', 2_000))) {
    throw new LabError('APP_NOT_ANSWERING', `nothing answers on :${port} — is \`npm start\` running? Start it in another terminal, then run the load test again.`);
  }
}

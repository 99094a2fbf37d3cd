/**
 * The fixture scenario's lab (test/engine/fixture-library), started as `npm start` would in a
 * sandbox of its own, for the engine's tests; and stopped with Ctrl-C as a learner would.
 */
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { ROOT_DIR } from '../../lab/config.js';
import { createLabSandbox, type LabInstance, type LabSandbox } from '../../harness/sandbox.js';
import { lab } from '../helpers/project-lab.js';

export const FIXTURE = path.join(ROOT_DIR, 'test', 'engine', 'fixture-library');

export interface FixtureLab {
  sandbox: LabSandbox;
  lab: LabInstance;
  /** The environment a command needs to reach this lab. */
  env: Record<string, string>;
  /** Starts `npm start` again in the same sandbox (after the last one was killed); `lab` becomes the new one. */
  startAgain(): Promise<void>;
  stop(): Promise<void>;
}

export async function startFixtureLab(): Promise<FixtureLab> {
  const sandbox = await createLabSandbox(lab);
  const extra = { LAB_SCENARIO: FIXTURE, LAB_LEARNER_DIR: FIXTURE };
  const env = Object.fromEntries(Object.entries(sandbox.env(extra)).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const fixture: FixtureLab = {
    sandbox,
    lab: sandbox.start([], extra),
    env,
    async startAgain() {
      fixture.lab = sandbox.start([], extra);
      await fixture.lab.ready;
    },
    async stop() {
      if (fixture.lab.child.exitCode === null) {
        fixture.lab.child.kill('SIGINT');
        await fixture.lab.exited;
      }
      sandbox.remove();
    },
  };
  await fixture.lab.ready;
  return fixture;
}

/** Starts the fixture's lab before the file's tests and stops it after them; call inside a describe. */
export function useFixtureLab(): () => FixtureLab {
  let fixture: FixtureLab | undefined;
  beforeAll(async () => {
    fixture = await startFixtureLab();
  }, 120_000);
  afterAll(() => fixture?.stop());
  return () => {
    if (!fixture) throw new Error('the fixture lab did not start');
    return fixture;
  };
}

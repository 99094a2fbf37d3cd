/**
 * The fixture scenario's lab (test/engine/fixture-library), started as `npm start` would in a
 * sandbox of its own, for the engine's tests; and stopped with Ctrl-C as a learner would.
 */
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { ROOT_DIR } from '../../lab/config.js';
import { createLabSandbox, type LabInstance, type LabSandbox } from '../../harness/sandbox.js';

export const FIXTURE = path.join(ROOT_DIR, 'test', 'engine', 'fixture-library');

export interface FixtureLab {
  sandbox: LabSandbox;
  lab: LabInstance;
  /** The environment a command needs to reach this lab. */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startFixtureLab(): Promise<FixtureLab> {
  const sandbox = await createLabSandbox();
  const extra = { LAB_SCENARIO: FIXTURE, LAB_APP_ENTRY: path.join(FIXTURE, 'src', 'server.ts') };
  const env = Object.fromEntries(Object.entries(sandbox.env(extra)).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const lab = sandbox.start([], extra);
  await lab.ready;
  return {
    sandbox,
    lab,
    env,
    async stop() {
      if (lab.child.exitCode === null) {
        lab.child.kill('SIGINT');
        await lab.exited;
      }
      sandbox.remove();
    },
  };
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

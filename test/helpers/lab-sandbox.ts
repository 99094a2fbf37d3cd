/** One lab sandbox for a describe block: created before its tests, stopped and removed after. */
import { afterAll, beforeAll } from 'vitest';
import { createLabSandbox, type LabInstance, type LabSandbox } from '../../harness/sandbox.js';
import { lab } from './project-lab.js';

export interface SandboxedLab {
  sandbox: LabSandbox;
  /** The lab a test started last; still running after the tests, it gets Ctrl-C. */
  lab: LabInstance | undefined;
}

export function useLabSandbox(): SandboxedLab {
  const context: SandboxedLab = { sandbox: undefined as unknown as LabSandbox, lab: undefined };
  beforeAll(async () => {
    context.sandbox = await createLabSandbox(lab);
  });
  afterAll(async () => {
    if (context.lab && context.lab.child.exitCode === null) {
      context.lab.child.kill('SIGINT');
      await context.lab.exited;
    }
    context.sandbox?.remove();
  });
  return context;
}

import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { learnerPath } from '../../lab/scenario/current.js';

describe('learnerPath', () => {
  const before = process.env.INIT_CWD;
  afterEach(() => {
    if (before === undefined) delete process.env.INIT_CWD;
    else process.env.INIT_CWD = before;
  });

  it('names a file inside the folder the command ran in relative to it, with forward slashes', () => {
    process.env.INIT_CWD = path.resolve('/work/lab/scenarios/01');
    expect(learnerPath(path.resolve('/work/lab/scenarios/01/src/server.ts'))).toBe('src/server.ts');
  });

  it('names a file outside that folder by its absolute path, never "../../tmp/…"', () => {
    process.env.INIT_CWD = path.resolve('/work/lab/scenarios/01');
    expect(learnerPath(path.resolve('/tmp/state/lab.json'))).toBe(path.resolve('/tmp/state/lab.json'));
  });
});

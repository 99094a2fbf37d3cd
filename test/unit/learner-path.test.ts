import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { learnerPath } from '../../lab/lab.js';

describe('learnerPath', () => {
  const runFrom = path.resolve('/work/lab/scenarios/01');

  it('names a file inside the folder the command ran in relative to it, with forward slashes', () => {
    expect(learnerPath(path.resolve('/work/lab/scenarios/01/src/server.ts'), runFrom)).toBe('src/server.ts');
  });

  it('names a file outside that folder by its absolute path, never "../../tmp/…"', () => {
    expect(learnerPath(path.resolve('/tmp/state/lab.json'), runFrom)).toBe(path.resolve('/tmp/state/lab.json'));
  });
});

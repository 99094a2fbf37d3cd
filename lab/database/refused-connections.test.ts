import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RefusedConnectionsLog } from './refused-connections.js';

describe('RefusedConnectionsLog', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'refused-'));
  const file = path.join(dir, 'postgres.log');
  afterEach(() => fs.rmSync(file, { force: true }));

  it('counts only refusals appended after it started, across partial lines', () => {
    fs.writeFileSync(file, 'x [1] FATAL:  sorry, too many clients already\n');
    const log = new RefusedConnectionsLog(file);
    expect(log.total()).toBe(0);
    fs.appendFileSync(file, 'x [2] FATAL:  sorry, too many clients already\nx [3] LOG:  checkpoint\nx [4] FATAL:  sorry, too many');
    expect(log.total()).toBe(1);
    fs.appendFileSync(file, ' clients already\nx [5] FATAL:  remaining connection slots are reserved for roles with the SUPERUSER attribute\n');
    expect(log.total()).toBe(3);
  });

  it('starts over when the log is truncated, and survives a missing file', () => {
    const log = new RefusedConnectionsLog(file);
    expect(log.total()).toBe(0);
    fs.writeFileSync(file, 'a much longer first line that is not a refusal at all\n');
    expect(log.total()).toBe(0);
    fs.writeFileSync(file, 'FATAL:  sorry, too many clients already\n');
    expect(log.total()).toBe(1);
  });
});

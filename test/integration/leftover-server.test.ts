/**
 * A lock file left by a PostgreSQL that is gone (a killed lab, a stopped container, a reboot)
 * may name a pid that now belongs to another program. The next start must leave that program
 * alone and forget the stale lock file.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isProcessAlive } from '../../lab/os/processes.js';
import { stopLeftoverServer } from '../../lab/postgres/embedded.js';

describe('stopLeftoverServer', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-stale-lock-'));
  // Another program that happens to have the pid the lock file names.
  const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  afterAll(() => {
    other.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('leaves a process that is not this folder\'s PostgreSQL running, and removes the stale lock file', async () => {
    const lockFile = path.join(dataDir, 'postmaster.pid');
    fs.writeFileSync(lockFile, `${other.pid}\n${dataDir}\n1700000000\n54329\n`);
    await stopLeftoverServer(dataDir);
    expect(isProcessAlive(other.pid!)).toBe(true);
    expect(fs.existsSync(lockFile)).toBe(false);
  });
});

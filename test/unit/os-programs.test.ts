/** Finding psql on the PATH: Windows' PATHEXT and backslash folders, and POSIX's executable bit. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findNginx } from '../../lab/os/nginx.js';
import { findProgram } from '../../lab/os/programs.js';

describe('findProgram on Windows (paths given, no disk)', () => {
  const windowsEnv = { Path: 'C:\\Windows\\System32;"C:\\Program Files\\PostgreSQL\\18\\bin";C:\\tools', PATHEXT: '.COM;.EXE;.BAT;.CMD' };
  const onDisk = (files: string[]) => (file: string) => files.includes(file);

  it('finds psql.exe through PATHEXT, in a quoted folder with spaces, reading "Path" as Windows spells it', () => {
    const psql = 'C:\\Program Files\\PostgreSQL\\18\\bin\\psql.exe';
    expect(findProgram('psql', { env: windowsEnv, platform: 'win32', isRunnable: onDisk([psql]) })).toBe(psql);
  });

  it('takes the first folder of the PATH that has it', () => {
    const first = 'C:\\Windows\\System32\\psql.exe';
    expect(findProgram('psql', { env: windowsEnv, platform: 'win32', isRunnable: onDisk(['C:\\tools\\psql.exe', first]) })).toBe(first);
  });

  it('skips psql.cmd and psql.bat, which Node cannot start without a shell', () => {
    expect(findProgram('psql', { env: windowsEnv, platform: 'win32', isRunnable: onDisk(['C:\\tools\\psql.cmd', 'C:\\tools\\psql.bat']) })).toBeUndefined();
  });

  it('uses the usual extensions when PATHEXT is not set, and a name that already ends in one as it is', () => {
    const psql = 'C:\\tools\\psql.exe';
    expect(findProgram('psql', { env: { PATH: 'C:\\tools' }, platform: 'win32', isRunnable: onDisk([psql]) })).toBe(psql);
    expect(findProgram('psql.exe', { env: { PATH: 'C:\\tools' }, platform: 'win32', isRunnable: onDisk([psql]) })).toBe(psql);
  });

  it('does not find a bare "psql" without an extension, as Windows would not run it', () => {
    expect(findProgram('psql', { env: windowsEnv, platform: 'win32', isRunnable: onDisk(['C:\\tools\\psql']) })).toBeUndefined();
  });
});

describe('findProgram on POSIX (a real folder)', () => {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-path-'));
  afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('finds an executable file and ignores one without the executable bit', () => {
    const plain = path.join(folder, 'plain');
    fs.mkdirSync(plain);
    fs.writeFileSync(path.join(plain, 'psql'), '');
    fs.chmodSync(path.join(plain, 'psql'), 0o644);
    const bin = path.join(folder, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'psql'), '#!/bin/sh\n');
    fs.chmodSync(path.join(bin, 'psql'), 0o755);
    const env = { PATH: [plain, bin].join(':') };
    expect(findProgram('psql', { env, platform: 'linux' })).toBe(path.join(bin, 'psql'));
    expect(findProgram('psql', { env: { PATH: plain }, platform: 'linux' })).toBeUndefined();
  });

  it('finds nothing with an empty PATH', () => {
    expect(findProgram('psql', { env: {}, platform: 'linux' })).toBeUndefined();
  });

  it('finds nginx on the PATH, else where Debian or Homebrew put it (Debian\'s /usr/sbin is not on every user\'s PATH), else nothing', () => {
    const installed = (files: string[]) => (file: string) => files.includes(file);
    expect(findNginx({ env: { PATH: '/opt/nginx/bin:/usr/bin' }, platform: 'linux', isRunnable: installed(['/opt/nginx/bin/nginx', '/usr/sbin/nginx']) })).toBe('/opt/nginx/bin/nginx');
    expect(findNginx({ env: { PATH: '/usr/bin' }, platform: 'linux', isRunnable: installed(['/usr/sbin/nginx']) })).toBe('/usr/sbin/nginx');
    expect(findNginx({ env: { PATH: '/usr/bin' }, platform: 'linux', isRunnable: installed([]) })).toBeUndefined();
  });
});

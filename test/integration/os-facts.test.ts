/**
 * The two implementations of lab/os on real processes: /proc and the portable one (ps here,
 * as on macOS) must tell the same facts, within ps's coarser clock; the one seam picks them.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LabError } from '../../lab/errors.js';
import { linuxProcessFacts } from '../../lab/os/linux-procfs.js';
import { isProcessAlive, stopProcess } from '../../lab/os/processes.js';
import { chooseProcessFacts } from '../../lab/os/system.js';
import { readPostmasterPid } from '../../lab/postgres/embedded.js';

const portable = chooseProcessFacts({ LAB_OS: 'portable' }, 'linux');
const BUSY_SECONDS = 1.5;

describe('the seam', () => {
  it('takes /proc on Linux, the portable path on macOS, Windows, and on Linux when LAB_OS=portable', () => {
    expect(chooseProcessFacts({}, 'linux').kind).toBe('linux');
    expect(chooseProcessFacts({ LAB_OS: 'portable' }, 'linux').kind).toBe('portable');
    expect(chooseProcessFacts({}, 'darwin').kind).toBe('portable');
    expect(chooseProcessFacts({}, 'win32')).toMatchObject({ kind: 'portable', signalsByKill: false });
    expect(linuxProcessFacts.signalsByKill).toBe(true);
  });

  it('answers an unknown LAB_OS with one line', () => {
    expect(() => chooseProcessFacts({ LAB_OS: 'macos' }, 'linux')).toThrow(LabError);
    expect(() => chooseProcessFacts({ LAB_OS: 'macos' }, 'linux')).toThrow(/LAB_OS=macos is not known; set LAB_OS=portable/);
  });
});

describe.runIf(process.platform === 'linux')('/proc and ps tell the same facts', () => {
  const marker = `lab-os-facts-${process.pid}`;
  let busy: ChildProcess;
  let pid: number;

  beforeAll(async () => {
    // Burns CPU until it has used BUSY_SECONDS of it (however long a busy machine takes), says
    // so, then idles until stopped; the marker names it on its command line.
    // One line: ps shows a newline in a command line as a space.
    const program = `const used = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; }; while (used() < ${BUSY_SECONDS}); console.log('busy done'); setInterval(() => {}, 1000);`;
    busy = spawn(process.execPath, ['-e', program, marker], { stdio: ['ignore', 'pipe', 'ignore'] });
    pid = busy.pid!;
    await new Promise<void>((resolve) => busy.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('busy done') && resolve()));
  });
  afterAll(async () => {
    busy.kill('SIGKILL');
  });

  it('the command line', () => {
    const fromProc = linuxProcessFacts.commandLine(pid);
    expect(fromProc).toContain(marker);
    expect(portable.commandLine(pid)).toBe(fromProc);
  });

  it('which processes mention a text', () => {
    expect(linuxProcessFacts.processesMentioning(marker)).toContain(pid);
    expect(portable.processesMentioning(marker)).toEqual([pid]);
  });

  it('CPU time, within ps’s whole seconds on Linux', () => {
    const fromProc = linuxProcessFacts.cpuSeconds(pid)!;
    const fromPs = portable.cpuSeconds(pid)!;
    expect(fromProc).toBeGreaterThanOrEqual(BUSY_SECONDS - 0.01);
    expect(Math.abs(fromPs - fromProc)).toBeLessThanOrEqual(1);
  });

  it('resident memory', () => {
    const fromProc = linuxProcessFacts.residentBytes(pid)!;
    const fromPs = portable.residentBytes(pid)!;
    expect(fromProc).toBeGreaterThan(10 * 1024 * 1024);
    expect(Math.abs(fromPs - fromProc) / fromProc).toBeLessThan(0.1);
  });

  it('a PostgreSQL server with its children; only /proc shows the CPU of children that ended', () => {
    const postmaster = readPostmasterPid(inject('pgDataDir'))!;
    for (const facts of [linuxProcessFacts, portable]) {
      expect(facts.treeCpuSeconds(postmaster)).toBeGreaterThanOrEqual(facts.cpuSeconds(postmaster)!);
    }
    expect(linuxProcessFacts.reapedChildrenCpuSeconds()).toEqual(expect.any(Number));
    expect(portable.reapedChildrenCpuSeconds()).toBeUndefined();
  });

  it('nothing about a process that is gone', async () => {
    const short = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    expect(await stopProcess(short.pid!)).toBe(true);
    expect(isProcessAlive(short.pid!)).toBe(false);
    for (const facts of [linuxProcessFacts, portable]) {
      expect(facts.commandLine(short.pid!)).toBeUndefined();
      expect(facts.cpuSeconds(short.pid!)).toBeUndefined();
      expect(facts.treeCpuSeconds(short.pid!)).toBeUndefined();
    }
  });
});

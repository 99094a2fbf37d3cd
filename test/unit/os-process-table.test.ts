/** The portable process list: ps on macOS and Linux, PowerShell on Windows, read into one shape. */
import { describe, expect, it } from 'vitest';
import { encodePowerShell, parseCpuTime, parsePowerShellTable, parsePsTable, powerShellProcessQuery } from '../../lab/os/process-table.js';

describe('parseCpuTime', () => {
  it.each([
    ['0:00.05', 0.05], // macOS: minutes:seconds.hundredths
    ['61:02.50', 3662.5], // macOS past an hour: minutes keep counting
    ['00:00:07', 7], // Linux procps: hh:mm:ss
    ['01:02:03', 3723],
    ['1-00:00:03', 86_403], // procps past a day
  ])('%s is %d s', (text, seconds) => {
    expect(parseCpuTime(text)).toBeCloseTo(seconds, 6);
  });
});

describe('parsePsTable', () => {
  it('reads macOS ps output, command lines with spaces included', () => {
    const output = [
      '  412     1  23456   0:01.25 /usr/local/bin/node --import file:///Users/ann/My%20Lab/node_modules/tsx/dist/loader.mjs /Users/ann/My Lab/src/server.ts',
      '  413   412   4096   0:00.00 postgres: io worker 0',
      '',
    ].join('\n');
    expect(parsePsTable(output)).toEqual([
      {
        pid: 412,
        parentPid: 1,
        residentBytes: 23456 * 1024,
        cpuSeconds: 1.25,
        commandLine: '/usr/local/bin/node --import file:///Users/ann/My%20Lab/node_modules/tsx/dist/loader.mjs /Users/ann/My Lab/src/server.ts',
      },
      { pid: 413, parentPid: 412, residentBytes: 4096 * 1024, cpuSeconds: 0, commandLine: 'postgres: io worker 0' },
    ]);
  });

  it('reads Linux procps output and skips what is not a row', () => {
    const rows = parsePsTable('19160 19123 24896 00:00:01 /x/bin/postgres -D /tmp/lab/pgdata -p 54313\nerror: something\n');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ pid: 19160, parentPid: 19123, cpuSeconds: 1, commandLine: '/x/bin/postgres -D /tmp/lab/pgdata -p 54313' });
  });
});

describe('the Windows process query', () => {
  it('asks Win32_Process for one pid, or for all, and travels as UTF-16LE base64 (no quoting to get wrong)', () => {
    const one = powerShellProcessQuery(4242);
    expect(one).toContain("Get-CimInstance Win32_Process -Filter 'ProcessId = 4242'");
    expect(powerShellProcessQuery()).not.toContain('-Filter');
    expect(Buffer.from(encodePowerShell(one), 'base64').toString('utf16le')).toBe(one);
    expect(one).not.toContain('"');
  });

  it('reads its tab-separated lines: CPU in 100 ns units, a Windows command line with backslashes and quotes', () => {
    const output = [
      '4242\t1000\t52428800\t31250000\t"C:\\Program Files\\nodejs\\node.exe" --import file:///C:/Users/Ann%20Lee/lab/node_modules/tsx/dist/loader.mjs "C:\\Users\\Ann Lee\\lab\\src\\server.ts"',
      '4\t0\t0\t0\t', // System: no command line
      '',
    ].join('\r\n');
    expect(parsePowerShellTable(output)).toEqual([
      {
        pid: 4242,
        parentPid: 1000,
        residentBytes: 52_428_800,
        cpuSeconds: 3.125,
        commandLine: '"C:\\Program Files\\nodejs\\node.exe" --import file:///C:/Users/Ann%20Lee/lab/node_modules/tsx/dist/loader.mjs "C:\\Users\\Ann Lee\\lab\\src\\server.ts"',
      },
      { pid: 4, parentPid: 0, residentBytes: 0, cpuSeconds: 0, commandLine: '' },
    ]);
    // What lab/supervisor/leftovers.ts looks for: this checkout's entry file, as Node passed it.
    expect(parsePowerShellTable(output)[0]!.commandLine).toContain('C:\\Users\\Ann Lee\\lab\\src\\server.ts');
  });
});

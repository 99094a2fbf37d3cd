/**
 * Reading the process lists of `ps` (macOS, Linux) and of PowerShell's Win32_Process query
 * (Windows) into one shape. Pure functions: the tests feed them each system's real output.
 */

export interface ProcessRow {
  pid: number;
  parentPid: number;
  /** User + system CPU time so far, in seconds. */
  cpuSeconds: number;
  residentBytes: number;
  commandLine: string;
}

/** The columns asked of ps, in this order; `command` last, as it may hold spaces. */
export const PS_COLUMNS = 'pid=,ppid=,rss=,time=,command=';

/**
 * ps's CPU time, "[[dd-]hh:]mm:ss[.cc]": macOS prints minutes, seconds and hundredths
 * ("1:02.50"), Linux's procps whole seconds with hours ("00:01:02", "1-00:00:03").
 */
export function parseCpuTime(text: string): number {
  const [days, clock] = text.includes('-') ? [Number(text.split('-')[0]), text.split('-')[1]!] : [0, text];
  const parts = clock.split(':').map(Number).reverse();
  const [seconds = 0, minutes = 0, hours = 0] = parts;
  return days * 86_400 + hours * 3_600 + minutes * 60 + seconds;
}

/** Rows of `ps -o pid=,ppid=,rss=,time=,command=` (rss in KiB). Lines that do not fit are skipped. */
export function parsePsTable(output: string): ProcessRow[] {
  const rows: ProcessRow[] = [];
  for (const line of output.split(/\r?\n/)) {
    const match = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s?(.*)$/.exec(line);
    if (!match) continue;
    rows.push({
      pid: Number(match[1]),
      parentPid: Number(match[2]),
      residentBytes: Number(match[3]) * 1024,
      cpuSeconds: parseCpuTime(match[4]!),
      commandLine: match[5]!,
    });
  }
  return rows;
}

/** Win32_Process counts CPU time in units of 100 nanoseconds. */
const WINDOWS_TICKS_PER_SECOND = 10_000_000;

/**
 * The PowerShell script that lists processes as tab-separated lines: pid, parent pid,
 * working set (bytes), user + kernel time (100 ns units), command line. Optionally one pid.
 */
export function powerShellProcessQuery(pid?: number): string {
  const filter = pid === undefined ? '' : ` -Filter 'ProcessId = ${Math.trunc(pid)}'`;
  return [
    "$ErrorActionPreference = 'Stop'",
    '[Console]::OutputEncoding = [System.Text.Encoding]::UTF8',
    `Get-CimInstance Win32_Process${filter} | ForEach-Object {`,
    '  ($_.ProcessId, $_.ParentProcessId, $_.WorkingSetSize, ($_.UserModeTime + $_.KernelModeTime), $_.CommandLine) -join [char]9',
    '}',
  ].join('\n');
}

/** PowerShell's -EncodedCommand takes the script as base64 of UTF-16LE: no quoting to get wrong. */
export function encodePowerShell(script: string): string {
  return Buffer.from(script, 'utf16le').toString('base64');
}

/** Rows of powerShellProcessQuery()'s output. */
export function parsePowerShellTable(output: string): ProcessRow[] {
  const rows: ProcessRow[] = [];
  for (const line of output.split(/\r?\n/)) {
    const [pid, parentPid, workingSet, cpuTicks, ...command] = line.split('\t');
    if (!pid || !/^\d+$/.test(pid) || !parentPid || !/^\d+$/.test(parentPid)) continue;
    rows.push({
      pid: Number(pid),
      parentPid: Number(parentPid),
      residentBytes: Number(workingSet) || 0,
      cpuSeconds: (Number(cpuTicks) || 0) / WINDOWS_TICKS_PER_SECOND,
      commandLine: command.join('\t'),
    });
  }
  return rows;
}

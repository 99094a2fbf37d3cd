/**
 * Process facts on any system, from the process list: `ps` on macOS and Linux, PowerShell's
 * Win32_Process query on Windows (wmic, which older tools use, is gone from Windows 11 24H2).
 * Coarser than /proc: ps on Linux counts CPU time in whole seconds (macOS in hundredths),
 * and the CPU time of children that already ended is not listed anywhere.
 */
import { spawnSync } from 'node:child_process';
import type { ProcessFacts } from './process-facts.js';
import { encodePowerShell, parsePowerShellTable, parsePsTable, powerShellProcessQuery, PS_COLUMNS, type ProcessRow } from './process-table.js';

const LIST_TIMEOUT_MS = 15_000;

/** The process list (or one process's row), or undefined when it cannot be read here. */
export type ProcessLister = (pid?: number) => ProcessRow[] | undefined;

function run(command: string, args: string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: LIST_TIMEOUT_MS, windowsHide: true, stdio: ['ignore', 'pipe', 'ignore'] });
  // ps exits 1 when -p names no live process: an empty list, not a failure.
  if (result.error || (result.status !== 0 && result.stdout === '')) return result.error ? undefined : '';
  return result.stdout;
}

const listWithPs: ProcessLister = (pid) => {
  const output = run('ps', pid === undefined ? ['-A', '-ww', '-o', PS_COLUMNS] : ['-ww', '-p', String(pid), '-o', PS_COLUMNS]);
  return output === undefined ? undefined : parsePsTable(output);
};

const listWithPowerShell: ProcessLister = (pid) => {
  const output = run('powershell.exe', ['-NoProfile', '-NonInteractive', '-EncodedCommand', encodePowerShell(powerShellProcessQuery(pid))]);
  return output === undefined ? undefined : parsePowerShellTable(output);
};

/** Process facts from a process lister; `windows` picks PowerShell, anything else ps. */
export function portableProcessFacts(windows: boolean, list: ProcessLister = windows ? listWithPowerShell : listWithPs): ProcessFacts {
  const row = (pid: number) => list(pid)?.find((candidate) => candidate.pid === pid);
  return {
    kind: 'portable',
    signalsByKill: false,

    commandLine(pid) {
      return row(pid)?.commandLine || undefined;
    },

    processesMentioning(text) {
      return (list() ?? []).filter((candidate) => candidate.pid !== process.pid && candidate.commandLine.includes(text)).map((candidate) => candidate.pid);
    },

    cpuSeconds(pid) {
      return row(pid)?.cpuSeconds;
    },

    treeCpuSeconds(pid) {
      const rows = list();
      const parent = rows?.find((candidate) => candidate.pid === pid);
      if (!rows || !parent) return undefined;
      return rows.filter((candidate) => candidate.parentPid === pid).reduce((total, child) => total + child.cpuSeconds, parent.cpuSeconds);
    },

    reapedChildrenCpuSeconds() {
      return undefined;
    },

    residentBytes(pid) {
      return row(pid)?.residentBytes;
    },
  };
}

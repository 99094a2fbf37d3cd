/**
 * Process facts read from Linux's /proc: exact, cheap (a few small files per question) and
 * independent of which programs are installed.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import type { ProcessFacts } from './process-facts.js';

let ticksPerSecond: number | undefined;

/** The kernel's clock ticks per second, in which /proc/<pid>/stat counts CPU time (100 almost everywhere). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

function readProcFile(pid: number | 'self', name: string): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/${name}`, 'utf8');
  } catch {
    return undefined; // Gone, or not ours to read.
  }
}

/**
 * Fields 14-17 of /proc/<pid>/stat: utime, stime (the process) and cutime, cstime (children
 * it has waited for), in seconds. The command name (field 2) may hold spaces and parentheses:
 * fields are counted after its last ')'.
 */
function statTimes(pid: number | 'self'): { own: number; reaped: number } | undefined {
  const stat = readProcFile(pid, 'stat');
  if (stat === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = (field: number) => Number(fields[field - 3]);
  return { own: (ticks(14) + ticks(15)) / clockTicks(), reaped: (ticks(16) + ticks(17)) / clockTicks() };
}

/** Field 4 of /proc/<pid>/stat: the parent's pid. */
function parentPid(stat: string): number {
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

function numericEntries(): string[] {
  try {
    return fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
}

/**
 * The pids of a process's children, from /proc/<pid>/task/<tid>/children of each thread;
 * on a kernel without that file, from every process's parent.
 */
export function childPids(pid: number): number[] {
  let threads: string[];
  try {
    threads = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return [];
  }
  const children: number[] = [];
  for (const thread of threads) {
    let text: string;
    try {
      text = fs.readFileSync(`/proc/${pid}/task/${thread}/children`, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && fs.existsSync(`/proc/${pid}/task/${thread}`)) {
        return numericEntries().filter((entry) => {
          const stat = readProcFile(Number(entry), 'stat');
          return stat !== undefined && parentPid(stat) === pid;
        }).map(Number);
      }
      continue; // The thread ended while we looked.
    }
    for (const child of text.split(' ')) if (child) children.push(Number(child));
  }
  return children;
}

export const linuxProcessFacts: ProcessFacts = {
  kind: 'linux',
  signalsByKill: true,

  commandLine(pid) {
    const raw = readProcFile(pid, 'cmdline');
    return raw ? raw.replace(/\0$/, '').split('\0').join(' ') : undefined;
  },

  processesMentioning(text) {
    return numericEntries()
      .map(Number)
      .filter((pid) => pid !== process.pid)
      .filter((pid) => Boolean(readProcFile(pid, 'cmdline')?.includes(text) || readProcFile(pid, 'environ')?.includes(text)));
  },

  cpuSeconds(pid) {
    return statTimes(pid)?.own;
  },

  treeCpuSeconds(pid) {
    const times = statTimes(pid);
    if (times === undefined) return undefined;
    let total = times.own + times.reaped;
    for (const child of childPids(pid)) total += statTimes(child)?.own ?? 0;
    return total;
  },

  reapedChildrenCpuSeconds() {
    return statTimes('self')?.reaped;
  },

  residentBytes(pid) {
    const kib = readProcFile(pid, 'status')?.match(/^VmRSS:\s+(\d+) kB/m)?.[1];
    return kib === undefined ? undefined : Number(kib) * 1024;
  },
};

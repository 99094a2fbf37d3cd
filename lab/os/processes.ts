/**
 * Small facts about processes, by process id: alive or not, signalling a process group,
 * and a process's children. Children come from Linux's /proc; elsewhere they are unknown.
 */
import fs from 'node:fs';

/** True while a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Signals every process in the group led by this pid; quietly does nothing if the group is gone. */
export function signalGroup(groupLeaderPid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-groupLeaderPid, signal);
  } catch {
    // The group is already gone.
  }
}

/**
 * The pids of a process's children, or undefined when /proc cannot tell (not Linux, or the
 * process is gone). Reads /proc/<pid>/task/<tid>/children of each thread (one small file per
 * thread); on a kernel without that file, scans every process's parent instead.
 */
export function childPids(pid: number): number[] | undefined {
  let threads: string[];
  try {
    threads = fs.readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  const children: number[] = [];
  for (const thread of threads) {
    let text: string;
    try {
      text = fs.readFileSync(`/proc/${pid}/task/${thread}/children`, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && fs.existsSync(`/proc/${pid}/task/${thread}`)) return scanForChildren(pid);
      continue; // The thread ended while we looked.
    }
    for (const child of text.split(' ')) if (child) children.push(Number(child));
  }
  return children;
}

/** Children found by reading every process's parent from /proc/<pid>/stat (field 4). */
function scanForChildren(parentPid: number): number[] {
  const children: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name (field 2) may hold spaces and parentheses: read after the last ')'.
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parentPid) children.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

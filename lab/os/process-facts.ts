/**
 * What the lab asks the operating system about processes, in one interface with two
 * implementations: Linux's /proc (lab/os/linux-procfs.ts) and the portable one that asks
 * `ps` or PowerShell (lab/os/portable.ts). lab/os/system.ts picks one; nothing else does.
 */

export interface ProcessFacts {
  /** 'linux' reads /proc; 'portable' asks ps (macOS, Linux) or PowerShell (Windows). */
  readonly kind: 'linux' | 'portable';
  /**
   * True where the lab signals PostgreSQL with process.kill (Linux). The portable path asks
   * PostgreSQL's own `pg_ctl kill` instead, which works on Windows too, where signals do not exist.
   */
  readonly signalsByKill: boolean;
  /** The command line of a running process, or undefined when it is gone or this system cannot tell. */
  commandLine(pid: number): string | undefined;
  /**
   * Live processes (not this one) whose command line mentions the text; on Linux their
   * environment counts too. Empty when this system cannot list processes.
   */
  processesMentioning(text: string): number[];
  /** CPU time (user + system, seconds) a process has used so far, or undefined when this system cannot tell. */
  cpuSeconds(pid: number): number | undefined;
  /**
   * CPU time of a process and of its children: the live ones and, on Linux, those that
   * already ended. Undefined when this system cannot tell.
   */
  treeCpuSeconds(pid: number): number | undefined;
  /** CPU time of the children this process has waited for (e.g. pgbench), or undefined where only Linux can tell. */
  reapedChildrenCpuSeconds(): number | undefined;
  /** Resident memory of a process in bytes, or undefined when this system cannot tell. */
  residentBytes(pid: number): number | undefined;
}

/**
 * What the lab tells about the machine itself. Node.js answers it the same way on every
 * system; it lives here with the rest of what the lab asks the operating system.
 */
import os from 'node:os';

/**
 * The cores the lab's processes may run on: the most CPU time per second all of them
 * together can use. Fewer than the machine has when the lab is held to some of them (taskset,
 * a container's CPU set), as Node.js reads it (os.availableParallelism).
 */
export function machineCores(): number {
  return os.availableParallelism();
}

/** The machine's processors as the operating system counts them (all of them, whatever the lab is held to). */
export function processorCount(): number {
  return os.cpus().length;
}

/** CPU seconds every processor of the machine has spent running anything since it booted: the difference between two readings over their interval is the cores busy. */
export function machineBusySeconds(): number {
  let milliseconds = 0;
  for (const cpu of os.cpus()) milliseconds += cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq;
  return milliseconds / 1000;
}

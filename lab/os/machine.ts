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

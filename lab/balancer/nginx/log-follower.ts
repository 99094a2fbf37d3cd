/**
 * Follows a log file as `tail -f` does: every few hundred milliseconds, the lines written
 * since the last read. Polling, as lab/balancer/file-poll.ts does and for its reason (a watch
 * misses changes on some systems); a file that shrank was started again, and is read from its
 * beginning.
 */
import fs from 'node:fs/promises';

/** Stops following. */
export type StopFollowing = () => void;

/** Calls `onLine` with each whole line added to `file` after `fromByte`, in order. */
export function followLog(file: string, fromByte: number, intervalMs: number, onLine: (line: string) => void): StopFollowing {
  let offset = fromByte;
  let partial = '';
  let reading = false;
  let stopped = false;

  const readNew = async () => {
    const handle = await fs.open(file, 'r');
    try {
      const { size } = await handle.stat();
      if (size < offset) {
        offset = 0;
        partial = '';
      }
      while (offset < size && !stopped) {
        const buffer = Buffer.alloc(Math.min(size - offset, 1 << 20));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
        if (bytesRead === 0) break;
        offset += bytesRead;
        const lines = (partial + buffer.subarray(0, bytesRead).toString('utf8')).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) if (line !== '') onLine(line);
      }
    } finally {
      await handle.close();
    }
  };

  const timer = setInterval(() => {
    if (reading) return;
    reading = true;
    // A file not there yet (nginx opens it as it starts) is read at the next turn.
    readNew()
      .catch(() => undefined)
      .finally(() => (reading = false));
  }, intervalMs);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

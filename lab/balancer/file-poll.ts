/**
 * Notices when a file's content changes, by reading it every few hundred milliseconds.
 * Polling rather than fs.watch: a watch follows the file it started on, and on macOS loses
 * it when the lab renames a new file over the old one; reading a small file is cheap anywhere.
 */
import { readFile } from 'node:fs/promises';

/** Stops the polling. */
export type StopPolling = () => void;

/**
 * Reads `file` every `intervalMs` and calls `onChange` with its text whenever that differs
 * from the last text seen (starting from `initialText`). A file that cannot be read for a
 * moment (between the lab's write and rename) is read again at the next turn.
 */
export function pollFile(file: string, intervalMs: number, initialText: string, onChange: (text: string) => void): StopPolling {
  let lastText = initialText;
  let reading = false;
  let stopped = false;
  const timer = setInterval(() => {
    if (reading) return;
    reading = true;
    readFile(file, 'utf8')
      .then((text) => {
        if (stopped || text === lastText) return;
        lastText = text;
        onChange(text);
      })
      .catch(() => undefined)
      .finally(() => {
        reading = false;
      });
  }, intervalMs);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}

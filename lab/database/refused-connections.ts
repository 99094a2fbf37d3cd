/**
 * Counts connections the server refused because it was full, from the lines PostgreSQL
 * appends to its log. Reads only what was appended since the last call, never the whole file.
 */
import fs from 'node:fs';

/**
 * What PostgreSQL logs when it refuses a connection for lack of room: beyond
 * max_connections, and (for ordinary roles such as the app's) beyond
 * max_connections - superuser_reserved_connections.
 */
const REFUSAL_MESSAGES = ['sorry, too many clients already', 'remaining connection slots are reserved'];

/** Whether an error message is PostgreSQL refusing a connection for lack of room (SQLSTATE 53300). */
export function isConnectionLimitMessage(message: string): boolean {
  return REFUSAL_MESSAGES.some((refusal) => message.includes(refusal));
}

export class RefusedConnectionsLog {
  private offset: number;
  private partialLine = '';
  private refused = 0;

  /** Starts at the end of the file as it is now: refusals from before are not counted. */
  constructor(private readonly file: string) {
    this.offset = fileSize(file) ?? 0;
  }

  /** Refusals logged since this reader was created, after reading what was appended. */
  total(): number {
    const size = fileSize(this.file);
    if (size === undefined) return this.refused;
    if (size < this.offset) {
      // The log was truncated or replaced: start again from its beginning.
      this.offset = 0;
      this.partialLine = '';
    }
    if (size > this.offset) this.readAppended(size);
    return this.refused;
  }

  private readAppended(size: number): void {
    const fd = fs.openSync(this.file, 'r');
    try {
      const chunk = Buffer.alloc(64 * 1024);
      while (this.offset < size) {
        const read = fs.readSync(fd, chunk, 0, Math.min(chunk.length, size - this.offset), this.offset);
        if (read === 0) break;
        this.offset += read;
        const lines = (this.partialLine + chunk.subarray(0, read).toString('utf8')).split('\n');
        // The last piece may be a line PostgreSQL is still writing: keep it for next time.
        this.partialLine = lines.pop() ?? '';
        for (const line of lines) if (REFUSAL_MESSAGES.some((message) => line.includes(message))) this.refused += 1;
      }
    } finally {
      fs.closeSync(fd);
    }
  }
}

function fileSize(file: string): number | undefined {
  try {
    return fs.statSync(file).size;
  } catch {
    return undefined;
  }
}

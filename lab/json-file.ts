/** Small JSON state files under .lab/ (progress, hints, drills): read with a fallback, write whole. */
import fs from 'node:fs';
import path from 'node:path';

/** The file's JSON, or the fallback when it is missing or unreadable. */
export function readJsonFile<T>(file: string, fallback: T): T {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return fallback;
  }
}

/** Writes the whole file through a temporary one, so a reader never sees half of it. `indent` 0 writes it on one line. */
export function writeJsonFile(file: string, value: unknown, indent = 2): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(value, null, indent)}\n`);
  fs.renameSync(temporary, file);
}

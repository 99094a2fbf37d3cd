/**
 * Tells the supervisor when the learner saves a file of the app: one call per save, however
 * many events the save makes (editors write a temporary file and rename it over the old one).
 *
 * chokidar rather than fs.watch: the same events on Linux, macOS and Windows (one "change" per
 * rename-save where fs.watch reports three on Linux), subfolders watched one by one instead of
 * relying on Node 20's young recursive mode on Linux, and Windows' EPERM on deleted folders
 * handled. Version 4 keeps Node 20.6 (later majors need Node 20.19 or 22).
 */
import path from 'node:path';
import { watch } from 'chokidar';

/** Files whose change restarts the app; editors' swap and backup files do not. */
const SOURCE_FILE = /\.(?:[cm]?[jt]s|json)$/;
const DEBOUNCE_MS = 150;

export interface SourceWatcher {
  /** Resolves once the folder is being watched: a save from then on is seen. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/** Calls onSave with the saved file's path relative to the folder, once per burst of changes. */
export function watchSources(folder: string, onSave: (file: string) => void, onError: (message: string) => void): SourceWatcher {
  let timer: NodeJS.Timeout | undefined;
  const watcher = watch(folder, {
    ignoreInitial: true,
    ignored: (file, stats) => Boolean(stats?.isFile()) && !SOURCE_FILE.test(file),
  });
  watcher.on('all', (event, file) => {
    if (event === 'addDir' || event === 'unlinkDir' || !SOURCE_FILE.test(file)) return;
    clearTimeout(timer);
    timer = setTimeout(() => onSave(path.relative(folder, file)), DEBOUNCE_MS);
  });
  let reported = false;
  watcher.on('error', (error) => {
    if (reported) return;
    reported = true;
    onError(`cannot watch ${folder} for saves (${error instanceof Error ? error.message : String(error)}); restart npm start after a change`);
  });
  return {
    ready: new Promise((resolve) => watcher.once('ready', () => resolve())),
    async close() {
      clearTimeout(timer);
      await watcher.close();
    },
  };
}

/**
 * Programs some end-to-end tests need that npm does not install: Debian's chromium (the
 * browser test), prometheus (the Prometheus tests) and nginx (the nginx balancer's tests).
 * On a machine without them those tests are skipped with one line naming what to install; in
 * CI (CI=true, set by .ci/run, which installs them) a missing program fails the test instead,
 * so they always run there.
 */
import fs from 'node:fs';
import { describe } from 'vitest';
import { findNginx } from '../../lab/os/nginx.js';

export interface ExternalProgram {
  name: string;
  path: string;
  /** How to get it, for the one line a skipped test prints. */
  install: string;
}

export const CHROMIUM: ExternalProgram = {
  name: 'chromium',
  path: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
  install: 'apt-get install chromium (Debian), or set CHROMIUM_BIN to a Chromium binary',
};

export const PROMETHEUS: ExternalProgram = {
  name: 'prometheus',
  path: process.env.PROMETHEUS_BIN ?? '/usr/bin/prometheus',
  install: 'apt-get install prometheus (Debian), or set PROMETHEUS_BIN to a Prometheus binary',
};

export const NGINX: ExternalProgram = {
  name: 'nginx',
  // Where the lab itself finds it (the PATH, then /usr/sbin and the like).
  path: findNginx() ?? '/usr/sbin/nginx',
  install: 'apt-get install nginx (Debian), brew install nginx (macOS)',
};

/** The programs of the list that are not on this machine. */
export function missingPrograms(programs: ExternalProgram[]): ExternalProgram[] {
  return programs.filter((program) => !fs.existsSync(program.path));
}

/**
 * `describe`, run when every program is here (or in CI, where a missing one fails), skipped
 * otherwise with one line on the console saying what to install.
 */
export function describeWithPrograms(programs: ExternalProgram[], title: string, body: () => void): void {
  const missing = missingPrograms(programs);
  if (missing.length > 0 && !process.env.CI) {
    console.warn(`skipped "${title}": needs ${missing.map((program) => `${program.name} (${program.install})`).join(' and ')}`);
    describe.skip(title, body);
    return;
  }
  describe(title, body);
}

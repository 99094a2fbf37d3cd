/**
 * The engine reads nothing at import time: each command opens its lab once (lab/lab.ts) and
 * passes it down. So every engine module loads whatever the environment says, and only the
 * modules whose job it is read the environment at all.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../lab/config.js';
import { TSX_IMPORT } from '../../lab/tsx-import.js';

const LAB_DIR = path.join(ROOT_DIR, 'lab');
/** The engine's entries, which run when loaded: lab/cli.ts runs a command, lab/balancer/main.ts the balancer, lab/balancer/nginx/main.ts nginx's sidecar. */
const ENTRIES = ['cli.ts', path.join('balancer', 'main.ts'), path.join('balancer', 'nginx', 'main.ts')];
/** Every engine module but the tests and the entries. */
const modules = fs
  .readdirSync(LAB_DIR, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !ENTRIES.includes(file))
  .map((file) => path.join(LAB_DIR, file));

/**
 * The modules that read the environment, each for one reason: the lab's settings and its
 * scenario (lab.ts, settings.ts, scenario/location.ts), the operating system (os/), what a child
 * process inherits (supervisor/fleet.ts, app-runner.ts), colour on a terminal (loadtest/figures.ts).
 */
const ENVIRONMENT_READERS = ['lab.ts', 'settings.ts', 'scenario/location.ts', 'os/system.ts', 'os/programs.ts', 'supervisor/fleet.ts', 'app-runner.ts', 'loadtest/figures.ts'];

describe('the engine at import time', () => {
  it('loads every module whatever the environment names: no scenario, state folder or setting is read on import', async () => {
    expect(modules.length).toBeGreaterThan(100);
    const script = modules.map((file) => `await import(${JSON.stringify(pathToFileURL(file).href)});`).join('\n');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', TSX_IMPORT, '--input-type=module', '-e', `${script}\nconsole.log('loaded');`], {
      cwd: ROOT_DIR,
      env: { ...process.env, LAB_SCENARIO: 'no-such-scenario', LAB_STATE_DIR: '/no/such/folder', DATABASE_URL: 'not a url', PORT: 'not a port', LAB_LEARNER_DIR: '/no/such/folder' },
      timeout: 60_000,
    });
    expect(stdout.trim()).toBe('loaded');
  });

  it('reads the environment only where that is the module\'s job', () => {
    const readers = modules.filter((file) => fs.readFileSync(file, 'utf8').includes('process.env')).map((file) => path.relative(LAB_DIR, file).split(path.sep).join('/'));
    expect(readers.sort()).toEqual([...ENVIRONMENT_READERS].sort());
  });
});

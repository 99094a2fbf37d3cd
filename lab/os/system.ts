/**
 * The one seam between the lab and the operating system's process facts. Linux uses /proc;
 * every other system (macOS, Windows) the portable implementation. LAB_OS=portable forces the
 * portable one on Linux too: the tests run the learner's commands that way, as macOS and
 * Windows run them. This is the only place that reads LAB_OS or checks the platform.
 */
import { LabError } from '../errors.js';
import { linuxProcessFacts } from './linux-procfs.js';
import { portableProcessFacts } from './portable.js';
import type { ProcessFacts } from './process-facts.js';

/** The environment variable that forces the portable implementation. */
export const OS_SEAM_VARIABLE = 'LAB_OS';

/** True on Windows, where there are no POSIX signals, no `ps`, and programs end in .exe. */
export function isWindows(platform: NodeJS.Platform = process.platform): boolean {
  return platform === 'win32';
}

/** The implementation for this environment and platform; a LAB_OS other than "portable" gets one line. */
export function chooseProcessFacts(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): ProcessFacts {
  const forced = env[OS_SEAM_VARIABLE]?.trim();
  if (forced && forced !== 'portable') {
    throw new LabError('BAD_SETTING', `${OS_SEAM_VARIABLE}=${forced} is not known; set ${OS_SEAM_VARIABLE}=portable (what macOS and Windows use) or leave it unset.`);
  }
  if (!forced && platform === 'linux') return linuxProcessFacts;
  return portableProcessFacts(isWindows(platform));
}

/** Whether the lab may use what only Linux has (/proc, taskset): on Linux, unless LAB_OS=portable. */
export function linuxFacilities(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): boolean {
  return platform === 'linux' && env[OS_SEAM_VARIABLE]?.trim() !== 'portable';
}

let chosen: ProcessFacts | undefined;

/** The process facts of this system, chosen once from process.env. */
export function processFacts(): ProcessFacts {
  chosen ??= chooseProcessFacts();
  return chosen;
}

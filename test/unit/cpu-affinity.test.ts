/**
 * Where the noisy-neighbour drill can hold a process to one core (lab/os/cpu-affinity.ts): on
 * Linux with taskset; on macOS, on Windows and on Linux forced to the portable path (LAB_OS),
 * one line that says why not and where it works.
 */
import { describe, expect, it } from 'vitest';
import { cpuAffinity } from '../../lab/os/cpu-affinity.js';
import { linuxFacilities } from '../../lab/os/system.js';
import { LabError } from '../../lab/errors.js';

function refusal(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): LabError {
  try {
    cpuAffinity(linuxFacilities(env, platform), platform);
  } catch (error) {
    return error as LabError;
  }
  throw new Error('expected a refusal');
}

describe('holding a process to one core', () => {
  it('is refused on macOS and Windows with a line that names the system and where it works', () => {
    expect(refusal({}, 'darwin')).toMatchObject({ code: 'NOT_ON_THIS_SYSTEM', message: expect.stringMatching(/^macOS gives the lab no way to hold a process to one core.*on Linux \(the scenario's dev container is Linux\) it works$/) });
    expect(refusal({}, 'win32').message).toMatch(/^Windows gives the lab no way/);
  });

  it('takes the portable path on Linux when LAB_OS=portable, as the other facts do', () => {
    expect(refusal({ LAB_OS: 'portable' }, 'linux').message).toMatch(/^macOS gives the lab no way/);
  });

  it('uses taskset on Linux', () => {
    expect(cpuAffinity(linuxFacilities({}, 'linux'), 'linux')).toMatchObject({ pinToCore: expect.any(Function), startBurner: expect.any(Function) });
  });
});

/** Which scenario a command works on when nothing names it: the one whose lab runs, wherever its state folder is. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveScenarioFolder, scenarioFolders } from '../../lab/scenario/location.js';

const [first, second] = scenarioFolders();
const outside = os.tmpdir();

describe('resolveScenarioFolder with LAB_STATE_DIR', () => {
  const made: string[] = [];
  const stateDir = (state: object) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-location-'));
    made.push(dir);
    fs.writeFileSync(path.join(dir, 'lab.json'), JSON.stringify(state));
    return dir;
  };
  afterEach(() => {
    for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('takes the scenario the running lab in that folder names', () => {
    const dir = stateDir({ supervisorPid: process.pid, scenarioFolder: second });
    expect(resolveScenarioFolder({ LAB_STATE_DIR: dir }, outside)).toBe(second);
  });

  it('ignores a lab whose supervisor is gone, and falls back to the first scenario', () => {
    const dir = stateDir({ supervisorPid: 2 ** 22 + 1, scenarioFolder: second });
    expect(resolveScenarioFolder({ LAB_STATE_DIR: dir }, outside)).toBe(first);
  });

  it('ignores a state file that names no scenario folder', () => {
    const dir = stateDir({ supervisorPid: process.pid, scenarioFolder: outside });
    expect(resolveScenarioFolder({ LAB_STATE_DIR: dir }, outside)).toBe(first);
  });

  it('still lets LAB_SCENARIO and the current folder decide first', () => {
    const dir = stateDir({ supervisorPid: process.pid, scenarioFolder: second });
    expect(resolveScenarioFolder({ LAB_STATE_DIR: dir, LAB_SCENARIO: '1' }, outside)).toBe(first);
    expect(resolveScenarioFolder({ LAB_STATE_DIR: dir }, path.join(first!, 'src'))).toBe(first);
  });
});

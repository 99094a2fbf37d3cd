/** The load test's rate for this machine: measured once on the first start, kept, and read by every command. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LabError } from '../../lab/errors.js';
import { loadDefinition, openLab, type Lab } from '../../lab/lab.js';
import { applyCalibratedRate, readRateCalibration } from '../../lab/load-rate.js';
import { calibrateRateIfNeeded, rateFor } from '../../lab/rate-calibration.js';
import type { ScenarioDefinition } from '../../lab/scenario/definition.js';
import { folderOf } from '../../lab/scenario/location.js';
import { lab as projectLab, scenario } from '../helpers/project-lab.js';

const calibrated: ScenarioDefinition = { ...scenario, loadTest: { ...scenario.loadTest, ratePerSecond: 50, rateCalibration: { overload: 1.3 } } };
const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) fs.rmSync(folder, { recursive: true, force: true });
});

/** A lab of the calibrated definition whose state lives in a new folder. */
function labInNewFolder(definition: ScenarioDefinition = calibrated): Lab {
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-rate-'));
  folders.push(state);
  return { ...projectLab, scenario: definition, paths: { ...projectLab.paths, state, loadRate: path.join(state, 'load-rate.json') } };
}

describe('rateFor', () => {
  it('is overload × what one core answers', () => {
    expect(rateFor(4, 1.3)).toBe(325); // 1,000 ms ÷ 4 ms = 250 a second on one core
    expect(rateFor(40, 1.3)).toBe(33);
  });

  it('refuses a cost that sets no rate', () => {
    for (const cost of [0, -1, Number.NaN]) expect(() => rateFor(cost, 1.3)).toThrow(LabError);
  });
});

describe('calibrateRateIfNeeded', () => {
  it('measures once, keeps the rate, and every lab opened afterwards sends it', async () => {
    const lab = labInNewFolder();
    const lines: string[] = [];
    let measured = 0;
    const measure = async () => {
      measured += 1;
      return 5;
    };
    const first = await calibrateRateIfNeeded(lab, 'unused', (line) => lines.push(line), measure);
    expect(first?.ratePerSecond).toBe(260);
    expect(lines[1]).toContain('one core answers about 200 requests/s, so the load test sends 260 requests/s (1.3× that)');
    expect(readRateCalibration(lab.paths.loadRate)?.ratePerSecond).toBe(260);

    // The next start keeps it.
    expect(await calibrateRateIfNeeded(lab, 'unused', () => undefined, measure)).toBeUndefined();
    expect(measured).toBe(1);
  });

  it('does nothing for a scenario without a rate calibration', async () => {
    const lab = labInNewFolder(scenario);
    expect(await calibrateRateIfNeeded(lab, 'unused', () => undefined, async () => 5)).toBeUndefined();
    expect(fs.existsSync(lab.paths.loadRate)).toBe(false);
  });

  it('measures again when the kept file is not one it wrote', async () => {
    const lab = labInNewFolder();
    fs.writeFileSync(lab.paths.loadRate, '{"ratePerSecond": "fast"}');
    expect(readRateCalibration(lab.paths.loadRate)).toBeUndefined();
    expect((await calibrateRateIfNeeded(lab, 'unused', () => undefined, async () => 10))?.ratePerSecond).toBe(130);
  });
});

describe('applyCalibratedRate', () => {
  it('sets the kept rate on a scenario that asks for one, and on no other', () => {
    const asks: ScenarioDefinition = { ...scenario, loadTest: { ...scenario.loadTest, ratePerSecond: 50, rateCalibration: { overload: 1.3 } } };
    applyCalibratedRate(asks, undefined);
    expect(asks.loadTest.ratePerSecond).toBe(50);
    const kept = { ratePerSecond: 321, cpuMillisecondsPerRequest: 4, measuredAt: new Date().toISOString() };
    applyCalibratedRate(asks, kept);
    expect(asks.loadTest.ratePerSecond).toBe(321);
    const doesNotAsk: ScenarioDefinition = { ...scenario, loadTest: { ...scenario.loadTest } };
    applyCalibratedRate(doesNotAsk, kept);
    expect(doesNotAsk.loadTest.ratePerSecond).toBe(scenario.loadTest.ratePerSecond);
  });
});

describe('openLab', () => {
  it('gives Scenario 4 the kept rate, in the definition its steps import too', async () => {
    const state = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-rate-'));
    folders.push(state);
    fs.writeFileSync(path.join(state, 'load-rate.json'), JSON.stringify({ ratePerSecond: 321, cpuMillisecondsPerRequest: 4, measuredAt: new Date().toISOString() }));
    const folder = folderOf('4');
    const lab = await openLab({ folder, env: { ...process.env, LAB_STATE_DIR: state } });
    expect(lab.scenario.loadTest.ratePerSecond).toBe(321);
    expect((await loadDefinition(folder)).loadTest.ratePerSecond).toBe(321);
  });
});

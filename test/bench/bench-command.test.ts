/**
 * `npm run bench -- --scenario 2 --quick`: the benchmark of a scenario other than the current
 * one, from its definition alone: its states in order, each route of its mix, its own folder.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { resultsDir } from '../../bench/bench.js';
import type { BenchResult } from '../../bench/report.js';
import { ROOT_DIR } from '../../lab/config.js';
import { folderOf } from '../../lab/scenario/location.js';
import { loadDefinition } from '../../lab/lab.js';

const run = promisify(execFile);
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-command-'));

describe('npm run bench -- --scenario 2 --quick', () => {
  afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

  it("writes a scenario's results to its own folder by default", () => {
    expect(resultsDir(folderOf('2'))).toBe(path.join(ROOT_DIR, 'bench', 'results', '02-indexes-slow-queries'));
  });

  it('measures one row per state of the definition, with each route of the mix in each', async () => {
    const definition = await loadDefinition(folderOf('2'));
    // The project's own LAB_SCENARIO must not win over --scenario.
    await run(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--scenario', '2', '--quick', '--out', out], { cwd: ROOT_DIR, env: { ...process.env, LAB_SCENARIO: '1' }, timeout: 280_000 });
    const result = JSON.parse(fs.readFileSync(path.join(out, 'latest.json'), 'utf8')) as BenchResult;
    expect(result.scenario).toBe('02-indexes-slow-queries');
    expect(result.quick).toBe(true);
    expect(result.p99GoalMs).toBe(definition.loadTest.p99GoalMs);
    expect(result.unit).toBe(definition.dataset.unit);
    expect(result.states.runs.map((state) => state.name)).toEqual(definition.bench!.states.map((state) => state.name));
    const routeNames = definition.loadTest.mix!.map((route) => route.name);
    for (const state of result.states.runs) expect(state.summary.routes!.map((route) => route.name).sort()).toEqual([...routeNames].sort());
    const markdown = fs.readFileSync(path.join(out, 'latest.md'), 'utf8');
    for (const state of definition.bench!.states) expect(markdown).toContain(`| ${state.name} | ${routeNames[0]} |`);
    expect(result.scaling.length).toBe(2);
  }, 300_000);
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { markCheckLoad } from '../check/load-marks.js';
import { writeInProgress } from '../runs/run-store.js';
import { runMarkers } from './run-markers.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'run-markers-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const markers = () => runMarkers(0, dir, path.join(dir, 'in-progress.json'), path.join(dir, 'check-loads.json'));

describe('runMarkers', () => {
  it('labels a load test under way as running, not by its user count alone', () => {
    const run = { id: 'r1', pid: process.pid, startedAt: new Date().toISOString(), users: 200, durationSeconds: 30, route: '/feed' };
    writeInProgress(run, path.join(dir, 'in-progress.json'));
    expect(markers()).toEqual([expect.objectContaining({ kind: 'loadtest', label: 'load test running: 200 users on /feed', end: null })]);
    writeInProgress({ ...run, label: 'database drill' }, path.join(dir, 'in-progress.json'));
    expect(markers()[0]?.label).toBe('database drill (running)');
  });

  it('marks the load `npm run check` sends, while it runs and after', async () => {
    const file = path.join(dir, 'check-loads.json');
    const during = await markCheckLoad('npm run check: fix 1', async () => markers(), file);
    expect(during).toEqual([expect.objectContaining({ kind: 'check', label: 'npm run check: fix 1', end: null })]);
    expect(markers()).toEqual([expect.objectContaining({ kind: 'check', end: expect.any(Number) })]);
  });

  it('ignores a check mark left open by a process that is gone', () => {
    fs.writeFileSync(path.join(dir, 'check-loads.json'), JSON.stringify([{ label: 'npm run check: goal', pid: 2 ** 22 + 12_345, start: 1, end: null }]));
    expect(markers()).toEqual([]);
  });
});

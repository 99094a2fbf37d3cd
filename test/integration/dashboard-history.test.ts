/**
 * The dashboard keeps its history when the lab restarts (as the scenario's drill 2 asks the
 * learner to do): a lab server stopped and started again with the same history file serves
 * the points of the first one, followed by its own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../lab/net/free-port.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { startTestLabServer } from '../helpers/lab-server.js';

interface DashboardData {
  times: number[];
  values: Array<Array<number | null>>;
}

describe('the dashboard history across a restart of the lab', () => {
  let database: TestDatabase;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-history-'));
  const historyFile = path.join(dir, 'dashboard-history.json');

  beforeAll(async () => {
    database = await createTestDatabase('history');
  });
  afterAll(async () => {
    await database?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const dashboard = async (url: string) => (await (await fetch(`${url}/api/dashboard`)).json()) as DashboardData;

  it('serves the points recorded before the restart', async () => {
    // No app listens on this port: the app's panels are gaps, the database's are not.
    const appPort = await freePort();
    const first = await startTestLabServer(database, appPort, { historyFile });
    let before: DashboardData;
    try {
      const deadline = Date.now() + 20_000;
      do {
        await new Promise((resolve) => setTimeout(resolve, 250));
        before = await dashboard(first.url);
      } while (before.times.length < 3 && Date.now() < deadline);
      expect(before.times.length).toBeGreaterThanOrEqual(3);
    } finally {
      await first.close();
    }
    expect(fs.existsSync(historyFile)).toBe(true);

    const second = await startTestLabServer(database, appPort, { historyFile });
    try {
      const after = await dashboard(second.url);
      // Everything the first server recorded (it saved once more when it stopped) comes first.
      expect(after.times.slice(0, before!.times.length)).toEqual(before!.times);
      const withValues = after.values.filter((series) => series.slice(0, before!.times.length).some((value) => value !== null));
      expect(withValues.length).toBeGreaterThan(0);
    } finally {
      await second.close();
    }
  });
});

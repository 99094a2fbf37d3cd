/** What the drills print names the scenario's page and app file, never Scenario 1's by habit. */
import { describe, expect, it } from 'vitest';
import { describeAppDrill } from '../../lab/chaos/app-drill.js';
import { describeDatabaseDrill, type DatabaseDrillResult } from '../../lab/chaos/database-drill.js';

const stoppedAt = Date.parse('2025-01-01T10:00:00Z');

describe('the database drill report', () => {
  const result = (route: string): DatabaseDrillResult => ({
    route,
    timing: { mode: 'embedded', stoppedAt, restartedAt: stoppedAt + 5_000, postgresPid: 4242 },
    record: { finishedAt: '', appPid: 7, databaseDownSeconds: 5, appServedAgain: false, recoverySeconds: null, appCrashed: false },
    firstFailureAt: stoppedAt + 100,
    servedAgainAt: stoppedAt + 6_100,
  });

  it('says which page it probed and how long it failed', () => {
    const report = describeDatabaseDrill(result('/orders/mine'));
    expect(report).toContain('Seen from outside (GET /orders/mine every 100 ms):');
    expect(report).toContain('✘ /orders/mine failed from 10:00:00.10, for 6.0 s');
    expect(report).toMatch(/nothing the app does can serve \/orders\/mine\.$/);
    expect(report).not.toMatch(/feed/);
  });
});

describe('the app drill report', () => {
  it('tells the learner to save the scenario\'s own app file', () => {
    const report = describeAppDrill({ killedPid: 7, killedAt: stoppedAt, downAt: stoppedAt + 50, watchSeconds: 5 }, 'src/shop.ts');
    expect(report).toContain('Bring it back by saving src/shop.ts,');
    expect(report).not.toContain('src/server.ts');
  });
});

/**
 * pg_stat_statements for a scenario that asks for it (`database.statements`), on a real
 * embedded server: the library ships with the embedded binaries and is preloaded, the lab
 * creates the extension, the app's role may reset it, and the exporter passes on the app's
 * statements ranked by time — not the lab's own. A server without the library is refused
 * with PostgreSQL's own reason.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enableStatementStatistics, oneLine, statementTotals } from '../../lab/database/pg-stat-statements.js';
import { LabExporter } from '../../lab/exporter/lab-exporter.js';
import { parsePrometheusText } from '../../lab/metrics/prometheus-text.js';
import { startScratchDatabase, type ScratchDatabase } from '../../harness/scratch-database.js';
import { readSettings } from '../../lab/settings.js';
import { bringUpDatabase } from '../../lab/supervisor/database.js';
import { createTestDatabase, sql } from '../helpers/database.js';
import { waitFor } from '../helpers/wait.js';
import { APP_ROLE, lab, scenario } from '../helpers/project-lab.js';

const SLOW = 'SELECT count(*) FROM posts WHERE content LIKE $1';
const FAST = 'SELECT username FROM users WHERE id = $1';

describe('pg_stat_statements, for a scenario that asks for it', () => {
  let database: ScratchDatabase;
  let admin: pg.Client;
  beforeAll(async () => {
    database = await startScratchDatabase(scenario, lab.paths.schema, 'lab-statements', { statements: true });
    admin = new pg.Client({ connectionString: database.adminUrl });
    await admin.connect();
  }, 120_000);
  afterAll(async () => {
    await admin?.end();
    await database?.stop();
  });

  it('preloads the library, creates the extension in the app\'s database, and lets the app\'s role reset it', async () => {
    const [setting] = await sql<{ libraries: string }>(database.adminUrl, "SELECT current_setting('shared_preload_libraries') AS libraries");
    expect(setting?.libraries).toBe('pg_stat_statements');
    const installed = await sql(database.adminUrl, "SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'");
    expect(installed).toHaveLength(1);
    await sql(database.appUrl, 'SELECT pg_stat_statements_reset()');
    // Running it again is harmless (every start does).
    await enableStatementStatistics(database.adminUrl, APP_ROLE);
  });

  it('ranks the app role\'s statements by total time, leaving out the lab\'s own', async () => {
    await sql(database.appUrl, 'SELECT pg_stat_statements_reset()');
    for (let i = 0; i < 3; i += 1) await sql(database.appUrl, SLOW, [`%nothing ${i}%`]);
    for (let i = 1; i <= 20; i += 1) await sql(database.appUrl, FAST, [i]);
    // The superuser's queries are the lab's (statistics, checks): not the app's.
    await admin.query(SLOW, ['%the lab%']);
    const totals = await statementTotals(admin, APP_ROLE, 50);
    expect(totals[0]).toMatchObject({ query: SLOW, calls: 3 });
    expect(totals.find((statement) => statement.query === FAST)).toMatchObject({ calls: 20 });
    expect(totals[0]!.seconds).toBeGreaterThan(totals.find((statement) => statement.query === FAST)!.seconds);
    expect(totals.filter((statement) => statement.query === SLOW)).toHaveLength(1);
  });

  it('the exporter counts each statement\'s time and calls as they grow, and through a reset', async () => {
    const exporter = new LabExporter({
      adminUrl: database.adminUrl,
      tables: scenario.database.tables,
      statementsOfRole: APP_ROLE,
      appHealthUrl: 'http://127.0.0.1:9/health',
      inProgressRunFile: '/nonexistent/in-progress.json',
      checkLoadsFile: '/nonexistent/check-loads.json',
    });
    const scrape = async () => {
      await exporter.collect();
      return parsePrometheusText(await exporter.metrics());
    };
    const calls = (samples: Array<{ name: string; labels: Record<string, string>; value: number }>, query: string) =>
      samples.find((sample) => sample.name === 'lab_statement_calls_total' && sample.labels.query === query)?.value ?? 0;
    try {
      await scrape();
      await sql(database.appUrl, 'SELECT pg_stat_statements_reset()');
      for (let i = 0; i < 4; i += 1) await sql(database.appUrl, SLOW, [`%again ${i}%`]);
      const afterReset = await waitFor(scrape, (samples) => calls(samples, SLOW) >= 4);
      // Counted from the reset on: the 4 calls since, not the total from before.
      expect(calls(afterReset, SLOW)).toBe(4);
      // A statement first seen after the first reading counts whole.
      await sql(database.appUrl, 'SELECT count(*) FROM users WHERE username LIKE $1', ['%new%']);
      const later = await scrape();
      expect(calls(later, 'SELECT count(*) FROM users WHERE username LIKE $1')).toBe(1);
      const seconds = later.find((sample) => sample.name === 'lab_statement_seconds_total' && sample.labels.query === SLOW)?.value ?? 0;
      expect(seconds).toBeGreaterThan(0);
    } finally {
      await exporter.close();
    }
  });
});

describe('pg_stat_statements, on a server that did not preload it', () => {
  it('is refused with PostgreSQL\'s reason', async () => {
    const database = await createTestDatabase('no_statements');
    try {
      await expect(enableStatementStatistics(database.adminUrl, APP_ROLE)).rejects.toThrow(/shared_preload_libraries/);
    } finally {
      await database.drop();
    }
  });

  it('on a DATABASE_URL server, the lab says so in one line and starts without it', async () => {
    const database = await createTestDatabase('external_statements');
    const lines: string[] = [];
    try {
      const external = { ...lab, scenario: { ...scenario, database: { ...scenario.database, statements: true } }, settings: readSettings({ DATABASE_URL: database.adminUrl }) };
      const brought = await bringUpDatabase(external, (line) => lines.push(line));
      expect(brought.mode).toBe('external');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^pg_stat_statements is not available on the DATABASE_URL server \(.*shared_preload_libraries.*\), so the top-queries panel stays empty\. To have it, add shared_preload_libraries = 'pg_stat_statements'/);
    } finally {
      await database.drop();
    }
  });
});

describe('oneLine', () => {
  it('puts a statement on one line and cuts a long one', () => {
    expect(oneLine('SELECT *\n     FROM posts\n  WHERE id = $1')).toBe('SELECT * FROM posts WHERE id = $1');
    const long = oneLine(`SELECT ${'a, '.repeat(200)}b FROM t`);
    expect(long).toHaveLength(160);
    expect(long.endsWith('…')).toBe(true);
  });
});

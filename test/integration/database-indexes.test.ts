/**
 * The engine's catalog reader (lab/database/indexes.ts) on a real PostgreSQL, on a table made up
 * for the test: key columns in order, partial predicates, indexes an interrupted build left
 * invalid, sizes as pg_size_pretty writes them, and how often each index was used.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { indexesOn, indexUse } from '../../lab/database/indexes.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { waitFor } from '../helpers/wait.js';

let database: TestDatabase;
let client: pg.Client;

beforeAll(async () => {
  database = await createTestDatabase('indexes', { empty: true });
  client = new pg.Client({ connectionString: database.adminUrl });
  await client.connect();
  await client.query(`CREATE TABLE tickets (id integer PRIMARY KEY, queue text NOT NULL, opened_at timestamptz NOT NULL, code text NOT NULL);
    INSERT INTO tickets SELECT i, CASE WHEN i % 100 = 0 THEN 'urgent' ELSE 'normal' END, now() - i * interval '1 minute', 'T' || (i % 50)
      FROM generate_series(1, 5000) AS i;
    CREATE INDEX tickets_queue_opened_at_idx ON tickets (queue, opened_at);
    CREATE INDEX tickets_urgent_idx ON tickets (opened_at) WHERE queue = 'urgent';
    CREATE INDEX tickets_lower_code_idx ON tickets (lower(code));
    ANALYZE tickets`);
  // A unique index over duplicate codes fails half-way: CONCURRENTLY leaves it behind, invalid.
  await client.query('CREATE UNIQUE INDEX CONCURRENTLY tickets_code_key_attempt ON tickets (code)').catch(() => undefined);
});
afterAll(async () => {
  await client?.end();
  await database?.drop();
});

describe('indexesOn', () => {
  it('reads each index: its columns in order, the constraint it backs, whether it is complete and whom it holds, and its size', async () => {
    const indexes = await indexesOn(client, ['tickets']);
    const byName = Object.fromEntries(indexes.map((index) => [index.name, index]));
    expect(Object.keys(byName).sort()).toEqual(['tickets_code_key_attempt', 'tickets_lower_code_idx', 'tickets_pkey', 'tickets_queue_opened_at_idx', 'tickets_urgent_idx']);
    expect(byName.tickets_pkey).toMatchObject({ columns: ['id'], backsConstraint: true, valid: true, predicate: null, usable: true });
    expect(byName.tickets_queue_opened_at_idx).toMatchObject({ columns: ['queue', 'opened_at'], backsConstraint: false, usable: true });
    expect(byName.tickets_urgent_idx).toMatchObject({ columns: ['opened_at'], valid: true, predicate: "(queue = 'urgent'::text)", usable: false });
    expect(byName.tickets_lower_code_idx).toMatchObject({ columns: ['(expression)'] });
    expect(byName.tickets_code_key_attempt).toMatchObject({ columns: ['code'], valid: false, usable: false });
    for (const index of indexes) expect(index.size, index.name).toMatch(/^\d+ (bytes|kB|MB)$/);
  });
});

describe('indexUse', () => {
  it('counts the scans of an index, and the entries they read, once PostgreSQL has recorded them', async () => {
    const before = (await indexUse(client, ['tickets'])).get('tickets_urgent_idx')!;
    const reader = new pg.Client({ connectionString: database.adminUrl });
    await reader.connect();
    await reader.query("SET enable_seqscan = off; SELECT id FROM tickets WHERE queue = 'urgent' ORDER BY opened_at LIMIT 5");
    // A session reports its counts when it ends: this one's are in once it has.
    await reader.end();
    const after = await waitFor(async () => (await indexUse(client, ['tickets'])).get('tickets_urgent_idx')!, (use) => use.scans > before.scans);
    expect(after.scans).toBe(before.scans + 1);
    expect(after.entriesRead - before.entriesRead).toBeGreaterThanOrEqual(5);
  });
});

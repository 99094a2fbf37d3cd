/**
 * The most connections a role holds while some work runs and one table is stalled midway: a
 * check of a connection budget. A lock on the table (as a migration takes) makes the work's
 * statements wait, so every pool grows to its limit, as pools do when the database slows down:
 * a pool that may open more than its share shows it then, not on a good day.
 *
 * Everything runs on the check's one admin connection (the sampler and the lock share it): a
 * connection more would take one of the app's.
 */
import type pg from 'pg';

export interface StallPlan {
  /** The role whose connections are counted (the app's). */
  role: string;
  /** The table locked against writes (LOCK … IN EXCLUSIVE MODE: reads go on). */
  table: string;
  /** From the start of the work to the lock. */
  stallAfterMs: number;
  /** How long the lock is held. */
  stallMs: number;
  /** How often the connections are counted. */
  sampleEveryMs: number;
}

type Admin = Pick<pg.Client, 'query'>;

/** Runs `work` while counting `plan.role`'s connections and stalling `plan.table`; returns its result and the peak. */
export async function peakConnectionsUnderStall<T>(admin: Admin, plan: StallPlan, work: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, await connectionsOf(admin, plan.role));
      await pause(plan.sampleEveryMs);
    }
  })();
  const stall = stallWrites(admin, plan);
  try {
    const result = await work();
    await stall;
    return { result, peak };
  } finally {
    sampling = false;
    await sampler;
    // The lock is always let go, even when the work failed first.
    await stall.catch(() => undefined);
  }
}

async function connectionsOf(admin: Admin, role: string): Promise<number> {
  // A backend still starting (or being refused) has no state yet: only connections the role got
  // count. Inside the stall's transaction the statistics stay as first read unless cleared.
  await admin.query('SELECT pg_stat_clear_snapshot()');
  const result = await admin.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE usename = $1 AND state IS NOT NULL', [role]);
  return Number(result.rows[0]?.n ?? 0);
}

async function stallWrites(admin: Admin, plan: StallPlan): Promise<void> {
  await pause(plan.stallAfterMs);
  await admin.query('BEGIN');
  try {
    await admin.query(`LOCK TABLE ${quoteIdentifier(plan.table)} IN EXCLUSIVE MODE`);
    await pause(plan.stallMs);
  } finally {
    await admin.query('COMMIT');
  }
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

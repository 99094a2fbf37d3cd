/**
 * What Scenario 4 makes of a load-test run (its definition's loadTest.runs): whether one
 * instance served it, and the run's name from that. The engine loads it when a load test starts.
 *
 * Each instance's connections carry its name as their application_name ("app-2"), so the
 * database tells how many instances were serving: at the end of a run every running instance
 * has connections open.
 */
import type { LabSnapshot, RunRecord, ScenarioRuns } from '../../../lab/sdk.js';

/** At most one instance of the app has connections open (true at the run's start and end: one instance served it). */
async function oneInstance(client: Parameters<NonNullable<ScenarioRuns['facts']>[string]>[0]): Promise<boolean> {
  const result = await client.query<{ n: string }>("SELECT count(DISTINCT application_name) AS n FROM pg_stat_activity WHERE application_name LIKE 'app-%'");
  return Number(result.rows[0]?.n ?? 0) <= 1;
}

/** A run one instance served (the shipped count): the one the first step asks for. */
export function ranOnOneInstance(run: RunRecord): boolean {
  return run.snapshot.oneInstance === true;
}

function label(snapshot: LabSnapshot): string | null {
  if (snapshot.oneInstance === true) return '1 instance';
  if (snapshot.oneInstance === false) return 'several instances';
  return null;
}

const runs: ScenarioRuns = { facts: { oneInstance }, label };

export default runs;

/**
 * The states the benchmark compares, from the scenario's definition (its `bench.states`), and
 * how one is put in place: drop the learner's indexes as `npm run reset` does, then run its SQL.
 */
import pg from 'pg';
import fs from 'node:fs';
import { writePristineScenario } from '../../lab/app-runner.js';
import { scenarioFile, type Lab } from '../../lab/lab.js';
import { dropLearnerIndexes } from '../../lab/reset/scenario-state.js';
import type { BenchState } from '../../lab/scenario/definition.js';

/** The definition's states; without them, the shipped app against the solved one. */
export function benchStates(lab: Lab): BenchState[] {
  const { scenario } = lab;
  if (scenario.bench) return scenario.bench.states;
  return [
    { name: 'as shipped', server: 'shipped' },
    { name: 'solved', server: 'solution', sql: fs.readFileSync(scenarioFile(lab, scenario.files.solutionSql), 'utf8') },
  ];
}

/** The last state: everything the walkthrough fixes. */
export function solvedState(lab: Lab): BenchState {
  return benchStates(lab).at(-1)!;
}

/** The server file a state runs. */
export function serverOf(lab: Lab, state: BenchState): string {
  const { brokenServer, fixedServer } = writePristineScenario(lab);
  return state.server === 'shipped' ? brokenServer : fixedServer;
}

/** Puts the database in the state's shape: no learner index, then its SQL, then fresh statistics. */
export async function applyStateSql(lab: Lab, appDatabaseUrl: string, state: Pick<BenchState, 'sql'>): Promise<void> {
  await dropLearnerIndexes(appDatabaseUrl, lab.scenario.database.tables);
  if (state.sql === undefined) return;
  const client = new pg.Client({ connectionString: appDatabaseUrl });
  await client.connect();
  try {
    await client.query(state.sql);
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}

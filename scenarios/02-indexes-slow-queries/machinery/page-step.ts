/**
 * A step that judges one read page from the database alone (its plans and the catalog): required,
 * needs only the database, observed with the lab's admin connection, then judged on the facts.
 */
import type pg from 'pg';
import type { ScenarioStep, StepVerdict } from '../../../lab/sdk.js';
import { HINTS } from './hints.js';

export function pageStep<Observation>(
  id: keyof typeof HINTS,
  title: string,
  observe: (admin: Pick<pg.Client, 'query'>) => Promise<Observation>,
  judge: (observation: Observation) => StepVerdict,
): ScenarioStep {
  return { id, title, required: true, hints: HINTS[id], needs: ['database'], check: async ({ admin }) => judge(await observe(admin)) };
}

/** How big and how long the benchmark's loads are: sizes from the scenario's definition, durations from the bench's own budget. */
import type { ScenarioDefinition } from '../lab/scenario/definition.js';

export interface Plan {
  /** Users of every load: the learner's load test's (fewer in a quick run). */
  users: number;
  stateSeconds: number;
  ceilingSeconds: number;
  warmupSeconds: number;
  overheadRounds: number;
  /** Sizes of the dataset's unit for the growth section. */
  scalingSizes: number[];
}

const QUICK_USERS = 50;
/** Quick runs seed small datasets: fast, yet never below the option's own minimum. */
const QUICK_SMALLEST = 2_000;

export function planFor(definition: Pick<ScenarioDefinition, 'loadTest' | 'dataset'>, quick: boolean): Plan {
  const option = definition.dataset.options[definition.dataset.unit]!;
  if (quick) {
    const smallest = Math.max(option.min, QUICK_SMALLEST);
    return {
      users: Math.min(QUICK_USERS, definition.loadTest.users),
      stateSeconds: 2,
      ceilingSeconds: 2,
      warmupSeconds: 1,
      overheadRounds: 1,
      scalingSizes: [smallest, Math.round(smallest * 2.5)],
    };
  }
  // The default dataset, then 3× and 10× it: how the hottest query grows past what the lab seeds.
  const scalingSizes = [1, 3, 10].map((factor) => Math.min(option.default * factor, option.max));
  return { users: definition.loadTest.users, stateSeconds: 20, ceilingSeconds: 10, warmupSeconds: 3, overheadRounds: 3, scalingSizes };
}

/**
 * What a scenario makes of a load-test run (its definition's `loadTest.runs`), loaded when a
 * command needs it: the module may import the engine's code.
 */
import type { ScenarioDefinition, ScenarioRuns } from '../scenario/definition.js';

/** The scenario's facts, labeller and advice; an empty object (numbered runs, general advice) when it has none. */
export async function scenarioRuns(scenario: ScenarioDefinition): Promise<ScenarioRuns> {
  return scenario.loadTest.runs ? (await scenario.loadTest.runs()).default : {};
}

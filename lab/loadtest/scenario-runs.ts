/**
 * What the current scenario makes of a load-test run (its definition's `loadTest.runs`),
 * loaded once, on first use: the scenario's module may import the engine's code, which the
 * definition itself must not.
 */
import { scenario } from '../scenario/current.js';
import type { ScenarioRuns } from '../scenario/definition.js';

let loading: Promise<ScenarioRuns> | undefined;

/** The scenario's facts, labeller and advice; an empty object (numbered runs, general advice) when it has none. */
export function scenarioRuns(): Promise<ScenarioRuns> {
  loading ??= scenario.loadTest.runs ? scenario.loadTest.runs().then((module) => module.default) : Promise.resolve({});
  return loading;
}

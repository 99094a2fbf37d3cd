/** Scenario 2's reading of its load-test runs (see docs/adding-a-scenario.md, "What a run means"). */
import type { ScenarioRuns } from '../../../lab/scenario/definition.js';

const runs: ScenarioRuns = {};

export default runs;

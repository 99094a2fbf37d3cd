/**
 * The one entry a scenario's machinery (scenarios/<nn>-<name>/machinery/) takes the engine's
 * code from: its steps, run advice, hints and queries import from here, never from the engine's
 * own modules, so the engine may move its insides without touching a scenario.
 * docs/adding-a-scenario.md says what each part is for. The definition (machinery/scenario.ts)
 * may import from here too: no engine module loads it at import time (lab/lab.ts opens it).
 */
export { burst, burstEach, describeTally } from './check/http-load.js';
export type { BurstTally } from './check/http-load.js';
export { accessesTo, describeAccess, explain, explainAnalyze, pagesTouched, readsOf, rowsReturned, sortsRows } from './check/plan.js';
export type { TableAccess } from './check/plan.js';
export { peakConnectionsUnderStall } from './check/peak-under-stall.js';
export { settledSessions } from './check/settled-sessions.js';
export { shortRun } from './check/short-run.js';
export { databaseRestartStep } from './check/step-db-restart.js';
export { goalStep } from './check/step-goal.js';
export type { GoalProbe } from './check/step-goal.js';
export { judgeSlownessReproduced, reproduceStep } from './check/step-reproduce.js';
export { failed, passed, skipped } from './check/step-verdicts.js';
export { describeIndex, indexesOn, indexUse, ledBy, redundantPrefixes } from './database/indexes.js';
export type { IndexUse, TableIndex } from './database/indexes.js';
export { isConnectionLimitMessage } from './database/refused-connections.js';
export { connectionBudget } from './database/stats.js';
export { withClient } from './database/with-client.js';
export type { ConnectionBudget } from './database/stats.js';
export { LabError } from './errors.js';
export { freePort } from './net/free-port.js';
export { findProgram } from './os/programs.js';
export { findNginx, nginxVersion, readNginxPid } from './os/nginx.js';
export { nginxFiles } from './balancer/nginx/files.js';
export { processFacts } from './os/system.js';
export type { FleetDeploy, FleetMember } from './lab-context.js';
export { opensConnectionPerRequest, reachedConnectionLimit } from './loadtest/connection-habit.js';
export { duration } from './loadtest/figures.js';
export { createDraw, WHOLE_MIX } from './loadtest/mix.js';
export { failedRequests } from './loadtest/summary.js';
export type { LabSnapshot, RunRecord, RunSummary } from './runs/run-record.js';
export type { BenchProcess, BenchSection, BenchSectionContext, BenchSectionResult, DatasetSize, LoadRoute, RunAdviceInput, ScenarioDefinition, ScenarioRuns } from './scenario/definition.js';
export type { CheckFleet, ScenarioStep, StepContext, StepHints, StepVerdict } from './scenario/steps.js';
export { parsePrometheusText, sumOf } from './metrics/prometheus-text.js';
export { sizeForDraws } from './seeding.js';
export { until } from './timing.js';

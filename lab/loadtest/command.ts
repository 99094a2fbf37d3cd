/**
 * `npm run loadtest`: checks the app answers, puts the load on it while sampling the
 * database, then prints and saves the run and the table of all runs. lab/commands/loadtest.ts
 * chooses the defaults; everything else happens here.
 */
import { labServerFleet } from '../check/lab-server-fleet.js';
import { reportFatal, LabError } from '../errors.js';
import { readRunningLab } from '../lab-state.js';
import { resolveLabDatabase, type LabDatabaseUrls } from '../lab-connection.js';
import { listRuns, newRunId, readInProgress, removeInProgress, saveRun, writeInProgress } from '../runs/run-store.js';
import type { InProgressRun, RunRecord } from '../runs/run-record.js';
import { painter } from './figures.js';
import { startArrivals } from './arrivals.js';
import { startLoad, type LoadRun, type LoadTarget } from './generator.js';
import { helpText } from './loadtest-help.js';
import { mixShares, runRoute, sendsOneFixedRequest } from './mix.js';
import { firstLine, parseLoadTestArgs, type LoadTestDefaults, type LoadTestOptions } from './options.js';
import type { Lab } from '../lab.js';
import type { LoadRoute, ScenarioDefinition } from '../scenario/definition.js';
import { sizeForDraws } from '../seeding.js';
import { appStartedAt } from '../metrics/app-started-at.js';
import { liveLine, load as describeLoad, renderSummary } from './report.js';
import { renderRunsTable } from './runs-table.js';
import { scenarioRuns } from './scenario-runs.js';
import { startLabSampler } from './snapshot.js';
import { startUsageSampler } from './process-usage.js';
import { undoLoadTestWrites } from './undo-writes.js';
import { buildSummary } from './summary.js';
import { assertAppAnswers, resolveAppPort } from './target.js';
import { nextStep, verdictFor } from './run-verdict.js';

/** Exit code after Ctrl-C, as shells report a command stopped by SIGINT. */
const INTERRUPTED_EXIT_CODE = 130;
/** Signals this close after the first are the same Ctrl-C, not a second one. */
const DUPLICATE_SIGNAL_WINDOW_MS = 1_000;

/** Runs the command and exits the process with its code (one-line message for LabErrors, no stack). */
export async function runLoadTestCommand(lab: Lab, argv: string[]): Promise<void> {
  // Exit explicitly: the TypeScript loader keeps a helper referenced, which would hold the process open.
  // Exit once stdout has drained: on a pipe (`--json | jq`) some systems write asynchronously.
  const exit = (code: number) => process.stdout.write('', () => process.exit(code));
  await runLoadTest(lab, argv).then(exit, (error: unknown) => {
    removeInProgress(lab.paths.inProgressRun);
    exit(reportFatal(error));
  });
}

export async function runLoadTest(lab: Lab, argv: string[]): Promise<number> {
  const { scenario, paths } = lab;
  const defaults = scenarioDefaults(scenario);
  const options = parseLoadTestArgs(argv, defaults);
  if (options.help) {
    process.stdout.write(helpText(defaults));
    return 0;
  }
  const port = resolveAppPort(lab);
  await assertAppAnswers(port);
  const other = readInProgress(paths.inProgressRun);
  if (other) {
    throw new LabError('LOAD_TEST_BUSY', `Another load test is running (pid ${other.pid}); two at once would measure each other. Wait for it to finish.`);
  }

  const paint = painter(process.stdout);
  const say = (text: string) => {
    if (!options.json) process.stdout.write(`${text}\n`);
  };
  const database = labDatabase(lab);
  const size = sendsOneFixedRequest(options.routes) ? undefined : await sizeForDraws(scenario, database?.appUrl);
  const sent = runRoute(options.routes);
  // Leftovers of a run that never got to undo its writes (a second Ctrl-C): the next attempt below says if it fails.
  if (database) await undoLoadTestWrites(scenario, database.appUrl).catch(() => undefined);
  const runs = await scenarioRuns(scenario);
  const sampler = await startLabSampler(database?.adminUrl, runs.facts, { appRole: appRoleOf(database), tables: scenario.database.tables });
  const appUrl = `http://127.0.0.1:${port}`;
  const appStartedBefore = await appStartedAt(appUrl);
  const labPort = readRunningLab(paths.labState)?.labPort;
  const usageSampler = labPort === undefined ? undefined : await startUsageSampler(() => labServerFleet(labPort).members());
  const startedAt = new Date();
  const id = newRunId(startedAt);
  const inProgress: InProgressRun = {
    id,
    pid: process.pid,
    startedAt: startedAt.toISOString(),
    users: options.ratePerSecond === undefined ? options.users : 0,
    ...(options.ratePerSecond !== undefined ? { ratePerSecond: options.ratePerSecond } : {}),
    durationSeconds: options.durationSeconds,
    route: sent.route,
    ...(options.label ? { label: options.label } : {}),
  };
  writeInProgress(inProgress, paths.inProgressRun);
  const removeMarker = () => removeInProgress(paths.inProgressRun);
  process.on('exit', removeMarker);

  const shape = { users: options.ratePerSecond === undefined ? options.users : 0, ...(options.ratePerSecond !== undefined ? { ratePerSecond: options.ratePerSecond } : {}) };
  say(`Load test: ${describeLoad(shape)} on ${target(port, options.routes)} for ${options.durationSeconds} s. Ctrl-C stops early.`);
  const live = liveWriter(options);
  const run: LoadTarget & LoadRun = {
    port,
    routes: options.routes,
    ...(size ? { size } : {}),
    durationSeconds: options.durationSeconds,
    requestTimeoutSeconds: options.requestTimeoutSeconds,
    onProgress: (progress) => {
      live.update(liveLine(progress, options.durationSeconds));
      // The dashboard reads this to show timeouts and refused connections, which the app never counts.
      const { counts } = progress;
      const sofar = { succeeded: counts.succeeded, failedStatus: counts.answered - counts.succeeded, timeouts: counts.timeouts, connectionErrors: counts.connectionErrors };
      writeInProgress({ ...inProgress, sofar }, paths.inProgressRun);
    },
  };
  const load = options.ratePerSecond === undefined ? startLoad({ ...run, users: options.users }) : startArrivals({ ...run, ratePerSecond: options.ratePerSecond });
  let interruptedAt: number | undefined;
  let loadFinished = false;
  const onSignal = () => {
    if (interruptedAt !== undefined) {
      // Under `npm run`, one Ctrl-C arrives twice: from the terminal, and forwarded by npm.
      if (Date.now() - interruptedAt < DUPLICATE_SIGNAL_WINDOW_MS) return;
      // Second Ctrl-C: leave now, without saving.
      removeInProgress(paths.inProgressRun);
      process.exit(INTERRUPTED_EXIT_CODE);
    }
    interruptedAt = Date.now();
    if (loadFinished) {
      say('Almost done: saving the run (Ctrl-C again to quit without saving)…');
      return;
    }
    load.stop();
    live.done();
    say('Stopping early: keeping what was measured so far (Ctrl-C again to quit without saving)…');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const result = await load.finished;
    loadFinished = true;
    live.done();
    const usage = await usageSampler?.finish();
    say('Reading the database statistics for this run…');
    const snapshot = await sampler.finish(result.counts.succeeded);
    const appStartedAfter = await appStartedAt(appUrl);
    const undone = database && (await undoWrites(scenario, database.appUrl));
    if (undone) say(paint('dim', undone));
    const summary = buildSummary(result, { ...shape, ...sent });
    const verdict = verdictFor(summary, scenario.loadTest.p99GoalMs);
    const history = listRuns(paths.runs);
    const record: RunRecord = {
      id,
      label: options.label ?? runs.label?.(snapshot) ?? `run ${history.length + 1}`,
      labelGiven: options.label !== undefined,
      startedAt: startedAt.toISOString(),
      endedAt: new Date().toISOString(),
      partial: result.stoppedEarly,
      summary,
      snapshot,
      verdict,
      // Only when the same process served the whole run: a restart half-way names neither.
      ...(appStartedBefore !== undefined && appStartedBefore === appStartedAfter ? { appStartedAt: new Date(appStartedBefore).toISOString() } : {}),
      ...(usage ? { usage } : {}),
    };
    const file = saveRun(record, paths.runs);
    if (options.json) {
      process.stdout.write(`${JSON.stringify(record, null, 2)}\n`);
    } else {
      say('');
      say(renderSummary(record, nextStep(verdict, summary, snapshot, history, runs, scenario.loadTest.p99GoalMs, record.appStartedAt), options.requestTimeoutSeconds, paint));
      say('');
      say(`Saved as "${record.label}" in ${file}. All runs so far:`);
      say(renderRunsTable([...history, record], paint));
      say(paint('dim', 'Rename the next run with --label "…"; see this table again with `npm run runs`.'));
    }
    return record.partial ? INTERRUPTED_EXIT_CODE : 0;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    removeInProgress(paths.inProgressRun);
  }
}

/** The lab's database, or undefined when it cannot be found (the run is then unlabelled). */
function labDatabase(lab: Lab): LabDatabaseUrls | undefined {
  try {
    return resolveLabDatabase(lab);
  } catch {
    return undefined;
  }
}

/** The role the app connects as, from its database URL; undefined without one. */
function appRoleOf(database: LabDatabaseUrls | undefined): string | undefined {
  if (!database) return undefined;
  try {
    return decodeURIComponent(new URL(database.appUrl).username) || undefined;
  } catch {
    return undefined;
  }
}

/** Undoes the run's writes (the definition's loadTest.undoWrites) and says so, or why it could not; '' when there is nothing to undo. */
async function undoWrites(scenario: ScenarioDefinition, appUrl: string): Promise<string> {
  const what = scenario.loadTest.undoWrites?.what;
  try {
    const rows = await undoLoadTestWrites(scenario, appUrl);
    return rows === undefined ? '' : `Removed ${what} (${rows.toLocaleString('en-US')} rows), so the next run starts from the same data.`;
  } catch (error) {
    return `Could not remove ${what}: ${firstLine(error)}. The next load test tries again.`;
  }
}

/** "http://127.0.0.1:3000/feed", "POST http://127.0.0.1:3000/orders", or the app and its mix. */
function target(port: number, routes: LoadRoute[]): string {
  const app = `http://127.0.0.1:${port}`;
  if (routes.length > 1) return `${app}, a mix of ${routes.length} routes (${mixShares(routes)}),`;
  const [route] = routes;
  return `${route!.method === 'POST' ? 'POST ' : ''}${app}${route!.path}`;
}

interface LiveWriter {
  update(line: string): void;
  /** Ends the live line for good, so the next output starts on a fresh line. */
  done(): void;
}

/** On a terminal, one line rewritten in place; elsewhere (CI, a pipe), one plain line per update. */
function liveWriter(options: LoadTestOptions): LiveWriter {
  const stream = process.stdout;
  let finished = false;
  if (options.json) return { update() {}, done() {} };
  if (!stream.isTTY) {
    return {
      update: (line) => finished || stream.write(`  ${line}\n`),
      done: () => (finished = true),
    };
  }
  let open = false;
  return {
    update(line) {
      if (finished) return;
      stream.write(`\r\u001b[2K  ${line}`);
      open = true;
    },
    done() {
      if (open) stream.write('\n');
      open = false;
      finished = true;
    },
  };
}

/** The scenario's load test as its definition describes it (users, route or mix, duration, patience). */
export function scenarioDefaults(scenario: ScenarioDefinition): LoadTestDefaults {
  const { users, ratePerSecond, route, mix, durationSeconds, requestTimeoutSeconds } = scenario.loadTest;
  return { users, ...(ratePerSecond !== undefined ? { ratePerSecond } : {}), route, ...(mix ? { mix } : {}), durationSeconds, requestTimeoutSeconds };
}

/**
 * `npm run chaos -- db [--seconds N]` and `npm run chaos -- app [--seconds N]`: single point of
 * failure drills against the running lab. Each prints what happened and the outage seen from outside.
 */
import { parseArgs } from 'node:util';
import { describeAppDrill, runAppDrill } from '../chaos/app-drill.js';
import { MAX_OUTAGE_SECONDS, type AppKill } from '../chaos/chaos-routes.js';
import { describeDatabaseDrill, runDatabaseDrill } from '../chaos/database-drill.js';
import type { OutageTiming } from '../chaos/database-outage.js';
import { recordDatabaseDrill } from '../chaos/drill-record.js';
import { LabError, labNotRunning, runCommand, usageError } from '../errors.js';
import { APP_ENTRY } from '../config.js';
import { readRunningLab } from '../lab-state.js';
import { learnerPath, scenario } from '../scenario/current.js';
import { exitWithHelpIfAsked, usageOf } from '../help.js';


exitWithHelpIfAsked('chaos');
runCommand(async () => {
  const { target, seconds } = parseCliArgs();
  const lab = readRunningLab();
  if (!lab?.appDatabaseUrl) throw labNotRunning('run the drill again');
  const appUrl = `http://127.0.0.1:${lab.appPort}`;

  if (target === 'app') {
    const watchSeconds = seconds ?? 5;
    const result = await runAppDrill({
      appUrl,
      kill: () => askLabServer<AppKill>(lab.labPort, '/api/chaos/app'),
      watchSeconds,
      onKilled: (pid) =>
        console.log(`Killed the app process (pid ${pid}) with SIGKILL: no cleanup, no goodbye, the way a crash ends a process.\nWatching /health for ${watchSeconds} s…\n`),
    });
    console.log(describeAppDrill(result, learnerPath(APP_ENTRY)));
    return 0;
  }

  const outage = seconds ?? 10;
  console.log(`Taking the database away for ${outage} s while probing the app; watch the dashboard…\n`);
  const result = await runDatabaseDrill({
    appUrl,
    route: scenario.drills.databaseProbeRoute,
    // The supervisor rewrites .lab/lab.json whenever the app starts or ends.
    appPid: () => readRunningLab()?.appPid,
    takeAway: () => askLabServer<OutageTiming>(lab.labPort, '/api/chaos/db', { seconds: outage }),
  });
  recordDatabaseDrill(result.record);
  console.log(describeDatabaseDrill(result));
  return 0;
});

/** Asks the running supervisor (the lab server) to run a drill; its 4xx message becomes one line. */
async function askLabServer<T>(labPort: number, route: string, body: object = {}): Promise<T> {
  const seconds = 'seconds' in body ? Number(body.seconds) : 0;
  let response: Response;
  try {
    response = await fetch(`http://127.0.0.1:${labPort}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout((seconds + 90) * 1000),
    });
  } catch (error) {
    throw new LabError('DRILL_FAILED', `The lab server on :${labPort} did not answer (${(error as Error).message}). Is \`npm start\` still running?`);
  }
  const answer = (await response.json()) as T & { message?: string };
  if (!response.ok) throw new LabError('DRILL_FAILED', `The drill did not run: ${answer.message ?? response.statusText}.`);
  return answer;
}

function parseCliArgs(): { target: 'db' | 'app'; seconds?: number } {
  let parsed;
  try {
    parsed = parseArgs({ options: { seconds: { type: 'string' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError((error as Error).message, usageOf('chaos'));
  }
  const [target, ...rest] = parsed.positionals;
  if ((target !== 'db' && target !== 'app') || rest.length > 0) throw usageError('Which drill?', usageOf('chaos'));
  const raw = parsed.values.seconds;
  if (raw === undefined) return { target };
  const seconds = Number(raw);
  if (!/^\d+$/.test(raw) || seconds < 1 || seconds > MAX_OUTAGE_SECONDS) {
    throw usageError(`--seconds ${raw} is not a whole number from 1 to ${MAX_OUTAGE_SECONDS}.`, usageOf('chaos'));
  }
  return { target, seconds };
}

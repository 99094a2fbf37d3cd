/**
 * `npm run chaos -- db|app [--seconds N]`, `npm run chaos -- kill ROLE [NAME]` and
 * `npm run chaos -- noisy ROLE [NAME] [--seconds N]`: drills against the running lab. Each prints
 * what happened (and, for the outages, what was seen from outside).
 */
import { parseArgs } from 'node:util';
import { describeAppDrill, runAppDrill } from '../chaos/app-drill.js';
import { MAX_NOISY_SECONDS, MAX_OUTAGE_SECONDS } from '../chaos/chaos-routes.js';
import type { NoisyNeighbour } from '../chaos/noisy-neighbour.js';
import { describeProcessDrill, runProcessDrill } from '../chaos/process-drill.js';
import { describeDatabaseDrill, runDatabaseDrill } from '../chaos/database-drill.js';
import type { OutageTiming } from '../chaos/database-outage.js';
import { recordDatabaseDrill } from '../chaos/drill-record.js';
import { labNotRunning, usageError } from '../errors.js';
import type { FleetKill, FleetMember } from '../lab-context.js';
import { askLabServer } from '../lab-server-client.js';
import { readRunningLab } from '../lab-state.js';
import { learnerFile, learnerPath, type Lab } from '../lab.js';
import { exitWithHelpIfAsked, usageOf } from '../command-help.js';

export async function run(labOfCommand: Lab, args: string[]): Promise<number> {
  const { scenario, paths } = labOfCommand;
  exitWithHelpIfAsked(scenario, paths.scenario, 'chaos', args);
  const { target, role, name, seconds } = parseCliArgs(args, usageOf(scenario, paths.scenario, 'chaos'));
  const lab = readRunningLab(paths.labState);
  if (!lab?.appDatabaseUrl) throw labNotRunning('run the drill again');
  const appUrl = `http://127.0.0.1:${lab.appPort}`;

  if (target === 'noisy') {
    const noisy = await askForDrill<NoisyNeighbour>(lab.labPort, '/api/chaos/noisy', { ...(name !== undefined ? { process: name } : { role }), seconds: seconds ?? DEFAULT_NOISY_SECONDS });
    console.log(describeNoisyNeighbour(noisy));
    return 0;
  }

  if (target === 'app' || target === 'kill') {
    const watchSeconds = seconds ?? 5;
    const kill = () => askForDrill<FleetKill>(lab.labPort, '/api/chaos/kill', { ...(role !== undefined ? { role } : {}), ...(name !== undefined ? { process: name } : {}) });
    const onPrimary = target === 'app' || lab.processes?.find((member) => member.name === (name ?? lastRunning(lab.processes, role)))?.port === lab.appPort;
    if (onPrimary) {
      const result = await runAppDrill({
        appUrl,
        kill,
        watchSeconds,
        onKilled: (pid) =>
          console.log(`Killed the app process (pid ${pid}) with SIGKILL: no cleanup, no goodbye, the way a crash ends a process.\nWatching /health for ${watchSeconds} s…\n`),
      });
      console.log(describeAppDrill(result, learnerPath(learnerFile(labOfCommand, scenario.files.app), paths.runFrom)));
      return 0;
    }
    const result = await runProcessDrill({
      kill,
      watchSeconds,
      pidOf: (processName) => readRunningLab(paths.labState)?.processes?.find((member) => member.name === processName)?.pid,
      onKilled: (killed) =>
        console.log(`Killed ${killed.name} (pid ${killed.killedPid}) with SIGKILL: no cleanup, no goodbye, the way a crash ends a process.\nWatching for ${watchSeconds} s whether it comes back…\n`),
    });
    console.log(describeProcessDrill(result));
    return 0;
  }

  const outage = seconds ?? 10;
  console.log(`Taking the database away for ${outage} s while probing the app; watch the dashboard…\n`);
  const result = await runDatabaseDrill({
    appUrl,
    route: scenario.drills.databaseProbeRoute,
    // The supervisor rewrites .lab/lab.json whenever the app starts or ends.
    appPid: () => readRunningLab(paths.labState)?.appPid,
    takeAway: () => askForDrill<OutageTiming>(lab.labPort, '/api/chaos/db', { seconds: outage }, outage),
  });
  recordDatabaseDrill(result.record, paths.drills);
  console.log(describeDatabaseDrill(result));
  return 0;
}

/** Asks the running supervisor (the lab server) to run a drill; its 4xx message becomes one line. */
function askForDrill<T>(labPort: number, route: string, body: object = {}, seconds = 0): Promise<T> {
  return askLabServer<T>(labPort, route, { body, timeoutMs: (seconds + 90) * 1000, failure: { code: 'DRILL_FAILED', prefix: 'The drill did not run' } });
}

const DEFAULT_NOISY_SECONDS = 60;

/** What a noisy neighbour is doing, and until when. */
export function describeNoisyNeighbour(noisy: NoisyNeighbour): string {
  return [
    `${noisy.name} (pid ${noisy.pid}) now shares core ${noisy.core} with a CPU burner (pid ${noisy.burnerPid}) for ${noisy.seconds} s: both are held to that core,`,
    `so ${noisy.name} gets about half of it while the other processes run where the system puts them.`,
    `Load-test now and watch the dashboard. It ends by itself at ${new Date(noisy.endsAt).toLocaleTimeString()}; ${noisy.name} then runs on every core again.`,
  ].join('\n');
}

interface ChaosArgs {
  target: 'db' | 'app' | 'kill' | 'noisy';
  role?: string;
  name?: string;
  seconds?: number;
}

function parseCliArgs(args: string[], usage: string): ChaosArgs {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { seconds: { type: 'string' } }, allowPositionals: true, strict: true });
  } catch (error) {
    throw usageError((error as Error).message, usage);
  }
  const [target, ...rest] = parsed.positionals;
  const drill = drillOf(target, rest, usage);
  const raw = parsed.values.seconds;
  if (raw === undefined) return drill;
  const seconds = Number(raw);
  const most = drill.target === 'noisy' ? MAX_NOISY_SECONDS : MAX_OUTAGE_SECONDS;
  if (!/^\d+$/.test(raw) || seconds < 1 || seconds > most) {
    throw usageError(`--seconds ${raw} is not a whole number from 1 to ${most}.`, usage);
  }
  return { ...drill, seconds };
}

function drillOf(target: string | undefined, rest: string[], usage: string): ChaosArgs {
  if ((target === 'db' || target === 'app') && rest.length === 0) return { target };
  if (target === 'kill' && rest.length >= 1 && rest.length <= 2) return { target, role: rest[0]!, ...(rest[1] !== undefined ? { name: rest[1] } : {}) };
  if (target === 'kill') throw usageError('Kill which role\'s process?', usage);
  if (target === 'noisy' && rest.length >= 1 && rest.length <= 2) return { target, role: rest[0]!, ...(rest[1] !== undefined ? { name: rest[1] } : {}) };
  if (target === 'noisy') throw usageError('A noisy neighbour beside which role\'s process?', usage);
  throw usageError('Which drill?', usage);
}

/** The role's highest-numbered running process: the one the supervisor kills when none is named. */
function lastRunning(processes: FleetMember[] | undefined, role: string | undefined): string | undefined {
  return processes?.filter((member) => member.role === role && member.pid !== undefined).at(-1)?.name;
}

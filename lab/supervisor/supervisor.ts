/**
 * `npm start`: database, schema, seed, app (restarting on save), lab server, banner.
 * Stops everything it started, in reverse order, on Ctrl-C or SIGTERM.
 */
import path from 'node:path';
import type { BalancerKind } from '../balancer/kinds.js';
import { nginxFiles } from '../balancer/nginx/files.js';
import { stopLeftoverMaster } from '../balancer/nginx/nginx-master.js';
import { NGINX_MISSING } from '../balancer/nginx/nginx-missing.js';
import { LabError } from '../errors.js';
import { findNginx } from '../os/nginx.js';
import { readRunningLab, removeLabState, writeLabState, type LabState } from '../lab-state.js';
import { startLabServer } from '../lab-server.js';
import { describeSize, existingSeed, seedWithProgress } from '../seeding.js';
import type { SeedOutcome } from '../scenario/definition.js';
import { learnerPath, scenarioTitle, type Lab } from '../lab.js';
import { appRole, fleetRoles, type FleetRole } from '../scenario/fleet-roles.js';
import { calibrateDataset } from '../calibration.js';
import { applyCalibratedRate } from '../load-rate.js';
import { calibrateRateIfNeeded } from '../rate-calibration.js';
import { connectionBudget, describeConnectionBudget } from '../database/stats.js';
import { withClient } from '../database/with-client.js';
import { machineCores } from '../os/machine.js';
import { processFacts } from '../os/system.js';
import { Fleet } from './fleet.js';
import { waitInRotation } from './balancer-rotation.js';
import { renderBanner } from './banner.js';
import { bringUpDatabase, type LabDatabase } from './database.js';
import type { FleetMember, LabContext } from '../lab-context.js';
import { labRoutes } from './lab-routes.js';
import { stopLeftoverProcesses } from './leftovers.js';
import { assertPortFree } from '../net/ports.js';

const APP_READY_TIMEOUT_MS = 30_000;
/** How long a deploy waits for the balancer to send to a replaced process again (a few of its health checks). */
const IN_ROTATION_TIMEOUT_MS = 30_000;

type Stopper = () => Promise<void>;

export interface SupervisorOptions {
  /** Start a process again at once when it crashes, as a process manager would. */
  restartOnCrash: boolean;
  /** The program in front of the instances, in a scenario with a load balancer. */
  balancer: BalancerKind;
}

export async function runSupervisor(lab: Lab, { restartOnCrash, balancer }: SupervisorOptions): Promise<number> {
  const startedAt = Date.now();
  const { scenario, settings, paths } = lab;
  const shown = (file: string) => learnerPath(file, paths.runFrom);
  // A LAB_OS this lab does not know fails here, in one line, before anything is started.
  processFacts();
  const running = readRunningLab(paths.labState);
  if (running) {
    throw new LabError(
      'LAB_ALREADY_RUNNING',
      `The lab is already running (pid ${running.supervisorPid}): app on :${running.appPort}, dashboard on :${running.labPort}. ` +
        'Use that one, or press Ctrl-C in its terminal first.',
    );
  }
  const nginx = nginxFiles(path.join(paths.state, 'nginx'));
  // A definition whose processes the engine cannot run fails here, before anything is started.
  const roles = fleetRoles(scenario, paths.scenario, paths.learnerDir, balancer === 'nginx' ? { kind: 'nginx', dir: nginx.dir } : { kind: 'built-in' });
  if (scenario.balancer && balancer === 'nginx' && !findNginx()) throw new LabError('BALANCER_PROGRAM', NGINX_MISSING);
  await stopLeftoverProcesses(
    paths.labState,
    roles.map((role) => role.entry),
    (line) => console.log(`  ${line}`),
  );
  // An nginx whose sidecar was killed outright holds the app's port: it goes first too.
  if (scenario.balancer) await stopLeftoverMaster(nginx.pid, nginx.dir, (line) => console.log(`  ${line}`));
  await assertPortFree(settings.appPort, settings.appHost, 'the app', 'PORT');
  await assertPortFree(settings.labPort, settings.appHost, 'the lab dashboard', 'LAB_PORT');

  const stoppers: Stopper[] = [];
  const shutdown = onceShutdown(async () => {
    for (const stop of stoppers.reverse()) await stop().catch((error: unknown) => console.error(`  while stopping: ${String(error)}`));
    removeLabState(process.pid, paths.labState);
  });
  const stopSignal = waitForStopSignal();

  const state: LabState = {
    supervisorPid: process.pid,
    scenarioFolder: paths.scenario,
    startedAt: new Date(startedAt).toISOString(),
    mode: settings.externalDatabaseUrl ? 'external' : 'embedded',
    appPort: settings.appPort,
    labPort: settings.labPort,
    appDatabaseUrl: '',
    adminDatabaseUrl: '',
  };
  // Claim the lab early, so a second `npm start` during our start-up is refused too.
  writeLabState(state, paths.labState);
  stoppers.push(async () => removeLabState(process.pid, paths.labState));

  try {
    const database = await startStep(stopSignal, () => bringUpDatabase(lab, (line) => console.log(`  ${line}`)));
    stoppers.push(() => database.shutdown());
    Object.assign(state, { appDatabaseUrl: database.appUrl, adminDatabaseUrl: database.adminUrl, postgresPid: database.pid() });
    writeLabState(state, paths.labState);

    await startStep(stopSignal, () => seedIfNeeded(lab, database));
    // Measured before the app's processes start, so that they do not share the cores with it.
    if (settings.calibrate) applyCalibratedRate(scenario, await startStep(stopSignal, () => calibrateRateIfNeeded(lab, database.appUrl, (line) => console.log(`  ${line}`))));
    const size = (await existingSeed(scenario, database.appUrl)) ?? {};

    // Other commands read the processes and their pids from .lab/lab.json: rewritten each time one starts or ends.
    const fleet = await Fleet.start({
      roles,
      appPort: settings.appPort,
      host: settings.appHost,
      databaseUrl: database.appUrl,
      cwd: paths.root,
      restartOnCrash,
      learnerPath: shown,
      upstreamsFile: path.join(paths.state, 'upstreams.json'),
      inRotation: (member) => waitInRotation(settings.appPort, member, IN_ROTATION_TIMEOUT_MS),
      log: (line) => console.log(`  ${line}`),
      onChange(members) {
        const app = members.find((member) => member.port === settings.appPort);
        state.appPid = app?.pid;
        state.processes = members;
        state.postgresPid = database.pid();
        writeLabState(state, paths.labState);
      },
    });
    // Stoppers run in reverse: after the fleet, an nginx whose sidecar was killed outright (a kill -9 of it alone).
    if (scenario.balancer) stoppers.push(() => stopLeftoverMaster(nginx.pid, nginx.dir, (line) => console.log(`  ${line}`)));
    stoppers.push(() => fleet.stop());

    const context: LabContext = { lab, database, fleet };
    const labServer = await startLabServer({ port: settings.labPort, host: settings.appHost, context, routes: labRoutes });
    stoppers.push(() => labServer.close());
    if (restartOnCrash) console.log('  --restart-on-crash: if the app process dies, the lab starts it again.');
    await startStep(stopSignal, () => waitForApp(fleet.appReady(), settings.appPort));

    console.log(
      renderBanner({
        title: scenarioTitle(scenario),
        appPort: settings.appPort,
        appRoute: scenario.loadTest.route,
        appFile: shown(appRole(roles).entry),
        labPort: settings.labPort,
        databaseUrl: database.appUrl,
        mode: database.mode,
        dataFolder: shown(paths.pgData),
        data: describeSize(scenario, size),
        // The budget the learner's database really has (a DATABASE_URL server keeps its own).
        connections: describeConnectionBudget(await withClient(database.adminUrl, 'lab start', connectionBudget)),
        ...(fleet.members().length > 1 || roles.length > 1 ? { processes: describeFleet(fleet.members(), roles) } : {}),
        ...(scenario.balancer ? { cores: machineCores() } : {}),
        ...(roles.some((role) => role.standIn) ? { standIns: describeStandIns(fleet.members(), roles) } : {}),
        walkthrough: shown(path.join(paths.scenario, 'SCENARIO.md')),
        readySeconds: (Date.now() - startedAt) / 1000,
      }),
    );
    database.onUnexpectedExit(() => {
      if (stopSignal.received()) return;
      console.log(`  ⚠ The embedded PostgreSQL server stopped by itself. See ${shown(paths.pgLog)}; restart the lab with Ctrl-C and \`npm start\`.`);
    });
    const signal = await stopSignal.promise;
    const running = fleet.members().filter((member) => member.pid !== undefined).length;
    const processes = fleet.members().length > 1 ? `the app's ${running} process${running === 1 ? '' : 'es'}` : 'the app';
    console.log(`\n  ${signal}: stopping ${processes}, the lab server and the database…`);
    await shutdown();
    console.log(`  Stopped. Your data is kept in ${shown(paths.state)}/ for the next start.`);
    return 0;
  } catch (error) {
    await shutdown();
    if (error instanceof StopRequested) {
      console.log('  Stopped during start-up.');
      return 130;
    }
    throw error;
  }
}

/** "api-1 :3000, worker-1, worker-2 (npm run scale -- worker N)": each process but the stand-ins, and how to change the counts that can change. */
function describeFleet(members: FleetMember[], roles: readonly FleetRole[]): string {
  const standIns = new Set(roles.filter((role) => role.standIn).map((role) => role.role));
  const listed = members.filter((member) => !standIns.has(member.role)).map((member) => (member.port === undefined ? member.name : `${member.name} :${member.port}`)).join(', ');
  const scalable = roles.filter((role) => role.count.min < role.count.max).map((role) => `npm run scale -- ${role.role} N`);
  return scalable.length === 0 ? listed : `${listed} (${scalable.join('; ')})`;
}

/** "mail-provider :4123, for the mail provider's API": each stand-in, where it listens, what it stands in for. */
function describeStandIns(members: FleetMember[], roles: readonly FleetRole[]): string[] {
  return roles.flatMap((role) =>
    role.standIn === undefined
      ? []
      : members.filter((member) => member.role === role.role).map((member) => `${member.name} :${member.port}, for ${role.standIn!.what}`),
  );
}

async function seedIfNeeded(lab: Lab, database: LabDatabase): Promise<void> {
  const { scenario } = lab;
  if (await existingSeed(scenario, database.appUrl)) return;
  console.log('  Seeding the database (first start only)…');
  const result = await seedWithProgress(scenario, database.appUrl);
  reportSeed(result);
  // A scenario without a calibration keeps its default size on every machine.
  if (!lab.settings.calibrate || !scenario.calibration) return;
  const unit = scenario.dataset.unit;
  await calibrateDataset(
    lab,
    database.appUrl,
    result.size[unit] ?? 0,
    async (size) => reportSeed(await seedWithProgress(scenario, database.appUrl, { [unit]: size }, true)),
    (line) => console.log(`  ${line}`),
  );
}

function reportSeed(result: SeedOutcome): void {
  console.log(`  Seeded ${result.rows.toLocaleString('en-US')} rows in ${result.seconds.toFixed(1)} s (${Math.round(result.rows / result.seconds).toLocaleString('en-US')} rows/s).`);
}

async function waitForApp(firstStart: Promise<boolean>, port: number): Promise<void> {
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), APP_READY_TIMEOUT_MS).unref());
  // An app that exited has said why (app │ …) and the lab has said what to do: go on to the banner.
  if ((await Promise.race([firstStart, timeout])) === 'timeout') {
    console.log(`  The app is not answering on :${port} yet; check its output above (app │ …).`);
  }
}

class StopRequested extends Error {}

interface StopSignal {
  promise: Promise<NodeJS.Signals>;
  received: () => NodeJS.Signals | undefined;
}

function waitForStopSignal(): StopSignal {
  let received: NodeJS.Signals | undefined;
  const promise = new Promise<NodeJS.Signals>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.on(signal, () => {
        if (received) {
          // Leaving now would orphan the database and the app: finish stopping them first.
          console.log('  Still stopping the app and the database (a few seconds at most)…');
          return;
        }
        received = signal;
        resolve(signal);
      });
    }
  });
  return { promise, received: () => received };
}

/** Runs a start-up step, but gives up as soon as a stop signal arrives. */
async function startStep<T>(stopSignal: StopSignal, step: () => Promise<T>): Promise<T> {
  const stopped = stopSignal.promise.then(() => {
    throw new StopRequested();
  });
  return Promise.race([step(), stopped]);
}

function onceShutdown(run: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined;
  return () => (running ??= run());
}

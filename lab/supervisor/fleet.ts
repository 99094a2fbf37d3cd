/**
 * The scenario's processes while the lab runs: every role's processes started, the ones whose
 * folder a save touched started again, counts changed on request (`npm run scale`), one
 * killed on request (`npm run chaos -- kill`), all stopped on Ctrl-C. Scenarios 1 and 2 are a
 * fleet of one app.
 *
 * Each process gets DATABASE_URL, HOST, its PORT when it serves HTTP, LAB_PROCESS ("worker-2")
 * and PGAPPNAME set to the same name, which node-postgres sends as application_name: so
 * pg_stat_activity, and the dashboard, show which process holds which connection. A stand-in's
 * port is chosen before any process starts, so every process gets its URL (MAIL_API_URL=…).
 * The engine's balancer gets LAB_BALANCER_CONFIG (the learner's settings) and
 * LAB_UPSTREAMS_FILE, which lists the balanced role's processes and their ports, rewritten
 * whenever they change, as a deploy tool rewrites a balancer's upstream list.
 */
import path from 'node:path';
import { LabError } from '../errors.js';
import { writeJsonFile } from '../json-file.js';
import type { FleetControl, FleetDeploy, FleetKill, FleetMember } from '../lab-context.js';
import { freePort } from '../net/free-port.js';
import { appRole, BALANCER_METRICS_PATH, processName, type FleetRole } from '../scenario/fleet-roles.js';
import { FleetProcess } from './fleet-process.js';
import { watchSources, type SourceWatcher } from './source-watcher.js';

export interface FleetOptions {
  roles: readonly FleetRole[];
  /** The port of the primary role's first process (the load test's and the banner's). */
  appPort: number;
  host: string;
  databaseUrl: string;
  /** Where the processes run (the repository root). */
  cwd: string;
  restartOnCrash: boolean;
  /** A file as the learner finds it ("src/worker.ts"). */
  learnerPath: (file: string) => string;
  /** The supervisor's own lines about the fleet. */
  log: (line: string) => void;
  /** Each line a process prints, with the label it goes by. */
  onLine?: (label: string, line: string) => void;
  /** Told the fleet's members whenever a process starts, ends, or the counts change. */
  onChange?: (members: FleetMember[]) => void;
  /** Ports for HTTP processes other than the first (a free one by default). */
  takePort?: () => Promise<number>;
  /** Where the balancer finds the processes it balances (a JSON file the fleet rewrites); needed when a role balances another. */
  upstreamsFile?: string;
  /** Resolves true once the balancer sends requests to the process again (a deploy waits for it before the next); by default at once. */
  inRotation?: (member: FleetMember) => Promise<boolean>;
}

/** What the balancer reads from LAB_UPSTREAMS_FILE: every process of the role it balances, up or down. */
export interface UpstreamsFile {
  upstreams: Array<{ name: string; port: number }>;
}



export class Fleet implements FleetControl {
  private readonly byRole = new Map<string, FleetProcess[]>();
  private readonly watchers: SourceWatcher[] = [];
  private scaling: Promise<unknown> = Promise.resolve();
  private stopped = false;
  /** Each stand-in's port, chosen before anything starts, by role. */
  private readonly standInPorts = new Map<string, number>();
  /** The stand-ins' URLs, by the variable every process finds them in. */
  private readonly standInUrls: Record<string, string> = {};
  /** The upstream list last written for the balancer, to write it only when it changes. */
  private upstreamsWritten: string | undefined;
  /** Processes a deploy is replacing: out of the balancer's list until their successors are up. */
  private readonly leaving = new Set<FleetProcess>();

  private constructor(private readonly options: FleetOptions) {
    for (const role of options.roles) this.byRole.set(role.role, []);
  }

  /** Starts every role's default count and watches their folders for saves. */
  static async start(options: FleetOptions): Promise<Fleet> {
    const fleet = new Fleet(options);
    for (const role of options.roles) {
      if (!role.standIn) continue;
      const port = await (options.takePort ?? freePort)();
      fleet.standInPorts.set(role.role, port);
      fleet.standInUrls[role.standIn.urlVariable] = `http://127.0.0.1:${port}`;
    }
    for (const role of options.roles) await fleet.grow(role, role.count.default);
    fleet.watchFolders();
    return fleet;
  }

  get appPort(): number {
    return this.options.appPort;
  }

  /** The process on the app's port. */
  get primary(): FleetProcess {
    const role = this.options.roles.find((candidate) => candidate.primary)!;
    return this.byRole.get(role.role)![0]!;
  }

  /**
   * Resolves true once the process on the app's port is up and, behind a balancer, the first
   * process it balances is up and in its rotation: a request sent then is answered. False when
   * one of them exited first.
   */
  async appReady(): Promise<boolean> {
    if (!(await this.primary.firstStart)) return false;
    const balanced = this.balancedRole();
    const first = balanced === undefined ? undefined : this.byRole.get(balanced)![0];
    if (!first) return true;
    if (!(await first.firstStart)) return false;
    return this.options.inRotation ? this.options.inRotation(this.memberOf(first)) : true;
  }

  /** Resolves once saves are being watched. */
  get watching(): Promise<void> {
    return Promise.all(this.watchers.map((watcher) => watcher.ready)).then(() => undefined);
  }

  members(): FleetMember[] {
    return [...this.byRole.values()].flat().map((member) => this.memberOf(member));
  }

  private memberOf(member: FleetProcess): FleetMember {
    const { name, role, index, port } = member.options;
    const pid = member.pid();
    const metricsPath = this.roleNamed(role).balances ? BALANCER_METRICS_PATH : undefined;
    return { name, role, index, ...(pid !== undefined ? { pid } : {}), ...(port !== undefined ? { port } : {}), ...(metricsPath ? { metricsPath } : {}) };
  }

  /**
   * Sets a role's count, starting or stopping its highest-numbered processes, and starts again
   * those of the role that are down (killed, crashed): the count asked for is the count that
   * runs. Answers the members.
   */
  scale(roleName: string, count: number): Promise<FleetMember[]> {
    const run = this.scaling.then(async () => {
      const role = this.roleNamed(roleName);
      const { min, max } = role.count;
      if (!Number.isInteger(count) || count < min || count > max) {
        throw new LabError('FLEET_REFUSED', `${role.role} runs ${min === max ? `exactly ${min} process${min === 1 ? '' : 'es'}` : `from ${min} to ${max} processes`} in this scenario; ${count} is outside that`);
      }
      if (this.stopped) throw new LabError('FLEET_REFUSED', 'the lab is stopping');
      const processes = this.byRole.get(role.role)!;
      const grown = count > processes.length ? await this.grow(role, count) : [];
      const leaving = processes.splice(count);
      const down = processes.filter((member) => member.isDown() && !grown.includes(member));
      for (const member of down) member.restart();
      if (leaving.length > 0) this.changed();
      await Promise.all(leaving.reverse().map((member) => member.stop()));
      // Behind the balancer, answered once it sends to the new ones: a load test started next reaches them all.
      const inRotation = role.role === this.balancedRole() ? this.options.inRotation : undefined;
      if (inRotation) await Promise.all([...grown, ...down].map(async (member) => (await member.ready()) && inRotation(this.memberOf(member))));
      return this.members();
    });
    this.scaling = run.catch(() => undefined);
    return run;
  }

  /**
   * Kills one process with SIGKILL, as a crash would: the one named, else the role's
   * highest-numbered running one; with neither, the one on the app's port.
   */
  kill(target: { role?: string; process?: string } = {}): FleetKill {
    const candidates =
      target.role !== undefined ? this.byRole.get(this.roleNamed(target.role).role)! : target.process !== undefined ? [...this.byRole.values()].flat() : [this.primary];
    const running = candidates.filter((member) => member.pid() !== undefined);
    const chosen = target.process === undefined ? running.at(-1) : running.find((member) => member.name === target.process);
    const killedPid = chosen?.crash();
    if (!chosen || killedPid === undefined) {
      const which = target.process ?? (target.role !== undefined ? `no ${target.role} process` : `the ${this.primary.options.label}`);
      const entry = (candidates[0] ?? this.primary).options.entryName;
      throw new LabError('FLEET_REFUSED', `${which} is not running right now (it may have crashed already); save ${entry} or restart \`npm start\``);
    }
    return { name: chosen.name, killedPid, killedAt: Date.now() };
  }

  /**
   * Replaces a role's processes one at a time, as a rolling deploy does: each is stopped
   * (SIGTERM, then SIGKILL after a grace period) and started again, and the next one waits
   * until it answers and `inRotation` says the balancer sends to it again.
   */
  deploy(roleName?: string): Promise<FleetDeploy> {
    const run = this.scaling.then(async () => {
      const role = roleName === undefined ? appRole(this.options.roles) : this.roleNamed(roleName);
      if (this.stopped) throw new LabError('FLEET_REFUSED', 'the lab is stopping');
      const inRotation = role.role === this.balancedRole() ? this.options.inRotation : undefined;
      const replaced: FleetDeploy['replaced'] = [];
      for (const member of [...this.byRole.get(role.role)!]) {
        const startedAt = Date.now();
        const up = (await this.replaceOutOfRotation(member, inRotation !== undefined)) && (inRotation ? await inRotation(this.memberOf(member)) : true);
        replaced.push({ name: member.name, up, seconds: (Date.now() - startedAt) / 1000 });
        if (!up) break;
      }
      return { role: role.role, replaced };
    });
    this.scaling = run.catch(() => undefined);
    return run;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.scaling;
    await Promise.all(this.watchers.map((watcher) => watcher.close()));
    await Promise.all([...this.byRole.values()].flat().map((member) => member.stop()));
  }

  /** The role behind the balancer, if there is one. */
  private balancedRole(): string | undefined {
    return this.options.roles.find((role) => role.balances)?.balances?.role;
  }

  private roleNamed(name: string): FleetRole {
    const role = this.options.roles.find((candidate) => candidate.role === name);
    if (!role) throw new LabError('FLEET_REFUSED', `this scenario has no "${name}" processes; its roles are ${this.options.roles.map((candidate) => candidate.role).join(', ')}`);
    return role;
  }

  /** Starts processes of the role until it has `count`. */
  /** Starts processes of the role until it has `count`; answers the new ones. */
  private async grow(role: FleetRole, count: number): Promise<FleetProcess[]> {
    const processes = this.byRole.get(role.role)!;
    const grown: FleetProcess[] = [];
    while (processes.length < count) {
      const index = processes.length + 1;
      const port = !role.http ? undefined : role.primary && index === 1 ? this.options.appPort : this.standInPorts.get(role.role) ?? (await (this.options.takePort ?? freePort)());
      const member = this.createProcess(role, index, port);
      processes.push(member);
      grown.push(member);
      member.start();
    }
    return grown;
  }

  private createProcess(role: FleetRole, index: number, port: number | undefined): FleetProcess {
    const { options } = this;
    const name = processName(role.role, index);
    // A role that only ever has one process goes by its role's name: "app │", "the app".
    const label = role.count.max === 1 ? role.role : name;
    return new FleetProcess({
      name,
      role: role.role,
      index,
      label,
      entry: role.entry,
      entryName: options.learnerPath(role.entry),
      cwd: options.cwd,
      ...(port !== undefined ? { port } : {}),
      env: { ...process.env, ...this.standInUrls, DATABASE_URL: options.databaseUrl, HOST: options.host, LAB_PROCESS: name, PGAPPNAME: name, ...this.balancerEnv(role), ...role.env },
      restartOnCrash: options.restartOnCrash,
      onLine: (line) => (options.onLine ? options.onLine(label, line) : console.log(`${label} │ ${line}`)),
      log: options.log,
      onChange: () => this.changed(),
    });
  }

  private balancerEnv(role: FleetRole): Record<string, string> {
    if (!role.balances) return {};
    const file = this.options.upstreamsFile;
    if (!file) throw new LabError('SCENARIO_DEFINITION', `the ${role.role} balances ${role.balances.role}, and the fleet was given no upstreamsFile to tell it where they listen`);
    this.writeUpstreams();
    return { LAB_UPSTREAMS_FILE: file, LAB_BALANCER_CONFIG: role.balances.settingsFile };
  }

  private changed(): void {
    this.writeUpstreams();
    this.options.onChange?.(this.members());
  }

  /** Rewrites the balancer's list of the processes it balances, when it changed. */
  /**
   * Replaces one process; behind the balancer, its list leaves the process out from the moment
   * it is told to stop until its successor is up, as a platform takes an instance out of its load
   * balancer when it stops it (Kubernetes removes its endpoint). The list changes as the signal
   * is sent, not before: the balancer learns of it a moment later, and a process that stops
   * listening at once still meets requests on their way.
   */
  private async replaceOutOfRotation(member: FleetProcess, balanced: boolean): Promise<boolean> {
    if (!balanced) return member.replace();
    this.leaving.add(member);
    this.writeUpstreams();
    try {
      return await member.replace();
    } finally {
      this.leaving.delete(member);
      this.writeUpstreams();
    }
  }

  private writeUpstreams(): void {
    const balanced = this.balancedRole();
    const file = this.options.upstreamsFile;
    if (balanced === undefined || file === undefined) return;
    const upstreams = this.byRole
      .get(balanced)!
      .filter((member) => !this.leaving.has(member))
      .flatMap(({ options: { name, port } }) => (port === undefined ? [] : [{ name, port }]));
    const text = JSON.stringify(upstreams);
    if (text === this.upstreamsWritten) return;
    writeJsonFile(file, { upstreams } satisfies UpstreamsFile);
    this.upstreamsWritten = text;
  }

  /** One watcher per folder that holds an entry file; a save there restarts the processes of every role whose entry lives in it. */
  private watchFolders(): void {
    const folders = new Map<string, string[]>();
    // The engine's balancer is no file of the learner's: it reads its settings file itself.
    for (const role of this.options.roles.filter((candidate) => !candidate.balances)) {
      const folder = path.dirname(role.entry);
      folders.set(folder, [...(folders.get(folder) ?? []), role.role]);
    }
    for (const [folder, roles] of folders) {
      const watcher = watchSources(
        folder,
        (file) => this.onSave(path.join(folder, file), roles),
        (message) => this.options.log(`⚠ ${message}`),
      );
      this.watchers.push(watcher);
    }
  }

  private onSave(file: string, roles: readonly string[]): void {
    if (this.stopped) return;
    const affected = roles.flatMap((role) => this.byRole.get(role)!);
    if (affected.length === 0) return;
    const what =
      affected.length === 1
        ? `${affected[0]!.pid() === undefined ? 'starting' : 'restarting'} the ${affected[0]!.options.label}`
        : `restarting ${affected.map((member) => member.name).join(', ')}`;
    this.options.log(`${this.options.learnerPath(file)} saved: ${what}.`);
    for (const member of affected) member.restart();
  }
}

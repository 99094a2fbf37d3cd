/**
 * The engine's fleet, on the fixture scenario (test/engine/fixture-library): an app and two
 * clerks (processes without a port) at start. Scaled up and down, refused out of range, one
 * killed as a crash would, all stopped on Ctrl-C; each seen by name in .lab/lab.json, in
 * PostgreSQL's pg_stat_activity and on the dashboard; scaling brings a killed one back.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { FleetMember } from '../../lab/lab-context.js';
import { isProcessAlive } from '../../lab/os/processes.js';
import { useFixtureLab } from './fixture-lab.js';
import { runCli } from '../helpers/cli.js';
import { sql } from '../helpers/database.js';
import { waitFor } from '../helpers/wait.js';

const CLI = 'lab/cli.ts';

describe('a fleet of three processes, through the engine', () => {
  const fixture = useFixtureLab();
  const cli = (args: string[]) => runCli(CLI, args, fixture().env);


  /** The processes as .lab/lab.json lists them: "clerk-2" → its pid (undefined while down). */
  const processes = () => new Map((fixture().sandbox.state().processes ?? []).map((member: FleetMember) => [member.name, member.pid]));
  /** Client connections by application_name, the lab's own left out. */
  const connectionsByProcess = async () => {
    const rows = await sql<{ name: string; count: string }>(
      fixture().sandbox.state().adminDatabaseUrl,
      "SELECT application_name AS name, count(*) AS count FROM pg_stat_activity WHERE backend_type = 'client backend' AND application_name NOT LIKE 'lab%' AND pid <> pg_backend_pid() GROUP BY 1",
    );
    return Object.fromEntries(rows.map((row) => [row.name, Number(row.count)]));
  };

  it('runs its fleet: the app and two clerks, each its own process, each connected under its own name', async () => {
    expect([...processes().keys()]).toEqual(['app-1', 'clerk-1', 'clerk-2']);
    expect([...processes().values()].every((pid) => pid !== undefined && isProcessAlive(pid))).toBe(true);
    expect(fixture().sandbox.state().appPid).toBe(processes().get('app-1'));
    expect(fixture().lab.output()).toMatch(/Processes\s+app-1 :\d+, clerk-1, clerk-2 \(npm run scale -- clerk N\)/);
    const seen = await waitFor(connectionsByProcess, (byName) => byName['clerk-1'] === 1 && byName['clerk-2'] === 1);
    expect(seen).toMatchObject({ 'clerk-1': 1, 'clerk-2': 1 });
    const fleet = (await (await fetch(`http://127.0.0.1:${fixture().sandbox.ports.labPort}/api/fleet`)).json()) as { processes: FleetMember[] };
    expect(fleet.processes.map((member) => member.name)).toEqual(['app-1', 'clerk-1', 'clerk-2']);
    // The dashboard's table: every process by name, with the connections it holds.
    const dashboardRows = async () => {
      const body = (await (await fetch(`http://127.0.0.1:${fixture().sandbox.ports.labPort}/api/dashboard`)).json()) as { tables: Record<string, Array<{ name: string; values: Array<number | null> }>> };
      return Object.fromEntries((body.tables.processes ?? []).map((row) => [row.name, row.values[0]]));
    };
    expect(await waitFor(dashboardRows, (rows) => rows['clerk-1'] === 1 && rows['clerk-2'] === 1 && 'app-1' in rows)).toMatchObject({ 'clerk-1': 1, 'clerk-2': 1 });
  });

  it.runIf(process.platform === 'linux')('holds a clerk to one core beside a CPU burner for a while, then gives it every core back', async () => {
    const clerk = processes().get('clerk-1')!;
    const maskOf = (pid: number) => execFileSync('taskset', ['-p', String(pid)], { encoding: 'utf8' }).trim().split(':').at(-1)!.trim();
    const before = maskOf(clerk);
    const result = await cli(['chaos', 'noisy', 'clerk', '--seconds', '3']);
    expect(result.code, result.stderr).toBe(0);
    const burner = Number(/CPU burner \(pid (\d+)\)/.exec(result.stdout)?.[1]);
    expect(result.stdout).toMatch(new RegExp(`^clerk-1 \\(pid ${clerk}\\) now shares core 0 with a CPU burner \\(pid \\d+\\) for 3 s`));
    // Both held to core 0 (mask 1) while it lasts.
    expect([maskOf(clerk), maskOf(burner)]).toEqual(['1', '1']);
    const second = await cli(['chaos', 'noisy', 'clerk', '--seconds', '3']);
    expect(second.code).not.toBe(0);
    expect(second.stderr).toMatch(/a noisy neighbour is already beside clerk-1/);
    // Then the burner has ended by itself and the clerk may use every core again.
    expect(await waitFor(() => maskOf(clerk), (mask) => mask === before, 15_000)).toBe(before);
    expect(await waitFor(() => isProcessAlive(burner), (alive) => !alive, 15_000)).toBe(false);
  });

  it('refuses a noisy neighbour without a role, or for longer than it allows, in one line', async () => {
    const bare = await cli(['chaos', 'noisy']);
    expect(bare.code).not.toBe(0);
    expect(bare.stderr).toMatch(/A noisy neighbour beside which role's process\?/);
    const tooLong = await cli(['chaos', 'noisy', 'clerk', '--seconds', '121']);
    expect(tooLong.stderr).toMatch(/--seconds 121 is not a whole number from 1 to 120/);
  });

  it('scales the clerks up and down: new ones start and connect at once, the highest-numbered leave first', async () => {
    const up = await cli(['scale', 'clerk', '4']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/^clerk: 4 processes now\./);
    expect([...processes().keys()]).toEqual(['app-1', 'clerk-1', 'clerk-2', 'clerk-3', 'clerk-4']);
    expect(await waitFor(connectionsByProcess, (byName) => byName['clerk-3'] === 1 && byName['clerk-4'] === 1)).toMatchObject({ 'clerk-3': 1, 'clerk-4': 1 });

    const leaving = [processes().get('clerk-2')!, processes().get('clerk-3')!, processes().get('clerk-4')!];
    const down = await cli(['scale', 'clerk', '1']);
    expect(down.code, down.stderr).toBe(0);
    expect([...processes().keys()]).toEqual(['app-1', 'clerk-1']);
    expect(leaving.filter((pid) => isProcessAlive(pid))).toEqual([]);
    const after = await waitFor(connectionsByProcess, (byName) => ['clerk-2', 'clerk-3', 'clerk-4'].every((name) => byName[name] === undefined));
    expect(after['clerk-2'] ?? 0).toBe(0);
    expect(after['clerk-1']).toBe(1);
  });

  it('refuses a count outside the role\'s range, and a role the scenario does not have, in one line', async () => {
    const tooMany = await cli(['scale', 'clerk', '9']);
    expect(tooMany.code).toBe(1);
    expect(tooMany.stderr.trim()).toBe('✘ Not scaled: clerk runs from 0 to 4 processes in this scenario; 9 is outside that.');
    const unknown = await cli(['scale', 'librarian', '2']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr.trim()).toBe('✘ Not scaled: this scenario has no "librarian" processes; its roles are app, clerk.');
    const bad = await cli(['scale', 'clerk', 'many']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/many is not a number of processes\. usage: npm run scale -- ROLE COUNT/);
    expect([...processes().keys()]).toEqual(['app-1', 'clerk-1']);
  });

  it('kills a clerk as a crash would: it stays down, the others run on', async () => {
    const clerk = processes().get('clerk-1')!;
    const app = processes().get('app-1')!;
    const result = await cli(['chaos', 'kill', 'clerk', '--seconds', '1']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`Killed clerk-1 (pid ${clerk}) with SIGKILL`);
    expect(result.stdout).toContain('✘ clerk-1 is still down after 1 s: nothing restarts it.');
    expect(isProcessAlive(clerk)).toBe(false);
    expect(processes().get('clerk-1')).toBeUndefined();
    expect(processes().get('app-1')).toBe(app);
    expect(fixture().lab.output()).toMatch(/The clerk-1 process died \(signal SIGKILL\), and nothing restarts it\. It stays down until you save test\/engine\/fixture-library\/src\/clerk\.ts/);
  });

  it('scaling the role starts again the one that is down: the count asked for is the count that runs', async () => {
    expect(processes().get('clerk-1')).toBeUndefined();
    const same = await cli(['scale', 'clerk', '1']);
    expect(same.code, same.stderr).toBe(0);
    const back = await waitFor(processes, (now) => now.get('clerk-1') !== undefined, 15_000);
    expect(isProcessAlive(back.get('clerk-1')!)).toBe(true);
    expect(await waitFor(connectionsByProcess, (byName) => byName['clerk-1'] === 1)).toMatchObject({ 'clerk-1': 1 });
  });

  it('after the supervisor is killed, the next start stops every process it left behind', async () => {
    expect((await cli(['scale', 'clerk', '2'])).code).toBe(0);
    expect(await waitFor(connectionsByProcess, (byName) => byName['clerk-2'] === 1)).toMatchObject({ 'clerk-2': 1 });
    const orphans = [...processes().entries()].filter((entry): entry is [string, number] => entry[1] !== undefined);
    expect(orphans.map(([name]) => name)).toEqual(['app-1', 'clerk-1', 'clerk-2']);
    fixture().lab.child.kill('SIGKILL');
    await fixture().lab.exited;
    expect(orphans.filter(([, pid]) => isProcessAlive(pid))).toEqual(orphans);

    await fixture().startAgain();
    for (const [name, pid] of orphans) expect(fixture().lab.output()).toContain(`stopping ${name} left running by an earlier lab (pid ${pid})`);
    expect(orphans.filter(([, pid]) => isProcessAlive(pid))).toEqual([]);
    // The new lab runs the fleet as declared: the app and two clerks.
    expect([...processes().keys()]).toEqual(['app-1', 'clerk-1', 'clerk-2']);
  });

  it('stops every process of the fleet on Ctrl-C, and the database', async () => {
    const scaled = await cli(['scale', 'clerk', '3']);
    expect(scaled.code, scaled.stderr).toBe(0);
    const { postgresPid } = fixture().sandbox.state();
    const pids = [...processes().values()].filter((pid): pid is number => pid !== undefined);
    expect(pids).toHaveLength(4); // app-1, clerk-1, clerk-2, clerk-3
    fixture().lab.child.kill('SIGINT');
    expect(await fixture().lab.exited).toBe(0);
    expect(fixture().lab.output()).toContain("SIGINT: stopping the app's 4 processes, the lab server and the database…");
    expect([...pids, postgresPid!].filter((pid) => isProcessAlive(pid))).toEqual([]);
  });
});

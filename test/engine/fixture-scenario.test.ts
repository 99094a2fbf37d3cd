/**
 * The engine holds no scenario's knowledge: a scenario only this test knows (a lending
 * library, test/engine/fixture-library) goes through `npm start`, the load test, check, solve,
 * reset and the SQL console, and every line the learner reads speaks of the library, never of
 * the real scenarios' feed, posts, shop or orders. Its fleet is an app and two clerks (processes
 * without a port): scaled, killed and stopped with Ctrl-C, each seen by name in PostgreSQL.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../lab/config.js';
import { createLabSandbox, type LabInstance, type LabSandbox } from '../../harness/sandbox.js';
import type { RunRecord } from '../../lab/runs/run-record.js';
import type { FleetMember } from '../../lab/lab-context.js';
import { isProcessAlive } from '../../lab/os/processes.js';
import { sql } from '../helpers/database.js';
import { waitFor } from '../helpers/wait.js';
import { runCli } from '../helpers/cli.js';

const FIXTURE = path.join(ROOT_DIR, 'test', 'engine', 'fixture-library');
const CLI = 'lab/cli.ts';
/** Words of the real scenarios that must never reach the fixture's learner. */
const OTHER_SCENARIOS = /\bfeed\b|\bposts?\b|feed_app|\bshop\b|\borders?\b/i;

describe('a scenario only the tests know, through the engine', () => {
  let sandbox: LabSandbox;
  let lab: LabInstance;
  let env: Record<string, string>;
  const cli = async (args: string[]) => {
    const result = await runCli(CLI, args, env);
    expect(`${result.stdout}${result.stderr}`, args.join(' ')).not.toMatch(OTHER_SCENARIOS);
    return result;
  };
  const checkReport = async () => JSON.parse((await cli(['check', '--json'])).stdout) as { passed: boolean; steps: Array<{ id: string; status: string }> };

  beforeAll(async () => {
    sandbox = await createLabSandbox();
    const extra = { LAB_SCENARIO: FIXTURE, LAB_APP_ENTRY: path.join(FIXTURE, 'src', 'server.ts') };
    env = Object.fromEntries(Object.entries(sandbox.env(extra)).filter((entry): entry is [string, string] => entry[1] !== undefined));
    lab = sandbox.start([], extra);
    await lab.ready;
  }, 120_000);
  /** The processes as .lab/lab.json lists them: "clerk-2" → its pid (undefined while down). */
  const processes = () => new Map((sandbox.state().processes ?? []).map((member: FleetMember) => [member.name, member.pid]));
  /** Client connections by application_name, the lab's own left out. */
  const connectionsByProcess = async () => {
    const rows = await sql<{ name: string; count: string }>(
      sandbox.state().adminDatabaseUrl,
      "SELECT application_name AS name, count(*) AS count FROM pg_stat_activity WHERE backend_type = 'client backend' AND application_name NOT LIKE 'lab%' AND pid <> pg_backend_pid() GROUP BY 1",
    );
    return Object.fromEntries(rows.map((row) => [row.name, Number(row.count)]));
  };
  afterAll(async () => {
    if (lab && lab.child.exitCode === null) {
      lab.child.kill('SIGINT');
      await lab.exited;
    }
    sandbox?.remove();
  });

  it('starts with the library: its title, its data, its page, its database', () => {
    const banner = lab.output();
    expect(banner).toContain('Scenario 98 — A Lending Library That Only Tests Visit');
    expect(banner).toContain('2,000 books');
    expect(banner).toContain(`http://localhost:${sandbox.ports.appPort}/authors/7/books`);
    expect(banner).toMatch(/postgres:\/\/librarian:\*\*\*\*@127\.0\.0\.1:\d+\/library/);
    expect(banner).not.toMatch(OTHER_SCENARIOS);
  });

  it('load-tests the library\'s page and records the run', async () => {
    const result = await cli(['loadtest', '--json', '--duration', '2']);
    expect(result.code, result.stderr).toBe(0);
    const record = JSON.parse(result.stdout) as RunRecord;
    expect(record.summary.route).toBe('/authors/7/books');
    expect(record.summary.users).toBe(5);
    expect(record.summary.succeeded).toBeGreaterThan(0);
  });

  it('checks, solves and resets with the library\'s own step and SQL', async () => {
    expect(await checkReport()).toMatchObject({ passed: false, steps: [{ id: 'author-index', status: 'failed' }] });
    expect((await cli(['solve'])).code).toBe(0);
    expect(await checkReport()).toMatchObject({ passed: true, steps: [{ id: 'author-index', status: 'passed' }] });
    const reset = await cli(['reset', '--yes']);
    expect(reset.code, reset.stderr).toBe(0);
    expect(reset.stdout).toContain('books_author_idx');
    expect(await checkReport()).toMatchObject({ passed: false, steps: [{ id: 'author-index', status: 'failed' }] });
    expect((await cli(['hint'])).stdout).toContain('Which column does the lookup filter on?');
  });

  it('opens the SQL console on the library\'s database, as its role', async () => {
    const result = await cli(['db', '--builtin', '-c', 'SELECT count(*) AS books, current_user FROM books']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/2000/);
    expect(result.stdout).toMatch(/librarian/);
  });

  it('runs its fleet: the app and two clerks, each its own process, each connected under its own name', async () => {
    expect([...processes().keys()]).toEqual(['app-1', 'clerk-1', 'clerk-2']);
    expect([...processes().values()].every((pid) => pid !== undefined && isProcessAlive(pid))).toBe(true);
    expect(sandbox.state().appPid).toBe(processes().get('app-1'));
    expect(lab.output()).toMatch(/Processes\s+app-1 :\d+, clerk-1, clerk-2 \(npm run scale -- clerk N\)/);
    const seen = await waitFor(connectionsByProcess, (byName) => byName['clerk-1'] === 1 && byName['clerk-2'] === 1);
    expect(seen).toMatchObject({ 'clerk-1': 1, 'clerk-2': 1 });
    const fleet = (await (await fetch(`http://127.0.0.1:${sandbox.ports.labPort}/api/fleet`)).json()) as { processes: FleetMember[] };
    expect(fleet.processes.map((member) => member.name)).toEqual(['app-1', 'clerk-1', 'clerk-2']);
  });

  it('scales the clerks up and down: new ones start and connect at once, the highest-numbered leave first', async () => {
    const up = await cli(['scale', 'clerk', '4']);
    expect(up.code, up.stderr).toBe(0);
    expect(up.stdout).toMatch(/^clerk: 4 processes now\./);
    expect([...processes().keys()]).toEqual(['app-1', 'clerk-1', 'clerk-2', 'clerk-3', 'clerk-4']);
    expect(await waitFor(connectionsByProcess, (byName) => byName['clerk-4'] === 1)).toMatchObject({ 'clerk-3': 1, 'clerk-4': 1 });

    const leaving = [processes().get('clerk-2')!, processes().get('clerk-3')!, processes().get('clerk-4')!];
    const down = await cli(['scale', 'clerk', '1']);
    expect(down.code, down.stderr).toBe(0);
    expect([...processes().keys()]).toEqual(['app-1', 'clerk-1']);
    expect(leaving.filter((pid) => isProcessAlive(pid))).toEqual([]);
    const after = await waitFor(connectionsByProcess, (byName) => byName['clerk-2'] === undefined && byName['clerk-4'] === undefined);
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
    expect(lab.output()).toMatch(/The clerk-1 process died \(signal SIGKILL\), and nothing restarts it\. It stays down until you save test\/engine\/fixture-library\/src\/clerk\.ts/);
  });

  it('stops every process of the fleet on Ctrl-C, and the database', async () => {
    const scaled = await cli(['scale', 'clerk', '3']);
    expect(scaled.code, scaled.stderr).toBe(0);
    const { postgresPid } = sandbox.state();
    const pids = [...processes().values()].filter((pid): pid is number => pid !== undefined);
    expect(pids).toHaveLength(3); // app-1, clerk-2, clerk-3 (clerk-1 is still down)
    lab.child.kill('SIGINT');
    expect(await lab.exited).toBe(0);
    expect([...pids, postgresPid!].filter((pid) => isProcessAlive(pid))).toEqual([]);
  });
});

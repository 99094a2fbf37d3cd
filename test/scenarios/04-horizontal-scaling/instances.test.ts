/**
 * Scenario 4's app as several instances, on a real PostgreSQL with the learner's connection
 * budget (max_connections 40) and the default seed, each instance its own Node.js process:
 *   - sessions kept in one process's memory: a login on one instance is unknown to another;
 *     the solution's sessions (in PostgreSQL, after solution/fix.sql) are known to every one;
 *   - a pool sized for one instance: two instances under concurrent logins ask PostgreSQL for
 *     more connections than the app's role may hold (53300); the solution's four stay within.
 * The learner's files run from their shipped copies (machinery/pristine), never from src/.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startScratchDatabase, type ScratchDatabase } from '../../../harness/scratch-database.js';
import { isConnectionLimitMessage } from '../../../lab/database/refused-connections.js';
import { freePort } from '../../../lab/net/free-port.js';
import { isListening } from '../../../lab/net/ports.js';
import { BROKEN_SERVER, FIXED_SERVER, lab, scenario, scenarioPath } from '../../helpers/project-lab.js';
import { waitFor } from '../../helpers/wait.js';
import { spawnTestProcess, stopTestProcesses } from '../../helpers/processes.js';
import { SEEDED_PASSWORD } from '../../../scenarios/04-horizontal-scaling/db/seed.js';

const FIX_SQL = fs.readFileSync(scenarioPath('solution/fix.sql'), 'utf8');

let database: ScratchDatabase;
const running = new Set<ChildProcess>();

interface Instance {
  url: string;
  output: () => string;
}

/** Starts one instance of `file` on a free port; resolves once it listens. */
async function startInstance(file: string, name: string): Promise<Instance> {
  const port = await freePort();
  const { output } = spawnTestProcess(file, { DATABASE_URL: database.appUrl, PORT: String(port), HOST: '127.0.0.1', LAB_PROCESS: name, PGAPPNAME: name }, running);
  expect(await waitFor(() => isListening(port), Boolean, 30_000), output()).toBe(true);
  return { url: `http://127.0.0.1:${port}`, output };
}

const stopAll = () => stopTestProcesses(running);

/** Logs customer `n` in on `instance`; answers the status, the session cookie and the body. */
async function logIn(instance: Instance, n: number): Promise<{ status: number; cookie: string | undefined; body: { error?: string; message?: string } }> {
  const response = await fetch(`${instance.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: `user${n}@example.com`, password: SEEDED_PASSWORD }),
  });
  const cookie = response.headers.get('set-cookie')?.split(';')[0];
  return { status: response.status, cookie, body: (await response.json()) as { error?: string; message?: string } };
}

const me = async (instance: Instance, cookie: string) => (await fetch(`${instance.url}/me`, { headers: { cookie } })).status;

beforeAll(async () => {
  // The scenario's own server: its budget (max_connections 40), its role, schema and seed.
  database = await startScratchDatabase(scenario, lab.paths.schema, 'lab-instances-pg');
}, 120_000);

afterEach(stopAll);

afterAll(async () => {
  await stopAll();
  await database?.stop();
});

describe('sessions across instances', () => {
  it('as shipped: a login on one instance is a stranger to the other (401)', async () => {
    const [first, second] = [await startInstance(BROKEN_SERVER, 'app-1'), await startInstance(BROKEN_SERVER, 'app-2')];
    const login = await logIn(first!, 1);
    expect(login.status).toBe(200);
    expect(login.cookie).toMatch(/^sid=/);
    expect(await me(first!, login.cookie!)).toBe(200);
    expect(await me(second!, login.cookie!)).toBe(401);
  });

  it('solved: sessions in PostgreSQL are known to every instance, and a logout ends them everywhere', async () => {
    const admin = new pg.Client({ connectionString: database.appUrl });
    await admin.connect();
    try {
      await admin.query(FIX_SQL);
    } finally {
      await admin.end();
    }
    const [first, second] = [await startInstance(FIXED_SERVER, 'app-1'), await startInstance(FIXED_SERVER, 'app-2')];
    const login = await logIn(first!, 2);
    expect(login.status).toBe(200);
    expect([await me(first!, login.cookie!), await me(second!, login.cookie!)]).toEqual([200, 200]);
    await fetch(`${second!.url}/logout`, { method: 'POST', headers: { cookie: login.cookie! } });
    expect(await me(first!, login.cookie!)).toBe(401);
    expect((await logIn(first!, 3)).status).toBe(200);
    expect((await logIn(second!, 3)).status).toBe(200);
  });
});

/** How long the burst's logins wait on the users table: a fixed wait is the stall itself, not a guess at a condition. */
const STALL_MS = 1_500;

describe('the connection budget across instances', () => {
  /**
   * Sends `each` logins at once to every instance while writes to users are held for a moment (a
   * lock, as a migration takes): every login waits on its UPDATE with its connection, so each
   * pool grows to its limit, however fast this machine checks passwords. Answers the statuses
   * and the error messages.
   */
  async function loginBurst(instances: Instance[], each: number) {
    const admin = new pg.Client({ connectionString: database.adminUrl });
    await admin.connect();
    try {
      await admin.query('BEGIN');
      await admin.query('LOCK TABLE users IN EXCLUSIVE MODE');
      const burst = Promise.all(instances.flatMap((instance, i) => Array.from({ length: each }, (_, k) => logIn(instance, 1 + i * each + k))));
      // Long enough for every login to reach its UPDATE (or be refused a connection).
      await new Promise((resolve) => setTimeout(resolve, STALL_MS));
      await admin.query('COMMIT');
      const answers = await burst;
      return { statuses: answers.map((answer) => answer.status), messages: answers.map((answer) => answer.body.message ?? answer.body.error ?? '') };
    } finally {
      await admin.end();
    }
  }

  it('as shipped: two instances with a pool of 20 each ask for more than the 37 connections the role may hold, and PostgreSQL refuses (53300)', async () => {
    const instances = [await startInstance(BROKEN_SERVER, 'app-1'), await startInstance(BROKEN_SERVER, 'app-2')];
    const { statuses, messages } = await loginBurst(instances, 25);
    const refused = messages.filter(isConnectionLimitMessage);
    const output = instances.map((instance) => instance.output()).join('\n');
    expect(statuses.filter((status) => status >= 500).length, output).toBeGreaterThan(0);
    expect(refused.length + (isConnectionLimitMessage(output) ? 1 : 0), `${messages.join('\n')}\n${output}`).toBeGreaterThan(0);
  });

  it("solved: four instances sized from the budget answer the same burst, none refused", async () => {
    const instances = [];
    for (let i = 1; i <= 4; i += 1) instances.push(await startInstance(FIXED_SERVER, `app-${i}`));
    const { statuses } = await loginBurst(instances, 25);
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
  });
});

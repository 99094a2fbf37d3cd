/**
 * Scenario 3's lab through `npm start`, as the learner gets it: the API, three workers and the
 * mail stand-in, each its own process and its own connection name; a sign-up's welcome email
 * reaches the stand-in; the banner says the provider is a stand-in; scaling the workers to 6
 * exhausts the budget of 40; Ctrl-C stops every process. The learner's files run from their
 * shipped copies (LAB_LEARNER_DIR), never from src/.
 */
import { chromium, type Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { chartSeries, type HistorySlice } from '../../../lab/dashboard/chart-history.js';
import { panelsFor } from '../../../lab/dashboard/panels.js';
import { isConnectionLimitMessage } from '../../../lab/database/refused-connections.js';
import type { FleetMember } from '../../../lab/lab-context.js';
import { isProcessAlive } from '../../../lab/os/processes.js';
import { runCli } from '../../helpers/cli.js';
import { sql } from '../../helpers/database.js';
import { CHROMIUM, describeWithPrograms } from '../../helpers/external-programs.js';
import { useLabSandbox } from '../../helpers/lab-sandbox.js';
import { scenario } from '../../helpers/project-lab.js';
import { waitFor } from '../../helpers/wait.js';

const CLI = 'lab/cli.ts';

describe('Scenario 3, through npm start', () => {
  const context = useLabSandbox();
  const members = () => (context.sandbox.state().processes ?? []) as FleetMember[];
  const mailUrl = () => `http://127.0.0.1:${members().find((member) => member.role === 'mail')!.port}`;
  const connectionsByName = async () => {
    const rows = await sql<{ name: string; count: string }>(
      context.sandbox.state().adminDatabaseUrl,
      "SELECT application_name AS name, count(*) AS count FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid() GROUP BY 1",
    );
    return Object.fromEntries(rows.map((row) => [row.name, Number(row.count)]));
  };

  it('runs the API, three workers and the mail stand-in, and says the provider is a stand-in', async () => {
    context.lab = context.sandbox.start();
    await context.lab.ready;
    expect(members().map((member) => member.name)).toEqual(['api-1', 'worker-1', 'worker-2', 'worker-3', 'mail-1']);
    expect(context.lab.output()).toMatch(/Processes\s+api-1 :\d+, worker-1, worker-2, worker-3 \(npm run scale -- worker N\)/);
    expect(context.lab.output()).toMatch(/Stand-ins\s+mail-1 :\d+, for the mail provider's API/);
    expect(context.lab.output()).toMatch(/37 for the app/);
  });

  it('saves a sign-up, and a worker sends its welcome email through the stand-in', async () => {
    const api = `http://127.0.0.1:${context.sandbox.ports.appPort}`;
    const response = await fetch(`${api}/signups`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ada@example.test', name: 'Ada' }) });
    expect(response.status).toBe(201);
    // The stand-in starts beside the API: it may not listen yet when the banner is printed.
    const stats = await waitFor(
      () =>
        fetch(`${mailUrl()}/stats`)
          .then(async (answer) => (await answer.json()) as { jobs: number })
          .catch(() => ({ jobs: 0 })),
      (seen) => seen.jobs >= 1,
    );
    expect(stats.jobs).toBeGreaterThanOrEqual(1);
    const bad = await fetch(`${api}/signups`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"email":"not an address"}' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { message: string }).message).toMatch(/name/);
  });

  it('at 6 workers with a backlog, the workers hold the budget and the API is refused', async () => {
    // A backlog, as a burst of sign-ups leaves it: every worker's six jobs in progress at once.
    await sql(
      context.sandbox.state().appDatabaseUrl,
      "INSERT INTO jobs (kind, payload) SELECT 'welcome_email', jsonb_build_object('userId', 1, 'email', 'b' || g || '@example.test', 'name', 'B') FROM generate_series(1, 3000) AS g",
    );
    const scaled = await runCli(CLI, ['scale', 'worker', '6'], context.sandbox.env() as Record<string, string>);
    expect(scaled.code, scaled.stderr).toBe(0);
    const held = await waitFor(connectionsByName, (byName) => ['worker-4', 'worker-5', 'worker-6'].every((name) => byName[name] === 6), 30_000);
    expect(Object.entries(held).filter(([name]) => name.startsWith('worker-')).reduce((sum, [, count]) => sum + count, 0)).toBe(36);
    // Twenty sign-ups at once: the API needs more connections than the one it may still hold.
    const answers = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const response = await fetch(`http://127.0.0.1:${context.sandbox.ports.appPort}/signups`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: `late${i}@example.test`, name: 'Late' }),
        });
        return { status: response.status, message: ((await response.json()) as { message?: string }).message ?? '' };
      }),
    );
    const refused = answers.filter((answer) => answer.status === 500);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((answer) => isConnectionLimitMessage(answer.message))).toBe(true);
  });

  describeWithPrograms([CHROMIUM], 'the dashboard, in a real browser', () => {
    it("draws the scenario's own charts: sign-ups against emails sent and duplicates, the provider's latency", async () => {
      const panels = panelsFor(scenario);
      // Back to three workers: the API answers again, and the emails of the sign-ups go out.
      expect((await runCli(CLI, ['scale', 'worker', '3'], context.sandbox.env() as Record<string, string>)).code).toBe(0);
      const api = `http://127.0.0.1:${context.sandbox.ports.appPort}`;
      let n = 0;
      // Sign-ups now and then keep both charts filled while the page reads them.
      const trickle = setInterval(() => {
        n += 1;
        void fetch(`${api}/signups`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `chart${n}@example.test`, name: 'Chart' }) })
          .then((response) => response.arrayBuffer())
          .catch(() => undefined);
      }, 100);
      let browser: Browser | undefined;
      try {
        browser = await chromium.launch({ executablePath: CHROMIUM.path, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
        const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error.message));
        await page.goto(`http://127.0.0.1:${context.sandbox.ports.labPort}`);
        await page.waitForFunction(() => document.querySelectorAll('.panel').length > 0, undefined, { timeout: 10_000 });
        expect(await page.$$eval('.panel', (boxes) => boxes.map((box) => (box as HTMLElement).dataset.panel))).toEqual(panels.map((panel) => panel.id));
        const own = scenario.dashboard!.charts!.map((chart) => chart.id);
        expect(own).toEqual(['emails', 'provider']);
        const series = chartSeries(panels).map(({ key }) => key);
        const drawn = async (key: string) => {
          const data = (await page.evaluate(async () => (await fetch('/api/dashboard')).json())) as HistorySlice;
          return data.values[series.indexOf(key)]!.some((value) => value !== null && value > 0);
        };
        for (const key of ['emails/sign-ups saved', 'emails/emails sent', 'provider/p99']) {
          expect(await waitFor(() => drawn(key), (seen) => seen, 30_000), key).toBe(true);
        }
        expect(await page.$eval('.panel[data-panel="emails"]', (box) => box.textContent ?? '')).toMatch(/Sign-ups saved vs welcome emails sent/);
        expect(errors).toEqual([]);
      } finally {
        clearInterval(trickle);
        await browser?.close();
      }
    }, 90_000);
  });

  it('stops every process on Ctrl-C', async () => {
    const pids = members().map((member) => member.pid).filter((pid): pid is number => pid !== undefined);
    // The API, the mail stand-in and every worker (6, or 3 once the dashboard's test scaled them back).
    expect(pids).toHaveLength(members().length);
    expect(pids.length).toBeGreaterThanOrEqual(5);
    context.lab!.child.kill('SIGINT');
    expect(await context.lab!.exited).toBe(0);
    expect(pids.filter((pid) => isProcessAlive(pid))).toEqual([]);
  });
});

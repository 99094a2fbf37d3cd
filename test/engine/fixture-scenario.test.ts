/**
 * The engine holds no scenario's knowledge: a scenario only this test knows (a lending
 * library, test/engine/fixture-library) goes through `npm start`, the load test, check, solve,
 * reset and the SQL console, and every line the learner reads speaks of the library, never of
 * the real scenarios' feed, posts, shop or orders. (Its fleet: fixture-fleet.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { useFixtureLab } from './fixture-lab.js';
import type { RunRecord } from '../../lab/runs/run-record.js';
import { runCli } from '../helpers/cli.js';

const CLI = 'lab/cli.ts';
/** Words of the real scenarios that must never reach the fixture's learner. */
const OTHER_SCENARIOS = /\bfeed\b|\bposts?\b|feed_app|\bshop\b|\borders?\b/i;

describe('a scenario only the tests know, through the engine', () => {
  const fixture = useFixtureLab();
  const cli = async (args: string[]) => {
    const result = await runCli(CLI, args, fixture().env);
    expect(`${result.stdout}${result.stderr}`, args.join(' ')).not.toMatch(OTHER_SCENARIOS);
    return result;
  };
  const checkReport = async () => JSON.parse((await cli(['check', '--json'])).stdout) as { passed: boolean; steps: Array<{ id: string; status: string }> };


  it('starts with the library: its title, its data, its page, its database', () => {
    const banner = fixture().lab.output();
    expect(banner).toContain('Scenario 98 — A Lending Library That Only Tests Visit');
    expect(banner).toContain('2,000 books');
    expect(banner).toContain(`http://localhost:${fixture().sandbox.ports.appPort}/authors/7/books`);
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
});

/**
 * Both servers print failed requests in their terminal (the `npm start` output drill 1 asks
 * the learner to watch): one line a second at most, with how many failed and the last error.
 * Here the database is simply not there, as during `npm run chaos -- db`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../../lab/app-runner.js';
import { freePort } from '../../lab/net/free-port.js';
import { BROKEN_SERVER, FIXED_SERVER } from '../helpers/project-lab.js';

describe.each([
  ['src/server.ts (broken)', BROKEN_SERVER],
  ['solution/server.fixed.ts', FIXED_SERVER],
])('%s with its database gone', (_name, entry) => {
  let app: RunningApp;
  beforeAll(async () => {
    const nothingListens = await freePort();
    app = await startApp(entry, `postgres://feed_app:feed_app@127.0.0.1:${nothingListens}/feed`);
  });
  afterAll(async () => {
    await app?.stop();
  });

  it('prints one line for a second of failed requests, not one per request', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, () => fetch(`${app.url}/feed`).then((response) => response.status)));
    expect(answers.every((status) => status === 500)).toBe(true);
    const lines = () => app.output().split('\n').filter((line) => /requests? failed in the last second/.test(line));
    const deadline = Date.now() + 10_000;
    while (lines().length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    const [first] = lines();
    expect(first).toMatch(/^\d+ requests? failed in the last second; the last: GET \/feed: .*ECONNREFUSED/);
    // However the 40 fell across second boundaries, they are all counted, in a line or two.
    const counted = () => lines().reduce((sum, line) => sum + Number(line.split(' ')[0]), 0);
    while (counted() < 40 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    expect(counted()).toBe(40);
    expect(lines().length).toBeLessThanOrEqual(3);
  });
});

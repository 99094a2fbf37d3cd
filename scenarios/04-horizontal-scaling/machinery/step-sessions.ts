/**
 * Step "sessions": a customer who logged in stays logged in, whichever instance answers, and
 * after every instance was replaced (a deploy). The check logs in through the balancer, asks
 * GET /me a few times per instance, runs `npm run deploy`'s rolling restart, and asks again.
 * Where the session lives is the learner's choice (a table, a signed cookie, …): only what the
 * customer sees is judged. A balancer that pins each customer to one instance (sticky sessions)
 * passes the first half and fails the second: the instance that held the session was replaced.
 */
import type { CheckFleet, ScenarioStep, StepVerdict } from '../../../lab/sdk.js';
import { failed, passed } from '../../../lab/sdk.js';
import { SEEDED_PASSWORD } from '../db/seed.js';
import { HINTS } from './hints.js';
import { APP_ROLE, instances, plural, withInstances } from './fleet-probe.js';

const ASKS_PER_INSTANCE = 4;
const REQUEST_TIMEOUT_MS = 10_000;

export interface MeAnswer {
  status: number;
  servedBy?: string;
}

export interface SessionObservation {
  instances: number;
  loginStatus: number;
  loginServedBy?: string;
  before: MeAnswer[];
  afterDeploy: MeAnswer[];
}

async function logIn(appUrl: string): Promise<{ status: number; cookie?: string; servedBy?: string }> {
  const response = await fetch(`${appUrl}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'user1@example.com', password: SEEDED_PASSWORD }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const body = (await response.json().catch(() => ({}))) as { servedBy?: string };
  // The session's cookie, as a browser would send it back: "name=value" without its attributes.
  const cookie = response.headers.getSetCookie().map((line) => line.split(';')[0]).join('; ');
  return { status: response.status, ...(cookie ? { cookie } : {}), ...(body.servedBy ? { servedBy: body.servedBy } : {}) };
}

async function askMe(appUrl: string, cookie: string | undefined, times: number): Promise<MeAnswer[]> {
  const answers: MeAnswer[] = [];
  for (let i = 0; i < times; i += 1) {
    const response = await fetch(`${appUrl}/me`, { headers: cookie ? { cookie } : {}, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const body = (await response.json().catch(() => ({}))) as { servedBy?: string };
    answers.push({ status: response.status, ...(body.servedBy ? { servedBy: body.servedBy } : {}) });
  }
  return answers;
}

export async function observeSessions(fleet: CheckFleet, appUrl: string): Promise<SessionObservation> {
  const count = Math.max(2, (await instances(fleet)).length);
  return withInstances(fleet, count, async () => {
    const login = await logIn(appUrl);
    const before = await askMe(appUrl, login.cookie, ASKS_PER_INSTANCE * count);
    await fleet.deploy(APP_ROLE);
    const afterDeploy = await askMe(appUrl, login.cookie, ASKS_PER_INSTANCE * count);
    return { instances: count, loginStatus: login.status, ...(login.servedBy ? { loginServedBy: login.servedBy } : {}), before, afterDeploy };
  });
}

export const sessionsStep: ScenarioStep = {
  id: 'sessions',
  title: 'A customer stays logged in, whichever instance answers, and after a deploy',
  required: true,
  hints: HINTS.sessions,
  needs: ['app', 'fleet'],
  async check({ appUrl, fleet, sendLoad }) {
    const running = (await instances(fleet!)).length;
    const observation = await sendLoad(
      'sessions',
      `The check logs in once, asks GET /me ${ASKS_PER_INSTANCE} times per instance${running < 2 ? ' with 2 instances' : ''}, replaces every instance (npm run deploy), and asks again`,
      () => observeSessions(fleet!, appUrl),
    );
    return judgeSessions(observation);
  },
};

/** "8 of 8 answered 200 (app-1 4, app-2 4)". */
function describeAnswers(answers: MeAnswer[]): string {
  const ok = answers.filter((answer) => answer.status === 200);
  const by = new Map<string, number>();
  for (const answer of answers) by.set(answer.servedBy ?? 'unknown', (by.get(answer.servedBy ?? 'unknown') ?? 0) + 1);
  const spread = [...by].map(([name, n]) => `${name} ${n}`).join(', ');
  return `${ok.length} of ${answers.length} answered 200 (served by ${spread})`;
}

export function judgeSessions(o: SessionObservation): StepVerdict {
  if (o.loginStatus !== 200) {
    return failed(`the login (user1@example.com) answered ${o.loginStatus}`, 'the login itself must work first: try it with curl (the walkthrough shows how) and read the app\'s output in the npm start terminal');
  }
  const lostBefore = o.before.filter((answer) => answer.status !== 200);
  const lostAfter = o.afterDeploy.filter((answer) => answer.status !== 200);
  const servers = new Set(o.before.map((answer) => answer.servedBy));
  const observed = `logged in on ${o.loginServedBy ?? 'an instance'}, then GET /me with its cookie: ${describeAnswers(o.before)}; after a deploy replaced all ${plural(o.instances, 'instance')}: ${describeAnswers(o.afterDeploy)}`;
  if (lostBefore.length > 0) {
    return failed(
      observed,
      `a session kept in one process's memory is unknown to the others, so every request the balancer sends elsewhere is "not logged in". Keep sessions where every instance reads them: a table in PostgreSQL (or a signed cookie)`,
    );
  }
  if (lostAfter.length > 0) {
    const pinned = servers.size === 1 ? `every request went to ${[...servers][0]}: the balancer pins a customer to one instance (sticky sessions). ` : '';
    return failed(
      observed,
      `${pinned}the session lived in a process, and the deploy replaced it: every customer it held is logged out, as after a crash or a scale down. Keep sessions where every instance reads them and none of them owns: a table in PostgreSQL (or a signed cookie)`,
    );
  }
  return passed(observed, servers.size === 1 ? 'every request went to one instance: a balancer that spreads them (round robin, least_conn) lets each instance take its share' : '');
}

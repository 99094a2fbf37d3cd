/** The text `npm start` prints once everything is up. */
import { redactPassword } from '../database/urls.js';

export interface BannerFacts {
  /** "Scenario 1 — Connection Pools and Database Indexes". */
  title: string;
  appPort: number;
  /** The page the learner opens first, e.g. /feed. */
  appRoute: string;
  /** The learner's app file, as they find it from where they started: src/server.ts. */
  appFile: string;
  labPort: number;
  databaseUrl: string;
  mode: 'embedded' | 'external';
  /** The embedded server's data folder, as the learner finds it. */
  dataFolder: string;
  /** "5,000 users, 100,000 posts". */
  data: string;
  /** The database's connection budget as it runs: "25 allowed (max_connections), 3 of them kept for superusers: 22 for the app". */
  connections: string;
  /**
   * The fleet, when the scenario runs more than one process: "api-1 :3000, worker-1, worker-2
   * (npm run scale -- worker N)". Left out for a lone app.
   */
  processes?: string;
  /**
   * The cores the lab's processes can run on, said under the processes when the scenario
   * spreads its requests over several (a balancer): more instances than cores only share them.
   * Left out otherwise.
   */
  cores?: number;
  /**
   * The stand-ins the lab runs for outside services, one each: "mail-provider :4123, for the
   * mail provider's API". Left out when there are none.
   */
  standIns?: string[];
  /** The walkthrough, as the learner finds it from where they started. */
  walkthrough: string;
  readySeconds: number;
}

/** The line that ends the banner: the lab is up (tests wait for it). */
export const READY_LINE = 'Next: open';

export function renderBanner(facts: BannerFacts): string {
  const line = '─'.repeat(64);
  const where = facts.mode === 'embedded' ? `embedded PostgreSQL, data in ${facts.dataFolder}` : 'your DATABASE_URL';
  return [
    line,
    `  ${facts.title} (ready in ${facts.readySeconds.toFixed(1)} s)`,
    line,
    `  App                   http://localhost:${facts.appPort}${facts.appRoute}`,
    `                        (your code: ${facts.appFile})`,
    `  Dashboard             http://localhost:${facts.labPort}`,
    `  Database              ${redactPassword(facts.databaseUrl)}`,
    `                        (${where})`,
    `  Data                  ${facts.data}`,
    `  Connections           ${facts.connections}`,
    ...(facts.processes === undefined ? [] : [`  Processes             ${facts.processes}`]),
    ...(facts.cores === undefined ? [] : [`                        (this machine has ${facts.cores} core${facts.cores === 1 ? '' : 's'}: all these processes together can keep at most ${facts.cores} busy)`]),
    ...(facts.standIns ?? []).map((standIn, index) => `  ${index === 0 ? 'Stand-ins' : ''}`.padEnd(24) + standIn),
    ...(facts.standIns?.length ? ['                        (the lab runs these in place of services it cannot reach: not the real ones)'] : []),
    '',
    `  Save ${facts.appFile} and the app restarts by itself. Ctrl-C stops everything.`,
    `  ${READY_LINE} ${facts.walkthrough}`,
    line,
  ].join('\n');
}

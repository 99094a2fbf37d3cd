/** The text `npm start` prints once everything is up. */
import { redactPassword } from '../database/urls.js';

export interface BannerFacts {
  appPort: number;
  labPort: number;
  databaseUrl: string;
  mode: 'embedded' | 'external';
  users: number;
  posts: number;
  readySeconds: number;
}

export function renderBanner(facts: BannerFacts): string {
  const line = '─'.repeat(64);
  const where = facts.mode === 'embedded' ? 'embedded PostgreSQL, data in .lab/pgdata' : 'your DATABASE_URL';
  return [
    line,
    `  Scenario 1 — Connection Pools and Database Indexes (ready in ${facts.readySeconds.toFixed(1)} s)`,
    line,
    `  App (src/server.ts)   http://localhost:${facts.appPort}/feed`,
    `  Dashboard             http://localhost:${facts.labPort}`,
    `  Database              ${redactPassword(facts.databaseUrl)}`,
    `                        (${where})`,
    `  Data                  ${facts.users.toLocaleString('en-US')} users, ${facts.posts.toLocaleString('en-US')} posts`,
    '',
    '  Save src/server.ts and the app restarts by itself. Ctrl-C stops everything.',
    '  Next: open SCENARIO.md',
    line,
  ].join('\n');
}

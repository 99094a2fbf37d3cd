/**
 * `npm run seed [-- --posts N] [-- --users N]`: (re)seeds the running lab's database.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_POSTS, DEFAULT_USERS } from '../config.js';
import { LabError, runCommand } from '../errors.js';
import { resolveLabDatabase } from '../lab-connection.js';
import { existingSeed, seedWithProgress } from '../seeding.js';
import { exitWithHelpIfAsked } from '../help.js';

const USAGE = 'usage: npm run seed -- [--posts N] [--users N] [--force]';

exitWithHelpIfAsked('seed');
runCommand(async () => {
  const { values } = parseCliArgs();
  const posts = readCount(values.posts, '--posts', DEFAULT_POSTS, 1_000, 20_000_000);
  const users = readCount(values.users, '--users', DEFAULT_USERS, 1, 1_000_000);
  const { appUrl } = resolveLabDatabase();
  const present = await existingSeed(appUrl);
  if (!values.force && present?.posts === posts && present.users === users) {
    console.log(`Already seeded with ${users.toLocaleString('en-US')} users and ${posts.toLocaleString('en-US')} posts. Use --force to seed again.`);
    return 0;
  }
  console.log(`Seeding ${users.toLocaleString('en-US')} users and ${posts.toLocaleString('en-US')} posts (this replaces all users and posts)…`);
  const result = await seedWithProgress(appUrl, { users, posts, force: true });
  const rows = result.users + result.posts;
  console.log(`Done in ${result.seconds.toFixed(1)} s (${Math.round(rows / result.seconds).toLocaleString('en-US')} rows/s). Indexes you created are kept.`);
  return 0;
});

function parseCliArgs() {
  try {
    return parseArgs({
      options: { posts: { type: 'string' }, users: { type: 'string' }, force: { type: 'boolean', default: false } },
      strict: true,
    });
  } catch (error) {
    throw new LabError(`${(error as Error).message}\n  ${USAGE}`, 2);
  }
}

function readCount(raw: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw.replaceAll('_', ''));
  if (!/^[\d_]+$/.test(raw) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new LabError(`${flag} ${raw} is not a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}. ${USAGE}`, 2);
  }
  return value;
}

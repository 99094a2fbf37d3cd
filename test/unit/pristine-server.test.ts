/**
 * The pristine copies that `npm run reset` restores and the tests run match the shipped
 * learner files, and the query texts the checks EXPLAIN are the pristine server's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIO_DIR } from '../../lab/config.js';
import { USER_POSTS_QUERY } from '../../lab/check/queries.js';
import { FEED_QUERY } from '../../lab/feed-query.js';
import { SCENARIO_FILES } from '../../lab/reset/scenario-files.js';

// Only on a clean clone (CI): anywhere else src/ is the learner's work, which the tests never read.
describe.runIf(process.env.CI)('the shipped learner files, on a clean clone', () => {
  it.each(SCENARIO_FILES.pristine.map(({ learnerFile, copy }) => [learnerFile, copy]))('%s is byte for byte its pristine copy', (shipped, pristine) => {
    expect(fs.readFileSync(path.join(SCENARIO_DIR, shipped!)).equals(fs.readFileSync(pristine!))).toBe(true);
  });
});

describe('the pristine broken server', () => {
  it('sends exactly the feed query the checks EXPLAIN', () => {
    expect(fs.readFileSync(SCENARIO_FILES.pristineServer, 'utf8')).toContain(`query(\n    \`${FEED_QUERY}\`,\n  );`);
  });

  it('sends exactly the user-posts query the checks EXPLAIN', () => {
    expect(fs.readFileSync(SCENARIO_FILES.pristineServer, 'utf8')).toContain(`query(\n    \`${USER_POSTS_QUERY}\`,\n    [userId],\n  );`);
  });
});

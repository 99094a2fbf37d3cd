/** The pristine copy that `npm run reset` restores, and the query texts the checks EXPLAIN, match the shipped server. */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { USER_POSTS_QUERY } from '../../lab/check/queries.js';
import { FEED_QUERY } from '../../lab/feed-query.js';
import { SCENARIO_FILES } from '../../lab/reset/scenario-files.js';

describe('the pristine broken server', () => {
  it('is byte for byte the committed src/server.ts', () => {
    expect(fs.readFileSync(SCENARIO_FILES.server).equals(fs.readFileSync(SCENARIO_FILES.pristineServer))).toBe(true);
  });

  it('sends exactly the feed query the checks EXPLAIN', () => {
    expect(fs.readFileSync(SCENARIO_FILES.pristineServer, 'utf8')).toContain(`query(\n    \`${FEED_QUERY}\`,\n  );`);
  });

  it('sends exactly the user-posts query the checks EXPLAIN', () => {
    expect(fs.readFileSync(SCENARIO_FILES.pristineServer, 'utf8')).toContain(`query(\n    \`${USER_POSTS_QUERY}\`,\n    [userId],\n  );`);
  });
});

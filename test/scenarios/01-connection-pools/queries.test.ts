/**
 * The queries the checks EXPLAIN and the benchmark measures (machinery/queries.ts) are the ones the
 * pristine server sends, character for character; the feed's is also the solution's.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../../lab/config.js';
import { FEED_QUERY, USER_POSTS_QUERY } from '../../../scenarios/01-connection-pools/machinery/queries.js';
import { SHIPPED_APP, SOLUTION_APP } from '../../helpers/project-lab.js';

describe('the pristine broken server', () => {
  it('sends exactly the feed query the checks EXPLAIN', () => {
    expect(fs.readFileSync(SHIPPED_APP, 'utf8')).toContain(`query(\n    \`${FEED_QUERY}\`,\n  );`);
  });

  it('sends exactly the user-posts query the checks EXPLAIN', () => {
    expect(fs.readFileSync(SHIPPED_APP, 'utf8')).toContain(`query(\n    \`${USER_POSTS_QUERY}\`,\n    [userId],\n  );`);
  });
});

describe('FEED_QUERY', () => {
  it('appears verbatim in the pristine src/server.ts and in solution/server.fixed.ts', () => {
    for (const file of [SHIPPED_APP, SOLUTION_APP!]) {
      expect(fs.readFileSync(file, 'utf8'), path.relative(ROOT_DIR, file)).toContain(FEED_QUERY);
    }
  });
});

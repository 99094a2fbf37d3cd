/** lab/feed-query.ts is the query the pristine server runs for GET /feed, character for character. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../lab/config.js';
import { FEED_QUERY } from '../../lab/feed-query.js';
import { SCENARIO_FILES } from '../../lab/reset/scenario-files.js';

describe('FEED_QUERY', () => {
  it('appears verbatim in the pristine src/server.ts and in solution/server.fixed.ts', () => {
    for (const file of [SCENARIO_FILES.pristineServer, SCENARIO_FILES.solutionServer]) {
      expect(fs.readFileSync(file, 'utf8'), path.relative(ROOT_DIR, file)).toContain(FEED_QUERY);
    }
  });
});

/** lab/feed-query.ts is the query the pristine server runs for GET /feed, character for character. */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../lab/config.js';
import { FEED_QUERY } from '../../lab/feed-query.js';

describe('FEED_QUERY', () => {
  it('appears verbatim in src/server.ts and solution/server.fixed.ts', () => {
    for (const file of ['src/server.ts', 'solution/server.fixed.ts']) {
      expect(fs.readFileSync(path.join(ROOT_DIR, file), 'utf8'), file).toContain(FEED_QUERY);
    }
  });
});

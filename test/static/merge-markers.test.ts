/**
 * No merge was committed half-done: no tracked file holds git's conflict markers. One did
 * (lab/command-help.ts), and `npm start -- --help` printed them to learners.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../lab/config.js';

describe('merge conflict markers', () => {
  it('are in no tracked file', () => {
    let found = '';
    try {
      // A whole line that opens, splits or closes a conflict, as git writes them.
      found = execFileSync('git', ['grep', '-n', '-I', '-E', '^(<{7} |={7}$|>{7} )'], { cwd: ROOT_DIR, encoding: 'utf8' });
    } catch (error) {
      // git grep exits with 1 when nothing matches.
      if ((error as { status?: number }).status !== 1) throw error;
    }
    expect(found.trim().split('\n').filter(Boolean)).toEqual([]);
  });
});

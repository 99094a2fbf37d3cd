/**
 * The pristine copies that `npm run reset` restores and the tests run match the shipped
 * learner files. (Scenario 1's query texts are checked against its pristine server in
 * test/scenarios/01-connection-pools/queries.test.ts.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCENARIO_DIR } from '../../lab/config.js';
import { SCENARIO_FILES } from '../../lab/reset/scenario-files.js';

// Only on a clean clone (CI): anywhere else src/ is the learner's work, which the tests never read.
describe.runIf(process.env.CI)('the shipped learner files, on a clean clone', () => {
  it.each(SCENARIO_FILES.pristine.map(({ learnerFile, copy }) => [learnerFile, copy]))('%s is byte for byte its pristine copy', (shipped, pristine) => {
    expect(fs.readFileSync(path.join(SCENARIO_DIR, shipped!)).equals(fs.readFileSync(pristine!))).toBe(true);
  });
});

/**
 * The pristine copies that `npm run reset` restores and the tests run match the shipped
 * learner files, in every scenario of the series. (Scenario 1's query texts are checked against
 * its pristine server in test/scenarios/01-connection-pools/queries.test.ts.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioFolders } from '../../lab/scenario/location.js';
import { loadDefinition } from '../../lab/lab.js';

const pairs = (
  await Promise.all(
    scenarioFolders().map(async (folder) =>
      Object.entries((await loadDefinition(folder)).files.pristine).map(([learnerFile, copy]) => [
        `${path.basename(folder)}/${learnerFile}`,
        path.join(folder, learnerFile),
        path.join(folder, copy),
      ]),
    ),
  )
).flat();

describe('every scenario has pristine copies', () => {
  it('of at least its app, for each scenario', () => {
    expect(new Set(pairs.map(([name]) => name!.split('/')[0])).size).toBe(scenarioFolders().length);
  });
});

// Only on a clean clone (CI): anywhere else src/ is the learner's work, which the tests never read.
describe.runIf(process.env.CI)('the shipped learner files, on a clean clone', () => {
  it.each(pairs)('%s is byte for byte its pristine copy', (_name, shipped, pristine) => {
    expect(fs.readFileSync(shipped!).equals(fs.readFileSync(pristine!))).toBe(true);
  });
});

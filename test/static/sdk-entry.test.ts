/**
 * A scenario reaches the engine through one module, lab/sdk.ts: every file of every scenario's
 * machinery folder (and the fixtures'), its definition included, imports the engine from there
 * and nowhere else.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../lab/config.js';
import { DEFINITION_FILE, scenarioFolders } from '../../lab/scenario/location.js';

const FIXTURES = ['fixture-library', 'fixture-with-a-mix'].map((name) => path.join(ROOT_DIR, 'test', 'engine', name));
const MACHINERY = path.dirname(DEFINITION_FILE);
const files = [...scenarioFolders(), ...FIXTURES].flatMap((folder) =>
  fs.readdirSync(path.join(folder, MACHINERY), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts')).map((file) => path.join(folder, MACHINERY, file)),
);
/** Every import of the engine: `import … from '…/lab/x.js'`. */
const engineImports = (file: string) =>
  [...fs.readFileSync(file, 'utf8').matchAll(/^import (?:type )?[^;]*? from '((?:\.\.\/)+lab\/[^']+)';$/gms)].map((match) => ({ from: match[1]! }));

describe('the SDK entry', () => {
  it('is the only engine module a scenario\'s machinery imports', () => {
    expect(files.length).toBeGreaterThan(10);
    expect(files.filter((file) => file.endsWith(DEFINITION_FILE))).toHaveLength(scenarioFolders().length + FIXTURES.length);
    const elsewhere = files.flatMap((file) => engineImports(file).filter(({ from }) => !from.endsWith('/lab/sdk.js')).map(({ from }) => `${path.relative(ROOT_DIR, file)}: ${from}`));
    expect(elsewhere).toEqual([]);
  });
});

/** The line `npm run check` prints first when the learner's balancer.conf is refused (lab/check/balancer-settings-note.ts). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { refusedBalancerSettings } from '../../lab/check/balancer-settings-note.js';

const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-settings-note-'));
afterAll(() => fs.rmSync(folder, { recursive: true, force: true }));

function note(text: string | undefined): string | undefined {
  const file = path.join(folder, 'balancer.conf');
  fs.rmSync(file, { force: true });
  if (text !== undefined) fs.writeFileSync(file, text);
  return refusedBalancerSettings(file, 'balancer.conf');
}

describe("the check's line about a refused balancer.conf", () => {
  it('quotes the balancer\'s own reason, and says the steps judge the settings it kept', () => {
    expect(note('upstream app {\n hash $remote_addr;\n server app-instances;\n}')).toMatch(
      /^✘ The balancer refused balancer\.conf, and runs the settings it read before it: balancer\.conf line 2: "hash" is an nginx directive .*\. The steps below judge those\.$/,
    );
  });

  it('says nothing of a file it reads, or of a missing one', () => {
    expect(note('upstream app { ip_hash; server app-instances; }')).toBeUndefined();
    expect(note(undefined)).toBeUndefined();
  });
});

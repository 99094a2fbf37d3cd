/**
 * A Windows checkout gets the same bytes as a Linux one: .gitattributes asks git for LF
 * endings everywhere, whatever core.autocrlf says, and no file in the index holds a CRLF.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../lab/config.js';

const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT_DIR, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });

describe('line endings', () => {
  const files = git('ls-files', '-z').split('\0').filter(Boolean);

  it('every tracked file is checked out with LF, on every system', () => {
    const attributes = git('check-attr', '-z', 'eol', '--', ...files).split('\0');
    const notLf: string[] = [];
    for (let i = 0; i + 2 < attributes.length; i += 3) if (attributes[i + 2] !== 'lf') notLf.push(attributes[i]!);
    expect(files.length).toBeGreaterThan(100);
    expect(notLf).toEqual([]);
  });

  it('a checkout with core.autocrlf=true (Windows’ usual setting) still gets LF in the files the tests pin', () => {
    for (const file of ['scenarios/01-connection-pools/src/server.ts', 'scenarios/01-connection-pools/machinery/pristine/server.ts.txt', 'lab/command-help.ts', 'scenarios/01-connection-pools/db/schema.sql', '.ci/run']) {
      const attributes = git('-c', 'core.autocrlf=true', 'check-attr', 'eol', 'text', '--', file);
      expect(attributes, file).toContain(`${file}: eol: lf`);
    }
  });

  it('no file in the repository holds a CRLF line ending', () => {
    const withCrlf = git('ls-files', '--eol')
      .split('\n')
      .filter((line) => /^i\/(crlf|mixed)/.test(line));
    expect(withCrlf).toEqual([]);
  });
});

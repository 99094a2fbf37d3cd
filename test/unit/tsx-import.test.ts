/**
 * `node --import` reads its argument as a URL: a Windows path ("C:\…\loader.mjs") would be a
 * URL with the scheme "c:", which Node refuses. Every place that starts TypeScript through tsx
 * passes a file: URL (or the bare name "tsx").
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT_DIR } from '../../lab/config.js';
import { TSX_IMPORT } from '../../lab/tsx-import.js';

function sourceFiles(folder: string): string[] {
  return fs
    .readdirSync(path.join(ROOT_DIR, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !file.includes('node_modules'))
    .map((file) => path.join(ROOT_DIR, folder, file));
}

describe('TSX_IMPORT', () => {
  it('is a file: URL to tsx’s loader, and node runs TypeScript with it', () => {
    expect(new URL(TSX_IMPORT).protocol).toBe('file:');
    expect(fs.existsSync(fileURLToPath(TSX_IMPORT))).toBe(true);
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-tsx-'));
    try {
      fs.writeFileSync(path.join(folder, 'answer.ts'), 'const answer: number = 41;\nconsole.log(answer + 1);\n');
      const output = execFileSync(process.execPath, ['--import', TSX_IMPORT, path.join(folder, 'answer.ts')], { encoding: 'utf8' });
      expect(output.trim()).toBe('42');
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('is what every spawn of `node --import` in the lab, the bench and the tests passes', () => {
    const offenders: string[] = [];
    for (const file of ['lab', 'harness', 'bench', 'scenarios', 'test'].flatMap(sourceFiles)) {
      for (const match of fs.readFileSync(file, 'utf8').matchAll(/'--import', *([\w.']+)/g)) {
        if (!['TSX_IMPORT', "'tsx'"].includes(match[1]!.trim())) offenders.push(`${path.relative(ROOT_DIR, file)}: ${match[0]}`);
      }
    }
    expect(offenders).toEqual([]);
  });
});

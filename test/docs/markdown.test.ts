/** The Markdown reader the docs tests rely on: if it misreads, they prove nothing. */
import { describe, expect, it } from 'vitest';
import { fencedBlocks, npmScriptsMentioned, repoPathsMentioned, unmatchedPlanLines } from '../helpers/markdown.js';

describe('fencedBlocks', () => {
  it('reads top-level and indented fences with their language', () => {
    const text = ['intro', '```sql', 'SELECT 1;', '```', '- item', '', '  ```sql', '  SHOW max_connections;', '  ```', '```', 'plain', '```'].join('\n');
    expect(fencedBlocks('x.md', text).map(({ language, body, line }) => ({ language, body, line }))).toEqual([
      { language: 'sql', body: 'SELECT 1;', line: 2 },
      { language: 'sql', body: 'SHOW max_connections;', line: 7 },
      { language: '', body: 'plain', line: 10 },
    ]);
  });
});

describe('npmScriptsMentioned', () => {
  it('finds npm run names and npm start / npm test', () => {
    expect([...npmScriptsMentioned('run `npm run loadtest -- --users 5`, then npm start; npm test. npm install')].sort()).toEqual([
      'loadtest',
      'start',
      'test',
    ]);
  });
});

describe('repoPathsMentioned', () => {
  it('keeps paths, drops routes, URLs, options, SQL names and run-time state', () => {
    const text =
      'See [the guide](SCENARIO.md#step-1) and ![d](docs/a.svg). Edit `src/server.ts`, not `lab/`. ' +
      '`GET /feed` `/users/:id/posts` `http://localhost:3000/feed` `--posts` `posts.created_at` `.lab/runs/` `README.md`';
    expect([...repoPathsMentioned(text)].sort()).toEqual(['README.md', 'SCENARIO.md', 'docs/a.svg', 'lab/', 'src/server.ts']);
  });
});

describe('unmatchedPlanLines', () => {
  const plan = [
    'Limit  (cost=1.00..2.00 rows=20 width=80) (actual time=0.1..0.2 rows=20 loops=1)',
    '  ->  Sort  (cost=1.00..2.00 rows=100 width=80)',
    '        Sort Key: p.created_at DESC',
    '        ->  Parallel Seq Scan on posts p  (cost=0.00..1.00 rows=50 width=63) (actual time=0.0..2.3 rows=50000 loops=2)',
    'Execution Time: 24.614 ms',
  ].join('\n');

  it('accepts an excerpt whose lines appear in order, with … for what is left out', () => {
    const excerpt = ['Limit  (… rows=20 …)', '  …', '  ->  Sort  (…)', '        ->  Seq Scan on posts p  (… rows=… loops=…)', 'Execution Time: … ms'].join('\n');
    expect(unmatchedPlanLines(excerpt, plan)).toEqual([]);
  });

  it('reports lines PostgreSQL did not print, and lines shown in the wrong order', () => {
    expect(unmatchedPlanLines('Index Scan Backward using posts_created_at_idx on posts p', plan)).toHaveLength(1);
    expect(unmatchedPlanLines('Seq Scan on posts p\nSort Key: p.created_at DESC', plan)).toEqual(['Sort Key: p.created_at DESC']);
  });
});

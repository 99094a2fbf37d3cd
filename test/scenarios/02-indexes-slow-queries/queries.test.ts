/**
 * The queries Scenario 2's checks EXPLAIN (machinery/queries.ts) are the ones the pristine server
 * sends, character for character, with the parameters in the same order.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MY_ORDERS_QUERY, OPERATIONS_QUERY, SEARCH_QUERY } from '../../../scenarios/02-indexes-slow-queries/machinery/queries.js';
import scenario from '../../../scenarios/02-indexes-slow-queries/machinery/scenario.js';
import { scenarioPath } from '../../helpers/project-lab.js';

const pristine = fs.readFileSync(scenarioPath(scenario.files.pristine['src/server.ts']!), 'utf8');

describe('the pristine shop server', () => {
  it('sends exactly the search query the checks EXPLAIN', () => {
    expect(pristine).toContain(`pool.query(\n      \`${SEARCH_QUERY}\`,\n      [category, minCents, maxCents],\n    );`);
  });

  it('sends exactly the "my orders" query the checks EXPLAIN', () => {
    expect(pristine).toContain(`pool.query(\n    \`${MY_ORDERS_QUERY}\`,\n    [userId],\n  );`);
  });

  it('sends exactly the operations page\'s query the checks EXPLAIN', () => {
    expect(pristine).toContain(`pool.query(\n    \`${OPERATIONS_QUERY}\`,\n    [status],\n  );`);
  });
});

// `npm run bench -- [--scenario N]`: opens the scenario's lab (the one --scenario names, else
// the one lab/scenario/location.ts chooses) and runs the benchmark on it.
import { parseArgs } from 'node:util';
import { LabError, reportFatal } from '../lab/errors.js';
import { openLab } from '../lab/lab.js';
import { folderOf } from '../lab/scenario/location.js';
import { runBench } from './bench.js';
import { BENCH_USAGE } from './usage.js';

try {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, slow: { type: 'boolean', default: false }, out: { type: 'string' }, scenario: { type: 'string' } },
    strict: true,
  });
  const lab = await openLab(values.scenario !== undefined ? { folder: folderOf(values.scenario) } : {});
  process.exit(await runBench(lab, { quick: values.quick, slow: values.slow, ...(values.out !== undefined ? { out: values.out } : {}) }));
} catch (error: unknown) {
  if (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
    process.exit(reportFatal(new LabError('USAGE', `${error.message}. ${BENCH_USAGE}`)));
  }
  process.exit(reportFatal(error));
}

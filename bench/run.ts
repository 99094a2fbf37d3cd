// `npm run bench -- [--scenario N]`: a thin entry. The scenario must be chosen before any
// engine module loads (they read it once, from LAB_SCENARIO), so the work is imported after.
import { parseArgs } from 'node:util';
import { LabError, reportFatal } from '../lab/errors.js';
import { BENCH_USAGE } from './usage.js';

try {
  const { values } = parseArgs({
    options: { quick: { type: 'boolean', default: false }, slow: { type: 'boolean', default: false }, out: { type: 'string' }, scenario: { type: 'string' } },
    strict: true,
  });
  if (values.scenario !== undefined) process.env.LAB_SCENARIO = values.scenario;
  const { runBench } = await import('./bench.js');
  process.exit(await runBench({ quick: values.quick, slow: values.slow, ...(values.out !== undefined ? { out: values.out } : {}) }));
} catch (error: unknown) {
  if (error instanceof Error && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS')) {
    process.exit(reportFatal(new LabError('USAGE', `${error.message}. ${BENCH_USAGE}`)));
  }
  process.exit(reportFatal(error));
}

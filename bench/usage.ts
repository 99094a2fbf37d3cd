/** The benchmark's usage line, as its errors print it. */
export const BENCH_USAGE = 'usage: npm run bench -- [--scenario N] [--quick] [--slow] [--out DIR]';

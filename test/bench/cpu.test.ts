/**
 * The benchmark's CPU section on both paths of lab/os: /proc and the portable one (ps here,
 * as on macOS), sampled around the same real load on the fixed app; and the one line the
 * report says where a system shows no CPU time.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startApp, type RunningApp } from '../../lab/app-runner.js';
import { linuxProcessFacts } from '../../lab/os/linux-procfs.js';
import { chooseProcessFacts } from '../../lab/os/system.js';
import { readPostmasterPid } from '../../lab/postgres/embedded.js';
import { cpuSection, type BenchResult } from '../../bench/report.js';
import { CPU_NOT_MEASURABLE, cpuPerRequest, PGBENCH_CPU_NOT_MEASURABLE, sampleCpu } from '../../bench/sections/cpu.js';
import { loadFor } from '../../bench/sections/load.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { FIXED_SERVER } from '../helpers/project-lab.js';

const portable = chooseProcessFacts({ LAB_OS: 'portable' }, 'linux');

describe.runIf(process.platform === 'linux')('CPU per process around a load, from /proc and from ps', () => {
  let database: TestDatabase;
  let app: RunningApp;
  beforeAll(async () => {
    database = await createTestDatabase('cpu');
    app = await startApp(FIXED_SERVER, database.appUrl);
  });
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it('both paths measure the app, PostgreSQL and the generator; ps agrees with /proc within its whole seconds', async () => {
    const postmaster = readPostmasterPid(inject('pgDataDir'))!;
    const before = { linux: sampleCpu(app.pid, postmaster, linuxProcessFacts)!, portable: sampleCpu(app.pid, postmaster, portable)! };
    const summary = await loadFor(app.port, { route: '/feed' }, 20, 2);
    const after = { linux: sampleCpu(app.pid, postmaster, linuxProcessFacts)!, portable: sampleCpu(app.pid, postmaster, portable)! };
    expect(summary.succeeded).toBeGreaterThan(0);

    const linux = cpuPerRequest(before.linux, after.linux, summary.succeeded, summary.durationSeconds);
    const fromPs = cpuPerRequest(before.portable, after.portable, summary.succeeded, summary.durationSeconds);
    expect(linux.appMicros).toBeGreaterThan(0);
    expect(linux.postgresMicros).toBeGreaterThan(0);
    for (const share of [fromPs.appMicros, fromPs.postgresMicros, fromPs.generatorMicros, fromPs.coresBusy]) {
      expect(Number.isFinite(share)).toBe(true);
      expect(share).toBeGreaterThanOrEqual(0);
    }
    expect(fromPs.generatorMicros).toBeGreaterThan(0);
    expect(Math.abs(after.portable.app - before.portable.app - (after.linux.app - before.linux.app))).toBeLessThanOrEqual(1);
    // Only /proc tells the CPU of children this process has waited for (pgbench's).
    expect(before.linux.reapedChildren).toEqual(expect.any(Number));
    expect(before.portable.reapedChildren).toBeUndefined();
  });
});

describe('the report where a system shows no CPU time', () => {
  it('says so in one line instead of a table of zeros', () => {
    const lines = cpuSection({ states: { solvedCpu: null } } as unknown as BenchResult);
    expect(lines).toContain(CPU_NOT_MEASURABLE);
    expect(lines.join('\n')).not.toMatch(/µs/);
  });

  it('says in one line that pgbench’s client CPU is not shown, when only that is missing', () => {
    const result = {
      machine: { cores: 2 },
      states: { solvedCpu: { appMicros: 200, postgresMicros: 100, generatorMicros: 100, coresBusy: 1.5 }, runs: [{ name: 'solved', summary: { requestsPerSecond: 1000 } }] },
      pgbench: { clients: 10, seconds: 10, transactionsPerSecond: 9000, postgresMicrosPerTransaction: 80, clientMicrosPerTransaction: null },
    } as unknown as BenchResult;
    expect(cpuSection(result)).toContain(PGBENCH_CPU_NOT_MEASURABLE);
  });
});

/**
 * Scenario 4's balancer settings, shipped and solved, as the lab's balancer reads them: the
 * shipped file is nginx's defaults (round robin, passive checks, a new connection per request);
 * the solution's asks for least connections, active health checks and kept-alive connections.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBalancerConfig } from '../../../lab/balancer/config.js';
import { scenarioPath } from '../../helpers/project-lab.js';

const read = (file: string) => parseBalancerConfig(fs.readFileSync(scenarioPath(file), 'utf8'), file);

describe("Scenario 4's balancer.conf", () => {
  it('as shipped: round robin, passive checks only, no connection kept open to the instances', () => {
    const shipped = read('machinery/pristine/balancer.conf.txt');
    expect(shipped.method).toBe('round_robin');
    expect(shipped.healthCheck).toBeUndefined();
    expect(shipped.keepalive).toBe(0);
  });

  it('solved: least connections, an instance out after two failed checks a second apart, 16 connections kept open', () => {
    const solved = read('solution/balancer.conf');
    expect(solved.method).toBe('least_conn');
    expect(solved.healthCheck).toEqual({ intervalMs: 1000, fails: 2, passes: 1, uri: '/health' });
    expect(solved.keepalive).toBe(16);
    expect([solved.maxFails, solved.failTimeoutMs]).toEqual([1, 10_000]);
  });
});

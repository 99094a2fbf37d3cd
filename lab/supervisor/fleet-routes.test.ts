import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import type { FleetControl, LabContext } from '../lab-context.js';
import { fleetRoutes } from './fleet-routes.js';

const unused = () => {
  throw new Error('not used here');
};

describe('GET /api/fleet/targets', () => {
  it("lists each HTTP process for Prometheus, with the balancer's own metrics path", async () => {
    const fleet: FleetControl = {
      appPort: 3000,
      members: () => [
        { name: 'balancer-1', role: 'balancer', index: 1, pid: 10, port: 3000, metricsPath: '/__balancer/metrics' },
        { name: 'app-1', role: 'app', index: 1, pid: 11, port: 4101 },
        { name: 'worker-1', role: 'worker', index: 1, pid: 12 },
      ],
      scale: unused,
      kill: unused,
      deploy: unused,
    };
    const server = Fastify();
    await fleetRoutes(server, { fleet } as unknown as LabContext);
    const response = await server.inject({ method: 'GET', url: '/api/fleet/targets' });
    expect(response.json()).toEqual([
      { targets: ['127.0.0.1:3000'], labels: { role: 'balancer', process: 'balancer-1', __metrics_path__: '/__balancer/metrics' } },
      { targets: ['127.0.0.1:4101'], labels: { role: 'app', process: 'app-1' } },
    ]);
    await server.close();
  });
});

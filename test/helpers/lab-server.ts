/**
 * The lab server with its real route sets, on a free port, pointed at a test database and a
 * test app instead of a running lab. Run history lives in a temporary folder.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import { fleetRoutes } from '../../lab/supervisor/fleet-routes.js';
import { startLabServer } from '../../lab/lab-server.js';
import { readPostmasterPid } from '../../lab/postgres/embedded.js';
import { observabilityRoutes } from '../../lab/dashboard/routes.js';
import type { ScenarioDefinition } from '../../lab/scenario/definition.js';
import type { LabContext } from '../../lab/lab-context.js';
import type { Lab } from '../../lab/lab.js';
import { freePort } from '../../lab/net/free-port.js';
import type { TestDatabase } from './database.js';
import { lab as projectLab } from './project-lab.js';

export interface TestLabServer {
  url: string;
  port: number;
  runsDir: string;
  server: FastifyInstance;
  close(): Promise<void>;
}

export interface TestLabServerOptions {
  historyFile?: string;
  /** The scenario whose dashboard to serve (default: the one the tests run). */
  scenario?: ScenarioDefinition;
}

export async function startTestLabServer(database: Pick<TestDatabase, 'appUrl' | 'adminUrl'>, appPort: number, options: TestLabServerOptions = {}): Promise<TestLabServer> {
  const port = await freePort();
  const runsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-runs-'));
  const notInTests = () => Promise.reject(new Error('not available in tests'));
  // The project's lab, with its run history in the temporary folder and the test server's log.
  const lab: Lab = {
    scenario: options.scenario ?? projectLab.scenario,
    paths: {
      ...projectLab.paths,
      runs: runsDir,
      inProgressRun: path.join(runsDir, 'in-progress.json'),
      checkLoads: path.join(runsDir, 'check-loads.json'),
      dashboardHistory: options.historyFile ?? path.join(runsDir, 'dashboard-history.json'),
      pgLog: inject('pgLogFile'),
    },
    settings: { appPort, labPort: port, embeddedPgPort: inject('pgPort'), appHost: '127.0.0.1', calibrate: false, balancer: 'built-in' },
  };
  const context: LabContext = {
    lab,
    database: {
      mode: 'embedded',
      appUrl: database.appUrl,
      adminUrl: database.adminUrl,
      pid: () => readPostmasterPid(inject('pgDataDir')),
      stop: notInTests,
      start: notInTests,
    },
    // The app under test runs on its own: a fleet of one the lab server can list but not change.
    fleet: {
      appPort,
      members: () => [{ name: 'app-1', role: 'app', index: 1, port: appPort }],
      scale: notInTests,
      deploy: notInTests,
      kill: () => {
        throw new Error('not available in tests');
      },
    },
  };
  const server = await startLabServer({ port, host: '127.0.0.1', context, routes: [observabilityRoutes, fleetRoutes] });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    runsDir,
    server,
    async close() {
      await server.close();
      fs.rmSync(runsDir, { recursive: true, force: true });
    },
  };
}

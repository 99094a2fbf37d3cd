/**
 * The dev container cannot run here (no Docker engine), so its files are checked statically:
 * they parse, everything they reference exists, images are pinned, and ports and names agree
 * with DESIGN.md and the lab's defaults.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { APP_DATABASE, APP_ROLE, DEFAULT_APP_PORT, ROOT_DIR } from '../../lab/config.js';

const DEVCONTAINER_DIR = path.join(ROOT_DIR, '.devcontainer');

interface DevContainer {
  name: string;
  dockerComposeFile: string;
  service: string;
  runServices: string[];
  workspaceFolder: string;
  postCreateCommand: string;
  postStartCommand: string;
  postAttachCommand: string;
  forwardPorts: Array<number | string>;
  portsAttributes: Record<string, { label: string }>;
  remoteUser: string;
}

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  volumes?: string[];
  environment?: Record<string, string>;
  command?: string | string[];
}

function readDevContainer(): DevContainer {
  const errors: ParseError[] = [];
  const parsed = parseJsonc(fs.readFileSync(path.join(DEVCONTAINER_DIR, 'devcontainer.json'), 'utf8'), errors, { allowTrailingComma: false });
  expect(errors).toEqual([]);
  return parsed as DevContainer;
}

function readCompose(): { services: Record<string, ComposeService> } {
  const devcontainer = readDevContainer();
  return parseYaml(fs.readFileSync(path.join(DEVCONTAINER_DIR, devcontainer.dockerComposeFile), 'utf8')) as { services: Record<string, ComposeService> };
}

/** A bind mount's host side, resolved against the compose file's folder; undefined for named volumes. */
function hostPathOf(volume: string): string | undefined {
  const hostSide = volume.split(':')[0]!;
  return hostSide.startsWith('.') ? path.resolve(DEVCONTAINER_DIR, hostSide) : undefined;
}

describe('.devcontainer', () => {
  it('is named for the scenario and points at a compose service that exists', () => {
    const devcontainer = readDevContainer();
    expect(devcontainer.name).toBe('Scenario 1 — Connection Pools and Database Indexes');
    const compose = readCompose();
    expect(Object.keys(compose.services)).toContain(devcontainer.service);
    for (const service of devcontainer.runServices) expect(Object.keys(compose.services)).toContain(service);
    expect(devcontainer.workspaceFolder).toBe('/workspaces/${localWorkspaceFolderBasename}');
  });

  it('installs once, starts the lab on every start and opens SCENARIO.md on attach', () => {
    const devcontainer = readDevContainer();
    expect(devcontainer.postCreateCommand).toBe('npm ci');
    for (const command of [devcontainer.postStartCommand, devcontainer.postAttachCommand]) {
      const script = command.replace(/^bash /, '');
      expect(fs.existsSync(path.join(ROOT_DIR, script)), script).toBe(true);
    }
    expect(fs.readFileSync(path.join(ROOT_DIR, devcontainer.postStartCommand.replace(/^bash /, '')), 'utf8')).toMatch(/npm start/);
    expect(fs.readFileSync(path.join(ROOT_DIR, devcontainer.postAttachCommand.replace(/^bash /, '')), 'utf8')).toMatch(/SCENARIO\.md/);
    expect(fs.existsSync(path.join(ROOT_DIR, 'SCENARIO.md'))).toBe(true);
  });

  it('forwards app 3000, lab 3001, Grafana 3002 and Prometheus 9090, each with a label', () => {
    const devcontainer = readDevContainer();
    expect(devcontainer.forwardPorts).toEqual([DEFAULT_APP_PORT, 3001, 'grafana:3002', 'prometheus:9090']);
    for (const port of devcontainer.forwardPorts) expect(devcontainer.portsAttributes[String(port)]?.label).toEqual(expect.any(String));
    // "service:port" entries must name compose services.
    const compose = readCompose();
    for (const port of devcontainer.forwardPorts.filter((p): p is string => typeof p === 'string')) {
      expect(Object.keys(compose.services)).toContain(port.split(':')[0]);
    }
  });

  it('pins every image to a version', () => {
    const compose = readCompose();
    const images = Object.values(compose.services).flatMap((service) => (service.image ? [service.image] : []));
    const dockerfile = readCompose().services.workspace!.build!;
    const from = fs.readFileSync(path.join(DEVCONTAINER_DIR, dockerfile.context, dockerfile.dockerfile), 'utf8').match(/^FROM\s+(\S+)/m)?.[1];
    for (const image of [...images, from!]) {
      const tag = image.split(':')[1];
      expect(tag, image).toMatch(/^v?\d+(\.\d+)+/);
    }
  });

  it('references only files that exist', () => {
    const compose = readCompose();
    const build = compose.services.workspace!.build!;
    expect(fs.existsSync(path.join(DEVCONTAINER_DIR, build.context, build.dockerfile))).toBe(true);
    for (const service of Object.values(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const hostPath = hostPathOf(volume);
        if (hostPath) expect(fs.existsSync(hostPath), volume).toBe(true);
      }
    }
  });

  it('runs the lab in external-database mode on the db service, with the lab on 3001 and the app reachable by Prometheus', () => {
    const workspace = readCompose().services.workspace!;
    const url = new URL(workspace.environment!.DATABASE_URL!);
    expect(url.hostname).toBe('db');
    expect(url.username).toBe(APP_ROLE);
    expect(url.pathname).toBe(`/${APP_DATABASE}`);
    expect(workspace.environment!.LAB_PORT).toBe('3001');
    expect(workspace.environment!.HOST).toBe('0.0.0.0');
    // The db service's init script creates that role (not a superuser) and its database.
    const init = fs.readFileSync(path.join(DEVCONTAINER_DIR, 'db-init.sql'), 'utf8');
    expect(init).toContain(`CREATE ROLE ${APP_ROLE} LOGIN PASSWORD '${decodeURIComponent(url.password)}'`);
    expect(init).toContain(`CREATE DATABASE ${APP_DATABASE} OWNER ${APP_ROLE}`);
    expect(init).not.toMatch(/CREATE ROLE[^;]*SUPERUSER/i);
  });

  it('gives PostgreSQL 17 its default max_connections and Grafana port 3002 without a login', () => {
    const compose = readCompose();
    expect(compose.services.db!.image).toMatch(/^postgres:17\./);
    expect(JSON.stringify(compose.services.db)).not.toMatch(/max_connections/);
    const grafana = compose.services.grafana!.environment!;
    expect(grafana.GF_SERVER_HTTP_PORT).toBe('3002');
    expect(grafana.GF_AUTH_ANONYMOUS_ENABLED).toBe('true');
    expect(grafana.GF_AUTH_ANONYMOUS_ORG_ROLE).toBe('Viewer');
    // The home dashboard is the generated one, where the dashboards folder is mounted.
    const home = grafana.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH!;
    const dashboardsMount = compose.services.grafana!.volumes!.find((volume) => volume.includes('/grafana/dashboards:'))!;
    const [hostDir, containerDir] = dashboardsMount.split(':');
    expect(home.startsWith(`${containerDir}/`)).toBe(true);
    expect(fs.existsSync(path.join(path.resolve(DEVCONTAINER_DIR, hostDir!), path.basename(home)))).toBe(true);
  });

  it('points Prometheus at the compose services that run the app (3000) and the lab (3001)', () => {
    const compose = readCompose();
    const configMount = compose.services.prometheus!.volumes!.find((volume) => volume.endsWith(':/etc/prometheus/prometheus.yml:ro'))!;
    const config = parseYaml(fs.readFileSync(hostPathOf(configMount)!, 'utf8')) as { scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }> };
    const targets = Object.fromEntries(config.scrape_configs.map((job) => [job.job_name, job.static_configs.flatMap((c) => c.targets)]));
    const devcontainer = readDevContainer();
    expect(targets).toEqual({ app: [`${devcontainer.service}:${DEFAULT_APP_PORT}`], lab: [`${devcontainer.service}:3001`] });
    // Grafana's datasource reaches Prometheus by its service name.
    const datasource = fs.readFileSync(path.join(ROOT_DIR, 'observability', 'grafana', 'provisioning', 'datasources', 'prometheus.yml'), 'utf8');
    expect(datasource).toMatch(/url: http:\/\/prometheus:9090/);
    expect(Object.keys(compose.services)).toContain('prometheus');
  });
});

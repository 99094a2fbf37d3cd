/**
 * The dev container cannot run here (no Docker engine), so its files are checked statically:
 * they parse, everything they reference exists, images are pinned, every service shares the
 * workspace's localhost, and ports, names and environment variables agree with the lab's
 * defaults and with what README.md and SCENARIO.md tell the learner.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_APP_PORT, DEFAULT_LAB_PORT, DEFAULT_PG_PORT, ROOT_DIR } from '../../lab/config.js';
import { grafanaDashboardFile } from '../../lab/dashboard/grafana.js';
import type { ScenarioDefinition } from '../../lab/scenario/definition.js';
import { scenarioFolders } from '../../lab/scenario/location.js';
import { readSettings } from '../../lab/settings.js';
import {
  commandFlag,
  DEVCONTAINER_DIR,
  hostPathOf,
  mountedFile,
  prometheusConfigFile,
  readJsonc,
  readScenarios,
  scrapeTargets,
  type PrometheusConfig,
  type Scenario,
} from '../helpers/devcontainer.js';
import { fencedBlocks } from '../helpers/markdown.js';
import { loadDefinition } from '../../lab/lab.js';

interface VsCodeTasks {
  tasks: Array<{ label: string; type: string; command: string; runOptions?: { runOn?: string } }>;
}

const scenarios = readScenarios();
const readme = fs.readFileSync(path.join(ROOT_DIR, 'README.md'), 'utf8');
const definitions = new Map<string, ScenarioDefinition>(await Promise.all(scenarioFolders().map(async (folder) => [folder, await loadDefinition(folder)] as const)));

/** The scenario folder a configuration opens (its workspaceFolder, inside the mounted checkout). */
function scenarioFolderOf(scenario: Scenario): string {
  const inCheckout = scenario.config.workspaceFolder.replace(/^\/workspaces\/\$\{localWorkspaceFolderBasename\}\/?/, '');
  return path.join(ROOT_DIR, inCheckout);
}

/** The port a `host:port` address ends with. */
const portOf = (address: string) => Number(address.slice(address.lastIndexOf(':') + 1));

/** The ports every service listens on, read from the configuration itself. */
function ports(scenario: Scenario) {
  const settings = readSettings(scenario.services[scenario.config.service]!.environment ?? {});
  const grafana = scenario.services.grafana!.environment!;
  return {
    settings,
    app: settings.appPort,
    lab: settings.labPort,
    grafana: Number(grafana.GF_SERVER_HTTP_PORT),
    prometheus: portOf(commandFlag(scenario.services.prometheus!, '--web.listen-address')!),
  };
}

describe('.devcontainer', () => {
  it('offers one configuration per scenario, named as the scenario, where the Codespaces list shows it', () => {
    expect(scenarios.map((scenario) => scenarioFolderOf(scenario)).sort()).toEqual([...definitions.keys()]);
    // Only the scenario folders: a .devcontainer/devcontainer.json would be a nameless default.
    expect(fs.existsSync(path.join(DEVCONTAINER_DIR, 'devcontainer.json'))).toBe(false);
    for (const scenario of scenarios) {
      const definition = definitions.get(scenarioFolderOf(scenario))!;
      expect(scenario.config.name).toBe(`Scenario ${definition.number} — ${definition.title}`);
      expect(path.basename(scenario.folder)).toBe(`scenario-${definition.number}-${path.basename(scenarioFolderOf(scenario)).replace(/^\d+-/, '')}`);
    }
  });

  it('points at compose services that exist and mounts this checkout at the workspace folder', () => {
    for (const scenario of scenarios) {
      const { config, services } = scenario;
      expect(Object.keys(services)).toContain(config.service);
      expect(Object.keys(services)).toEqual(expect.arrayContaining(config.runServices));
      // The scenario's folder inside the checkout, which is mounted under /workspaces.
      expect(config.workspaceFolder).toBe(`/workspaces/\${localWorkspaceFolderBasename}/${path.relative(ROOT_DIR, scenarioFolderOf(scenario))}`);
      const workspaceMount = services[config.service]!.volumes!.find((volume) => volume.split(':')[1] === '/workspaces')!;
      expect(hostPathOf(scenario, workspaceMount)).toBe(path.dirname(ROOT_DIR));
    }
  });

  it('references only files that exist', () => {
    for (const scenario of scenarios) {
      for (const file of scenario.composeFiles) expect(fs.existsSync(file), file).toBe(true);
      for (const service of Object.values(scenario.services)) {
        if (service.build) expect(fs.existsSync(path.join(path.dirname(scenario.composeFiles[0]!), service.build.context, service.build.dockerfile))).toBe(true);
        for (const volume of service.volumes ?? []) {
          const hostPath = hostPathOf(scenario, volume);
          if (hostPath) expect(fs.existsSync(hostPath), volume).toBe(true);
        }
      }
      const script = scenario.config.postAttachCommand!.split(' ')[1]!;
      expect(fs.existsSync(path.join(scenarioFolderOf(scenario), script)), script).toBe(true);
    }
  });

  it('pins every image to a version', () => {
    for (const scenario of scenarios) {
      const images = Object.values(scenario.services).flatMap((service) => {
        if (service.image) return [service.image];
        const dockerfile = path.join(path.dirname(scenario.composeFiles[0]!), service.build!.context, service.build!.dockerfile);
        return [...fs.readFileSync(dockerfile, 'utf8').matchAll(/^FROM\s+(\S+)/gm)].map((match) => match[1]!);
      });
      expect(images.length).toBe(Object.keys(scenario.services).length);
      for (const image of images) expect(image.split(':')[1], image).toMatch(/^v?\d+\.\d+\.\d+/);
    }
  });

  it('runs the lab in the workspace container as a laptop does: embedded PostgreSQL, loopback only, an unprivileged user', () => {
    for (const scenario of scenarios) {
      const environment = scenario.services[scenario.config.service]!.environment ?? {};
      const { settings } = ports(scenario);
      const defaults = readSettings({});
      // Every variable is one the lab reads (it changes a setting), and none changes where
      // PostgreSQL comes from or where anything listens.
      for (const [name, value] of Object.entries(environment)) expect(readSettings({ [name]: value }), name).not.toEqual(defaults);
      expect(settings.externalDatabaseUrl).toBeUndefined();
      expect(settings.appHost).toBe(defaults.appHost);
      expect(settings.embeddedPgPort).toBe(DEFAULT_PG_PORT);
      expect(Object.keys(scenario.services)).toEqual(['workspace', 'prometheus', 'grafana']);
      // The Dockerfile ends as the user VS Code and the lab run as, never root.
      const build = scenario.services[scenario.config.service]!.build!;
      const dockerfile = fs.readFileSync(path.join(path.dirname(scenario.composeFiles[0]!), build.context, build.dockerfile), 'utf8');
      const lastUser = [...dockerfile.matchAll(/^USER\s+(\S+)/gm)].at(-1)?.[1];
      expect(lastUser).toBe(scenario.config.remoteUser);
      expect(lastUser).not.toBe('root');
    }
  });

  it('puts Prometheus and Grafana on the workspace container\'s localhost, listening on loopback', () => {
    for (const scenario of scenarios) {
      const { services, config } = scenario;
      for (const [name, service] of Object.entries(services)) {
        expect(service.ports, name).toBeUndefined();
        if (name !== config.service) expect(service.network_mode, name).toBe(`service:${config.service}`);
      }
      expect(commandFlag(services.prometheus!, '--web.listen-address')).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(services.grafana!.environment!.GF_SERVER_HTTP_ADDR).toBe('127.0.0.1');
    }
  });

  it('forwards plain port numbers only, every port the learner opens, each with a label', () => {
    for (const scenario of scenarios) {
      const { config } = scenario;
      const { app, lab, grafana, prometheus } = ports(scenario);
      // No "service:port" entry: VS Code and Codespaces forward only the attached container's ports.
      for (const port of config.forwardPorts) expect(typeof port, String(port)).toBe('number');
      for (const key of Object.keys(config.portsAttributes)) expect(key).toMatch(/^\d+$/);
      expect(config.forwardPorts).toEqual([app, lab, grafana, prometheus]);
      expect(new Set([app, lab, grafana, prometheus, DEFAULT_PG_PORT]).size).toBe(5);
      for (const port of config.forwardPorts) expect(config.portsAttributes[String(port)]?.label, String(port)).toEqual(expect.any(String));
      expect(config.portsAttributes[String(DEFAULT_PG_PORT)]?.onAutoForward).toBe('ignore');
      expect(app).toBe(DEFAULT_APP_PORT);
    }
  });

  it('moves the lab dashboard off the port Grafana takes, and the docs say where it went', () => {
    for (const scenario of scenarios) {
      const { lab, grafana } = ports(scenario);
      expect(grafana).toBe(DEFAULT_LAB_PORT);
      expect(lab).not.toBe(DEFAULT_LAB_PORT);
      expect(readme).toContain(`${DEFAULT_LAB_PORT} | lab dashboard (${lab} in the dev container`);
      expect(fs.readFileSync(path.join(scenarioFolderOf(scenario), 'SCENARIO.md'), 'utf8')).toContain(`in the dev container it is http://localhost:${lab}`);
    }
  });

  it('points Prometheus at the lab on loopback, which lists the app\'s processes, and Grafana at Prometheus', () => {
    for (const scenario of scenarios) {
      const { lab, prometheus } = ports(scenario);
      const config = parseYaml(fs.readFileSync(prometheusConfigFile(scenario), 'utf8')) as PrometheusConfig;
      expect(scrapeTargets(config)).toEqual({ app: [`http://127.0.0.1:${lab}/api/fleet/targets`], lab: [`127.0.0.1:${lab}`] });
      const provisioning = mountedFile(scenario, 'grafana', '/etc/grafana/provisioning');
      const datasources = parseYaml(fs.readFileSync(path.join(provisioning, 'datasources', 'prometheus.yml'), 'utf8')) as { datasources: Array<{ url: string }> };
      expect(datasources.datasources.map((datasource) => datasource.url)).toEqual([`http://127.0.0.1:${prometheus}`]);
    }
  });

  it('opens Grafana on the generated dashboard, without a login', () => {
    for (const scenario of scenarios) {
      const grafana = scenario.services.grafana!.environment!;
      expect(grafana.GF_AUTH_ANONYMOUS_ENABLED).toBe('true');
      expect(grafana.GF_AUTH_ANONYMOUS_ORG_ROLE).toBe('Viewer');
      const home = grafana.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH!;
      const dashboards = mountedFile(scenario, 'grafana', path.posix.dirname(home));
      expect(path.join(dashboards, path.posix.basename(home))).toBe(grafanaDashboardFile(definitions.get(scenarioFolderOf(scenario))!.number));
    }
  });

  it('installs before VS Code connects, then runs the README\'s start command in a task that opens with the scenario\'s folder', () => {
    const quickStart = fencedBlocks('README.md', readme).find((block) => block.language === 'bash')!.body.trim();
    const startCommand = quickStart.split('&&').at(-1)!.trim();
    expect(startCommand).toBe('npm start');
    for (const scenario of scenarios) {
      const { config } = scenario;
      const tasks = readJsonc<VsCodeTasks>(path.join(scenarioFolderOf(scenario), '.vscode', 'tasks.json'));
      const onOpen = tasks.tasks.filter((task) => task.runOptions?.runOn === 'folderOpen');
      expect(onOpen.map((task) => [task.type, task.command])).toEqual([['shell', startCommand]]);
      // The tools connect (and VS Code runs the task) only after the waitFor command: the
      // install of the whole repository, from the scenario's folder.
      expect(config.updateContentCommand).toBe(`cd ${path.relative(scenarioFolderOf(scenario), ROOT_DIR)} && npm ci`);
      expect(config.waitFor).toBe('updateContentCommand');
      // Nothing else starts the lab.
      for (const command of [config.postCreateCommand, config.postStartCommand, config.postAttachCommand]) expect(command ?? '').not.toMatch(/npm (start|ci)/);
      expect(config.customizations.vscode?.settings?.['task.allowAutomaticTasks']).toBe('on');
    }
  });

  it('opens the scenario\'s walkthrough when VS Code attaches', () => {
    for (const scenario of scenarios) {
      const { config } = scenario;
      const opener = path.relative(scenarioFolderOf(scenario), path.join(DEVCONTAINER_DIR, 'open-in-editor.sh'));
      expect(config.postAttachCommand).toBe(`bash ${opener} SCENARIO.md`);
      expect(config.customizations.codespaces?.openFiles).toEqual(['SCENARIO.md']);
      expect(fs.existsSync(path.join(scenarioFolderOf(scenario), 'SCENARIO.md'))).toBe(true);
    }
  });

  it('installs Debian\'s nginx in the workspace of a scenario with a load balancer, and only there', () => {
    for (const scenario of scenarios) {
      const build = scenario.services[scenario.config.service]!.build!;
      const dockerfile = fs.readFileSync(path.join(path.dirname(scenario.composeFiles[0]!), build.context, build.dockerfile), 'utf8');
      // The packages the scenario names reach the one apt-get line.
      expect(dockerfile).toMatch(/^ARG EXTRA_PACKAGES=""$/m);
      expect(dockerfile).toMatch(/apt-get install -y --no-install-recommends [^\n]*\$\{EXTRA_PACKAGES\}/);
      const packages = (build.args?.EXTRA_PACKAGES ?? '').split(/\s+/).filter(Boolean);
      const balanced = definitions.get(scenarioFolderOf(scenario))!.balancer !== undefined;
      expect(packages.includes('nginx'), scenario.config.name).toBe(balanced);
    }
  });
});

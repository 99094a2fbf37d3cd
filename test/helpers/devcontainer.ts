/**
 * Reads the dev container configurations the way the tools do: every
 * .devcontainer/<folder>/devcontainer.json (the Codespaces "Dev container configuration"
 * list), its compose files merged in order, and the Prometheus config the compose file mounts.
 * Parse errors throw, so a test that reads a file also proves it parses.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { parse as parseYaml } from 'yaml';
import { ROOT_DIR } from '../../lab/config.js';

export const DEVCONTAINER_DIR = path.join(ROOT_DIR, '.devcontainer');

export interface DevContainerConfig {
  name: string;
  dockerComposeFile: string | string[];
  service: string;
  runServices: string[];
  workspaceFolder: string;
  remoteUser: string;
  updateContentCommand?: string;
  postCreateCommand?: string;
  postStartCommand?: string;
  postAttachCommand?: string;
  waitFor?: string;
  forwardPorts: Array<number | string>;
  portsAttributes: Record<string, { label?: string; onAutoForward?: string }>;
  customizations: {
    codespaces?: { openFiles?: string[] };
    vscode?: { settings?: Record<string, unknown>; extensions?: string[] };
  };
}

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string; args?: Record<string, string> };
  volumes?: string[];
  environment?: Record<string, string>;
  command?: string | string[];
  network_mode?: string;
  ports?: unknown[];
}

export interface Scenario {
  /** The folder under .devcontainer/ that holds devcontainer.json. */
  folder: string;
  config: DevContainerConfig;
  /** The compose files in the order the tools merge them. */
  composeFiles: string[];
  /** Services after merging the compose files (environment, build and its args merged by name, as compose merges mappings; the rest replaced). */
  services: Record<string, ComposeService>;
}

/** Every configuration Codespaces lists: one folder level below .devcontainer/. */
export function readScenarios(): Scenario[] {
  return fs
    .readdirSync(DEVCONTAINER_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(DEVCONTAINER_DIR, entry.name, 'devcontainer.json')))
    .map((entry) => {
      const folder = path.join(DEVCONTAINER_DIR, entry.name);
      const config = readJsonc<DevContainerConfig>(path.join(folder, 'devcontainer.json'));
      const composeFiles = [config.dockerComposeFile].flat().map((file) => path.resolve(folder, file));
      return { folder, config, composeFiles, services: mergeCompose(composeFiles) };
    });
}

/** A JSON-with-comments file as VS Code reads it (comments allowed, trailing commas not). */
export function readJsonc<T>(file: string): T {
  const errors: ParseError[] = [];
  const parsed = parseJsonc(fs.readFileSync(file, 'utf8'), errors, { allowTrailingComma: false }) as T;
  if (errors.length > 0) {
    throw new Error(`${path.relative(ROOT_DIR, file)}: ${errors.map((e) => `${printParseErrorCode(e.error)} at offset ${e.offset}`).join(', ')}`);
  }
  return parsed;
}

/**
 * Merges compose files like `docker compose -f a -f b`: later environment entries win, other
 * keys are replaced.
 */
function mergeCompose(files: string[]): Record<string, ComposeService> {
  const merged: Record<string, ComposeService> = {};
  for (const file of files) {
    const { services } = parseYaml(fs.readFileSync(file, 'utf8')) as { services: Record<string, ComposeService> };
    for (const [name, service] of Object.entries(services)) {
      const before = merged[name] ?? {};
      const build = before.build || service.build ? { build: { ...before.build!, ...service.build, args: { ...before.build?.args, ...service.build?.args } } } : {};
      merged[name] = { ...before, ...service, environment: { ...before.environment, ...service.environment }, ...build };
    }
  }
  return merged;
}

/** A volume's host side resolved as compose does (against the first compose file's folder); undefined for named volumes. */
export function hostPathOf(scenario: Scenario, volume: string): string | undefined {
  const hostSide = volume.split(':')[0]!;
  return hostSide.startsWith('.') ? path.resolve(path.dirname(scenario.composeFiles[0]!), hostSide) : undefined;
}

/** The host file a service mounts at the given path inside its container. */
export function mountedFile(scenario: Scenario, service: string, containerPath: string): string {
  const volume = scenario.services[service]?.volumes?.find((entry) => entry.split(':')[1] === containerPath);
  const hostPath = volume && hostPathOf(scenario, volume);
  if (!hostPath) throw new Error(`${service} mounts nothing from the repository at ${containerPath}`);
  return hostPath;
}

/** The value of a `--flag=value` in a service's command. */
export function commandFlag(service: ComposeService, flag: string): string | undefined {
  const args = [service.command ?? []].flat();
  return args.find((arg) => arg.startsWith(`${flag}=`))?.slice(flag.length + 1);
}

export interface PrometheusConfig {
  global: { scrape_interval: string };
  scrape_configs: Array<{ job_name: string; static_configs?: Array<{ targets: string[] }>; http_sd_configs?: Array<{ url: string }> }>;
}

/** The Prometheus config file the dev container mounts (observability/prometheus.yml). */
export function prometheusConfigFile(scenario: Scenario): string {
  const configPath = commandFlag(scenario.services.prometheus!, '--config.file');
  if (!configPath) throw new Error('the prometheus service names no --config.file');
  return mountedFile(scenario, 'prometheus', configPath);
}

/** Each scrape job's targets, as host:port strings, and the URLs it discovers more at. */
export function scrapeTargets(config: PrometheusConfig): Record<string, string[]> {
  return Object.fromEntries(
    config.scrape_configs.map((job) => [job.job_name, [...(job.static_configs ?? []).flatMap((c) => c.targets), ...(job.http_sd_configs ?? []).map((d) => d.url)]]),
  );
}

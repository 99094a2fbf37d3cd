/**
 * The nginx.conf the lab runs real nginx with: the learner's balancer.conf (read and checked
 * by the lab's own parser first, so both balancers accept the same file and its mistakes get
 * the same lines), its `server app-instances …;` line written once per running instance with
 * the learner's parameters kept, and around it everything a complete nginx.conf needs — its
 * own pid, logs and temporary folders under the lab's state folder, loopback only, in the
 * foreground for the lab to supervise.
 */
import { parseBalancerConfig, INSTANCES_PLACEHOLDER, type BalancerConfig } from '../config.js';
import { parseNginxSyntax, type Directive } from '../nginx-syntax.js';
import { BALANCER_ROUTES } from '../routes.js';
import type { UpstreamAddress } from '../upstreams-file.js';
import { ACCESS_LOG_FORMAT } from './access-log.js';
import type { NginxFiles } from './files.js';

export interface NginxConfInput {
  /** The learner's settings and the name messages give the file ("balancer.conf"). */
  learnerText: string;
  learnerName: string;
  upstreams: readonly UpstreamAddress[];
  /** Where nginx listens: the app's port, on a loopback address. */
  host: string;
  port: number;
  /** The lab's sidecar, which answers /__balancer/… on 127.0.0.1:sidecarPort. */
  sidecarPort: number;
  files: NginxFiles;
}

export interface NginxConf {
  text: string;
  /** The settings as the lab reads them (the passive checks' max_fails and fail_timeout). */
  config: BalancerConfig;
  /** Lines to print once: what of the learner's file open-source nginx does not do. */
  notes: string[];
}

/** One line, printed when balancer.conf asks for active checks that open-source nginx lacks. */
export const HEALTH_CHECK_NOTE =
  'health_check is left out of nginx.conf: open-source nginx has no active health checks (NGINX Plus has); ' +
  'it notices a dead instance only when a request to it fails, and then rests it for fail_timeout after max_fails failures';

/** The directives of balancer.conf that are NGINX Plus's alone, left out of the generated file. */
const PLUS_ONLY = new Set(['health_check']);

/**
 * nginx.conf for the learner's settings and the running instances. Throws the lab parser's
 * LabError (BALANCER_CONFIG, naming the learner's file and line) when the settings are wrong.
 */
export function renderNginxConf(input: NginxConfInput): NginxConf {
  const config = parseBalancerConfig(input.learnerText, input.learnerName);
  // The lab's parser accepted the file, so nginx's syntax reads it too.
  const directives = parseNginxSyntax(input.learnerText);
  const notes = directives.some((directive) => PLUS_ONLY.has(directive.name)) ? [HEALTH_CHECK_NOTE] : [];
  const upstream = directives.find((directive) => directive.name === 'upstream')!;
  const proxySettings = directives.filter((directive) => directive.name !== 'upstream' && !PLUS_ONLY.has(directive.name));
  const { files } = input;
  const upstreamName = upstream.args[0]!;

  const text = [
    `# Written by the lab from ${input.learnerName} and the running instances, again on every change;`,
    `# edit ${input.learnerName}, not this file.`,
    'daemon off;',
    'master_process on;',
    // One worker, as the lab's balancer is one process: its counts (round robin's turn, least_conn's
    // requests in flight, max_fails) are then one set, as the learner's file describes them.
    'worker_processes 1;',
    `pid ${quote(files.pid)};`,
    `error_log ${quote(files.errorLog)} warn;`,
    'events { worker_connections 1024; }',
    'http {',
    `    client_body_temp_path ${quote(`${files.temp}/client_body`)};`,
    `    proxy_temp_path ${quote(`${files.temp}/proxy`)};`,
    `    fastcgi_temp_path ${quote(`${files.temp}/fastcgi`)};`,
    `    uwsgi_temp_path ${quote(`${files.temp}/uwsgi`)};`,
    `    scgi_temp_path ${quote(`${files.temp}/scgi`)};`,
    `    log_format lab_balancer escape=json ${quote(ACCESS_LOG_FORMAT)};`,
    '    access_log off;',
    `    upstream ${quote(upstreamName)} {`,
    ...upstreamLines(upstream.block ?? [], input.upstreams).map((line) => `        ${line}`),
    '    }',
    ...proxySettings.map((directive) => `    ${render(directive)}`),
    '    server {',
    `        listen ${input.host.includes(':') ? `[${input.host}]` : input.host}:${input.port};`,
    '        location / {',
    `            proxy_pass http://${upstreamName};`,
    // HTTP/1.1 without "Connection: close" is what lets keepalive reuse connections to the instances.
    '            proxy_http_version 1.1;',
    '            proxy_set_header Connection "";',
    '            proxy_set_header Host $http_host;',
    '            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;',
    `            access_log ${quote(files.accessLog)} lab_balancer;`,
    '        }',
    // The lab's own routes: its metrics and its view of the instances, answered by the sidecar.
    `        location ${BALANCER_ROUTES.prefix} {`,
    `            proxy_pass http://127.0.0.1:${input.sidecarPort};`,
    '        }',
    '    }',
    '}',
    '',
  ].join('\n');
  return { text, config, notes };
}

/** The upstream block's lines, the placeholder's server line written once per instance. */
function upstreamLines(block: readonly Directive[], upstreams: readonly UpstreamAddress[]): string[] {
  return block.flatMap((directive) => {
    if (directive.name !== 'server') return [render(directive)];
    const params = directive.args.filter((arg) => arg !== INSTANCES_PLACEHOLDER);
    // nginx refuses an upstream without servers: with no instance running, one that is never
    // used, so nginx answers 502 until the first instance is listed.
    if (upstreams.length === 0) return ['server 127.0.0.1:1 down;  # no instance runs yet'];
    return upstreams.map(({ name, port }) => `${render({ ...directive, args: [`127.0.0.1:${port}`, ...params] })}  # ${name}`);
  });
}

/** A directive as nginx reads it, each word quoted where nginx would split or end it. */
function render(directive: Directive): string {
  return `${[directive.name, ...directive.args].map(quote).join(' ')};`;
}

/** A word as nginx reads it back: quoted (with \ and " escaped) when it holds a space, ; { } # or a quote. */
export function quote(word: string): string {
  if (word !== '' && !/[\s;{}#"'\\]/.test(word)) return word;
  return `"${word.replace(/[\\"]/g, (char) => `\\${char}`)}"`;
}

/**
 * The balancer's settings, written in nginx's vocabulary so the same file could drive a real
 * nginx: each directive keeps nginx's name, its default and its meaning. Only the subset below
 * is understood; anything else stops the balancer with the line it could not use, because a
 * half-understood configuration would balance differently from what the file says.
 *
 *   upstream app { least_conn; server app-instances max_fails=1 fail_timeout=10s; keepalive 16; }
 *   health_check interval=2s fails=2 passes=1 uri=/health;   (NGINX Plus's active checks)
 *   proxy_next_upstream error timeout;  proxy_next_upstream_tries 0;
 *   proxy_connect_timeout 1s;  proxy_read_timeout 60s;
 */
import { LabError } from '../errors.js';
import { closestName } from './closest-name.js';
import { parseNginxSyntax, SyntaxProblem, type Directive } from './nginx-syntax.js';

/** How the next upstream is picked: nginx's default round robin, `least_conn`, or `ip_hash` (each client's address to the same upstream). */
export type BalancingMethod = 'round_robin' | 'least_conn' | 'ip_hash';

/** NGINX Plus's `health_check`: GET `uri` every `intervalMs`; `fails` in a row mark an upstream down, `passes` up. */
export interface HealthCheckConfig {
  intervalMs: number;
  fails: number;
  passes: number;
  uri: string;
}

/** nginx's non-idempotent methods (ngx_http_upstream.c): never sent twice unless proxy_next_upstream lists `non_idempotent`. */
export const NON_IDEMPOTENT: ReadonlySet<string> = new Set(['POST', 'PATCH', 'LOCK']);

/** `proxy_next_upstream`: which outcomes send the request on to the next upstream. */
export interface NextUpstreamConfig {
  /** Connecting failed, or the connection broke before an answer came. */
  error: boolean;
  /** Connecting, or waiting for the answer, took longer than its timeout. */
  timeout: boolean;
  /** Answers with these statuses (http_502 → 502) count as failures and are tried elsewhere. */
  statuses: number[];
  /** POST, PATCH and LOCK may be sent again after they reached an upstream. */
  nonIdempotent: boolean;
}

/** Everything the settings file says, with nginx's defaults for what it leaves out. */
export interface BalancerConfig {
  method: BalancingMethod;
  /** `max_fails`: failures within `failTimeoutMs` that make an upstream unavailable; 0 never does. */
  maxFails: number;
  /** `fail_timeout`: the window the failures are counted in, and how long the upstream then rests. */
  failTimeoutMs: number;
  /** `keepalive`: connections kept open to each upstream between requests; 0 opens one per request. */
  keepalive: number;
  healthCheck?: HealthCheckConfig;
  nextUpstream: NextUpstreamConfig;
  /** `proxy_next_upstream_tries`: attempts per request at most; 0 means one per upstream. */
  nextUpstreamTries: number;
  connectTimeoutMs: number;
  readTimeoutMs: number;
}

/** The word in the `server` line the lab replaces with the instances' addresses. */
export const INSTANCES_PLACEHOLDER = 'app-instances';

const UPSTREAM_DIRECTIVES = ['least_conn', 'ip_hash', 'server', 'keepalive'];
const TOP_DIRECTIVES = ['upstream', 'health_check', 'proxy_next_upstream', 'proxy_next_upstream_tries', 'proxy_connect_timeout', 'proxy_read_timeout'];
/** nginx directives a learner may reach for that this balancer does not do. */
const NGINX_ONLY = ['hash', 'random', 'zone', 'sticky', 'ntlm', 'keepalive_timeout', 'keepalive_requests', 'keepalive_time', 'proxy_pass', 'proxy_set_header', 'proxy_http_version', 'proxy_send_timeout', 'proxy_next_upstream_timeout', 'proxy_buffering', 'location', 'listen', 'server_name'];
const NEXT_UPSTREAM_STATUSES = [500, 502, 503, 504, 429];

/**
 * The settings in `text`, or a LabError (BALANCER_CONFIG) whose message names `fileName`, the
 * line and what is wrong there: `balancer.conf line 4: "least_connections" is not a directive…`.
 */
export function parseBalancerConfig(text: string, fileName: string): BalancerConfig {
  try {
    return readConfig(parseNginxSyntax(text));
  } catch (error) {
    if (error instanceof SyntaxProblem) throw new LabError('BALANCER_CONFIG', `${fileName} line ${error.line}: ${error.problem}`);
    if (error instanceof MissingPart) throw new LabError('BALANCER_CONFIG', `${fileName}: ${error.message}`);
    throw error;
  }
}

class MissingPart extends Error {}

function readConfig(directives: Directive[]): BalancerConfig {
  checkNames(directives, TOP_DIRECTIVES, UPSTREAM_DIRECTIVES, 'outside the upstream block');
  const upstream = only(directives, 'upstream');
  if (!upstream) throw new MissingPart(`no upstream block; write one: upstream app { server ${INSTANCES_PLACEHOLDER}; }`);
  if (upstream.args.length !== 1 || !upstream.block) throw new SyntaxProblem(upstream.line, '"upstream" takes one name and a block: upstream app { … }');
  const inside = upstream.block;
  checkNames(inside, UPSTREAM_DIRECTIVES, TOP_DIRECTIVES, 'inside the upstream block');
  const server = only(inside, 'server');
  if (!server) throw new SyntaxProblem(upstream.line, `the upstream block has no server line; add: server ${INSTANCES_PLACEHOLDER};`);
  const leastConn = only(inside, 'least_conn');
  if (leastConn) noArgs(leastConn);
  const ipHash = only(inside, 'ip_hash');
  if (ipHash) noArgs(ipHash);
  if (leastConn && ipHash) throw new SyntaxProblem(Math.max(leastConn.line, ipHash.line), 'an upstream block takes one method: least_conn or ip_hash, not both');
  const keepalive = only(inside, 'keepalive');
  const health = only(directives, 'health_check');
  const tries = only(directives, 'proxy_next_upstream_tries');
  const nextUpstream = only(directives, 'proxy_next_upstream');
  const connect = only(directives, 'proxy_connect_timeout');
  const read = only(directives, 'proxy_read_timeout');
  return {
    method: leastConn ? 'least_conn' : ipHash ? 'ip_hash' : 'round_robin',
    ...readServer(server),
    keepalive: keepalive ? count(keepalive, oneArg(keepalive), 0) : 0,
    ...(health ? { healthCheck: readHealthCheck(health) } : {}),
    nextUpstream: nextUpstream ? readNextUpstream(nextUpstream) : { error: true, timeout: true, statuses: [], nonIdempotent: false },
    nextUpstreamTries: tries ? count(tries, oneArg(tries), 0) : 0,
    connectTimeoutMs: connect ? time(connect, oneArg(connect)) : 60_000,
    readTimeoutMs: read ? time(read, oneArg(read)) : 60_000,
  };
}

/** Every name is one this block allows; a name from the other block, or a misspelling, gets its own hint. */
function checkNames(directives: Directive[], allowed: string[], elsewhere: string[], where: string): void {
  for (const { name, line, block } of directives) {
    if (allowed.includes(name)) {
      if (block && name !== 'upstream') throw new SyntaxProblem(line, `"${name}" takes no block; end it with ";"`);
      continue;
    }
    if (elsewhere.includes(name)) throw new SyntaxProblem(line, `"${name}" is not allowed ${where}`);
    if (NGINX_ONLY.includes(name)) throw new SyntaxProblem(line, `"${name}" is an nginx directive the lab's balancer does not support; it knows ${[...TOP_DIRECTIVES, ...UPSTREAM_DIRECTIVES].join(', ')}`);
    const near = closestName(name, [...allowed, ...elsewhere]);
    throw new SyntaxProblem(line, `"${name}" is not a directive the lab's balancer knows${near ? ` (did you mean ${near}?)` : ''}`);
  }
}

/** The directive of that name, if any; nginx refuses a directive given twice. */
function only(directives: Directive[], name: string): Directive | undefined {
  const found = directives.filter((directive) => directive.name === name);
  if (found.length > 1) throw new SyntaxProblem(found[1]!.line, `"${name}" is given twice (first on line ${found[0]!.line})`);
  return found[0];
}

function noArgs(directive: Directive): void {
  if (directive.args.length > 0) throw new SyntaxProblem(directive.line, `"${directive.name}" takes no value`);
}

function oneArg(directive: Directive): string {
  if (directive.args.length !== 1) throw new SyntaxProblem(directive.line, `"${directive.name}" takes one value`);
  return directive.args[0]!;
}

function readServer(server: Directive): Pick<BalancerConfig, 'maxFails' | 'failTimeoutMs'> {
  const [address, ...params] = server.args;
  if (address !== INSTANCES_PLACEHOLDER) {
    throw new SyntaxProblem(server.line, `the server line names "${address ?? ''}"; write ${INSTANCES_PLACEHOLDER} (the lab puts every instance's address in its place)`);
  }
  const values = readParams(server, params, ['max_fails', 'fail_timeout']);
  return {
    maxFails: values.max_fails !== undefined ? count(server, values.max_fails, 0, 'max_fails') : 1,
    failTimeoutMs: values.fail_timeout !== undefined ? time(server, values.fail_timeout, 'fail_timeout') : 10_000,
  };
}

function readHealthCheck(directive: Directive): HealthCheckConfig {
  const values = readParams(directive, directive.args, ['interval', 'fails', 'passes', 'uri']);
  const uri = values.uri ?? '/';
  if (!uri.startsWith('/')) throw new SyntaxProblem(directive.line, `uri=${uri} is not a path; it starts with "/", e.g. uri=/health`);
  return {
    // NGINX Plus's defaults: every 5 s, one failure marks down, one pass marks up.
    intervalMs: values.interval !== undefined ? time(directive, values.interval, 'interval') : 5_000,
    fails: values.fails !== undefined ? count(directive, values.fails, 1, 'fails') : 1,
    passes: values.passes !== undefined ? count(directive, values.passes, 1, 'passes') : 1,
    uri,
  };
}

function readNextUpstream(directive: Directive): NextUpstreamConfig {
  const { args, line } = directive;
  const config: NextUpstreamConfig = { error: false, timeout: false, statuses: [], nonIdempotent: false };
  if (args.length === 0) throw new SyntaxProblem(line, '"proxy_next_upstream" needs at least one value, e.g. error timeout');
  if (args.includes('off')) {
    if (args.length > 1) throw new SyntaxProblem(line, '"off" cannot be combined with other values');
    return config;
  }
  for (const value of args) {
    const status = /^http_(\d{3})$/.exec(value);
    if (value === 'error') config.error = true;
    else if (value === 'timeout') config.timeout = true;
    else if (value === 'non_idempotent') config.nonIdempotent = true;
    else if (status && NEXT_UPSTREAM_STATUSES.includes(Number(status[1]))) config.statuses.push(Number(status[1]));
    else {
      const known = ['error', 'timeout', 'non_idempotent', 'off', ...NEXT_UPSTREAM_STATUSES.map((code) => `http_${code}`)];
      throw new SyntaxProblem(line, `"${value}" is not a proxy_next_upstream value the lab's balancer knows; it knows ${known.join(', ')}`);
    }
  }
  return config;
}

/** name=value parameters, each at most once and each one of `known`. */
function readParams(directive: Directive, params: string[], known: string[]): Record<string, string | undefined> {
  const values: Record<string, string | undefined> = {};
  for (const param of params) {
    const equals = param.indexOf('=');
    const name = equals < 0 ? param : param.slice(0, equals);
    if (!known.includes(name) || equals < 0) {
      const near = closestName(name, known);
      const hint = known.includes(name) ? `it needs a value: ${name}=…` : `it knows ${known.join(', ')}${near ? ` (did you mean ${near}?)` : ''}`;
      throw new SyntaxProblem(directive.line, `"${param}" is not a ${directive.name} parameter the lab's balancer understands; ${hint}`);
    }
    if (values[name] !== undefined) throw new SyntaxProblem(directive.line, `${name} is given twice`);
    values[name] = param.slice(equals + 1);
  }
  return values;
}

/** A whole number at least `min`. */
function count(directive: Directive, text: string, min: number, what: string = directive.name): number {
  if (!/^\d+$/.test(text) || Number(text) < min) throw new SyntaxProblem(directive.line, `${what} "${text}" is not a whole number${min > 0 ? ` of at least ${min}` : ''}`);
  return Number(text);
}

const TIME_UNITS_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** nginx's time syntax in milliseconds: "500ms", "10s", "1m30s"; a bare number is seconds. */
export function nginxTimeMs(text: string): number | undefined {
  if (/^\d+$/.test(text)) return Number(text) * 1_000;
  const parts = [...text.matchAll(/(\d+)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== text) return undefined;
  return parts.reduce((sum, part) => sum + Number(part[1]) * TIME_UNITS_MS[part[2]!]!, 0);
}

function time(directive: Directive, text: string, what: string = directive.name): number {
  const ms = nginxTimeMs(text);
  if (ms === undefined || ms <= 0) throw new SyntaxProblem(directive.line, `${what} "${text}" is not a time nginx reads; write e.g. 500ms, 10s or 1m`);
  return ms;
}

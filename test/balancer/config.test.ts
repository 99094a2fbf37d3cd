/** The balancer's settings file: nginx's syntax and directives, each default, and one line for each mistake. */
import { describe, expect, it } from 'vitest';
import { nginxTimeMs, parseBalancerConfig } from '../../lab/balancer/config.js';
import { LabError } from '../../lab/errors.js';

const FULL_EXAMPLE = `upstream app {
    # round robin unless a method is named:
    least_conn;
    # one line for every instance: the lab writes the instances' addresses in place of "app-instances"
    server app-instances max_fails=1 fail_timeout=10s;
    keepalive 16;
}
# Active health checks, as NGINX Plus names them (open-source nginx has only the passive max_fails/fail_timeout):
health_check interval=2s fails=2 passes=1 uri=/health;
proxy_next_upstream error timeout;      # nginx's default is "error timeout"; "off" disables retries
proxy_next_upstream_tries 0;            # 0 = no limit other than the number of instances
proxy_connect_timeout 1s;
proxy_read_timeout 60s;
`;

const MINIMAL = 'upstream app { server app-instances; }';
const parse = (text: string) => parseBalancerConfig(text, 'balancer.conf');

/** The one line a bad file gets. */
function problemOf(text: string): string {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof LabError) {
      expect(error.code).toBe('BALANCER_CONFIG');
      return error.message;
    }
    throw error;
  }
  throw new Error('the file was accepted');
}

describe('parseBalancerConfig', () => {
  it('reads the full example', () => {
    expect(parse(FULL_EXAMPLE)).toEqual({
      method: 'least_conn',
      maxFails: 1,
      failTimeoutMs: 10_000,
      keepalive: 16,
      healthCheck: { intervalMs: 2_000, fails: 2, passes: 1, uri: '/health' },
      nextUpstream: { error: true, timeout: true, statuses: [], nonIdempotent: false },
      nextUpstreamTries: 0,
      connectTimeoutMs: 1_000,
      readTimeoutMs: 60_000,
    });
  });

  it("gives what the file leaves out nginx's defaults", () => {
    expect(parse(MINIMAL)).toEqual({
      method: 'round_robin',
      maxFails: 1,
      failTimeoutMs: 10_000,
      keepalive: 0,
      nextUpstream: { error: true, timeout: true, statuses: [], nonIdempotent: false },
      nextUpstreamTries: 0,
      connectTimeoutMs: 60_000,
      readTimeoutMs: 60_000,
    });
  });

  it('reads each directive and parameter', () => {
    expect(parse('upstream app { server app-instances max_fails=0 fail_timeout=1m30s; keepalive 4; }')).toMatchObject({ maxFails: 0, failTimeoutMs: 90_000, keepalive: 4 });
    expect(parse(`${MINIMAL} health_check;`).healthCheck).toEqual({ intervalMs: 5_000, fails: 1, passes: 1, uri: '/' });
    expect(parse(`${MINIMAL} health_check uri=/ready passes=3 interval=500ms;`).healthCheck).toEqual({ intervalMs: 500, fails: 1, passes: 3, uri: '/ready' });
    expect(parse(`${MINIMAL} proxy_next_upstream off;`).nextUpstream).toEqual({ error: false, timeout: false, statuses: [], nonIdempotent: false });
    expect(parse(`${MINIMAL} proxy_next_upstream error http_502 http_503 non_idempotent;`).nextUpstream).toEqual({ error: true, timeout: false, statuses: [502, 503], nonIdempotent: true });
    expect(parse(`${MINIMAL} proxy_next_upstream_tries 2; proxy_connect_timeout 250ms; proxy_read_timeout 2;`)).toMatchObject({ nextUpstreamTries: 2, connectTimeoutMs: 250, readTimeoutMs: 2_000 });
  });

  it("follows nginx's syntax: comments, whitespace, quotes, one line or many", () => {
    const spread = 'upstream\n\tapp\n{\r\n server   app-instances\n   max_fails=3 ;# a comment right after\n}\nproxy_read_timeout "5s";';
    expect(parse(spread)).toMatchObject({ maxFails: 3, readTimeoutMs: 5_000 });
    // "#" starts a comment only at the start of a word: inside one it is a character.
    expect(parse(`${MINIMAL} health_check uri=/health#x;`).healthCheck?.uri).toBe('/health#x');
    expect(parse(`${MINIMAL} health_check 'uri=/a b';`).healthCheck?.uri).toBe('/a b');
  });

  it('names the file, the line and what is wrong', () => {
    const misspelt = FULL_EXAMPLE.replace('least_conn;', 'least_connections;');
    expect(problemOf(misspelt)).toBe('balancer.conf line 3: "least_connections" is not a directive the lab\'s balancer knows (did you mean least_conn?)');
    expect(problemOf(FULL_EXAMPLE.replace('health_check', 'helth_check'))).toBe('balancer.conf line 9: "helth_check" is not a directive the lab\'s balancer knows (did you mean health_check?)');
    expect(problemOf(FULL_EXAMPLE.replace('keepalive 16;', 'keepalive 16'))).toBe('balancer.conf line 6: "keepalive" needs a ";" at its end');
    expect(problemOf(FULL_EXAMPLE.replace('max_fails=1', 'max_fail=1'))).toBe(
      'balancer.conf line 5: "max_fail=1" is not a server parameter the lab\'s balancer understands; it knows max_fails, fail_timeout (did you mean max_fails?)',
    );
    expect(problemOf(FULL_EXAMPLE.replace('fail_timeout=10s', 'fail_timeout=10 s'))).toMatch(/^balancer\.conf line 5: "s" is not a server parameter/);
    expect(problemOf(FULL_EXAMPLE.replace('interval=2s', 'interval=2secs'))).toBe('balancer.conf line 9: interval "2secs" is not a time nginx reads; write e.g. 500ms, 10s or 1m');
    expect(problemOf(FULL_EXAMPLE.replace('error timeout', 'error http_404'))).toMatch(/^balancer\.conf line 10: "http_404" is not a proxy_next_upstream value/);
    expect(problemOf(FULL_EXAMPLE.replace('proxy_next_upstream_tries 0', 'proxy_next_upstream_tries -1'))).toBe('balancer.conf line 11: proxy_next_upstream_tries "-1" is not a whole number');
    expect(problemOf(FULL_EXAMPLE.replace('fails=2', 'fails=0'))).toBe('balancer.conf line 9: fails "0" is not a whole number of at least 1');
  });

  it('reads ip_hash as the method (sticky: each client address to one instance)', () => {
    expect(parse('upstream app {\n ip_hash;\n server app-instances;\n}').method).toBe('ip_hash');
  });

  it('refuses directives in the wrong block, twice, or that only nginx has', () => {
    expect(problemOf(`${MINIMAL}\nleast_conn;`)).toBe('balancer.conf line 2: "least_conn" is not allowed outside the upstream block');
    expect(problemOf('upstream app {\n server app-instances;\n proxy_read_timeout 1s;\n}')).toBe('balancer.conf line 3: "proxy_read_timeout" is not allowed inside the upstream block');
    expect(problemOf('upstream app {\n server app-instances;\n keepalive 1;\n keepalive 2;\n}')).toBe('balancer.conf line 4: "keepalive" is given twice (first on line 3)');
    expect(problemOf('upstream app {\n hash $remote_addr;\n server app-instances;\n}')).toMatch(/^balancer\.conf line 2: "hash" is an nginx directive the lab's balancer does not support; it knows upstream, health_check/);
    expect(problemOf('upstream app {\n least_conn;\n ip_hash;\n server app-instances;\n}')).toBe('balancer.conf line 3: an upstream block takes one method: least_conn or ip_hash, not both');
    expect(problemOf('upstream app {\n server 127.0.0.1:4101;\n}')).toBe(
      'balancer.conf line 2: the server line names "127.0.0.1:4101"; write app-instances (the lab puts every instance\'s address in its place)',
    );
  });

  it('refuses a file without its upstream, or with broken blocks', () => {
    expect(problemOf('proxy_read_timeout 1s;')).toBe('balancer.conf: no upstream block; write one: upstream app { server app-instances; }');
    expect(problemOf('upstream app {\n keepalive 2;\n}')).toBe('balancer.conf line 1: the upstream block has no server line; add: server app-instances;');
    expect(problemOf('upstream app {\n server app-instances;\n')).toBe('balancer.conf line 1: this "{" has no "}" to close it');
    expect(problemOf(`${MINIMAL}\n}`)).toBe('balancer.conf line 2: this "}" closes no block');
    expect(problemOf(`${MINIMAL}\nproxy_read_timeout "1s;`)).toBe('balancer.conf line 2: this " is never closed');
  });
});

describe('nginxTimeMs', () => {
  it("reads nginx's time units; a bare number is seconds", () => {
    expect([nginxTimeMs('10'), nginxTimeMs('10s'), nginxTimeMs('250ms'), nginxTimeMs('2m'), nginxTimeMs('1h1s')]).toEqual([10_000, 10_000, 250, 120_000, 3_601_000]);
    expect([nginxTimeMs('s'), nginxTimeMs('1.5s'), nginxTimeMs('10 s'), nginxTimeMs('')]).toEqual([undefined, undefined, undefined, undefined]);
  });
});

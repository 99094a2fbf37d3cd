/**
 * nginx.conf as the lab writes it from the learner's balancer.conf and the instances: the
 * placeholder's server line once per instance with the learner's parameters, what a complete
 * configuration needs around it, health_check left out with its one line, and the lab
 * parser's line for a file it cannot use.
 */
import { describe, expect, it } from 'vitest';
import { nginxFiles } from '../../../lab/balancer/nginx/files.js';
import { HEALTH_CHECK_NOTE, quote, renderNginxConf, type NginxConfInput } from '../../../lab/balancer/nginx/conf.js';
import { LabError } from '../../../lab/errors.js';

const SOLVED = `upstream app {
    least_conn;
    server app-instances max_fails=1 fail_timeout=10s;
    keepalive 16;
}
health_check interval=1s fails=2 passes=1 uri=/health;
proxy_connect_timeout 1s;
`;

const FILES = nginxFiles('/lab/nginx');

function render(learnerText: string, upstreams: NginxConfInput['upstreams'] = [{ name: 'app-1', port: 4101 }, { name: 'app-2', port: 4102 }]) {
  return renderNginxConf({ learnerText, learnerName: 'balancer.conf', upstreams, host: '127.0.0.1', port: 3000, sidecarPort: 4999, files: FILES });
}

describe('nginx.conf from balancer.conf', () => {
  it('writes one server line per instance, keeping the learner\'s parameters, inside the learner\'s upstream block', () => {
    const { text } = render(SOLVED);
    expect(text).toContain(
      [
        '    upstream app {',
        '        least_conn;',
        '        server 127.0.0.1:4101 max_fails=1 fail_timeout=10s;  # app-1',
        '        server 127.0.0.1:4102 max_fails=1 fail_timeout=10s;  # app-2',
        '        keepalive 16;',
        '    }',
        '    proxy_connect_timeout 1s;',
      ].join('\n'),
    );
    expect(text).not.toContain('app-instances');
  });

  it('is a complete configuration of the lab\'s own: foreground, its files under the lab\'s folder, loopback only, everything proxied with keepalive', () => {
    const { text } = render(SOLVED);
    for (const line of [
      'daemon off;',
      'master_process on;',
      'pid /lab/nginx/nginx.pid;',
      'error_log /lab/nginx/error.log warn;',
      'client_body_temp_path /lab/nginx/temp/client_body;',
      'proxy_temp_path /lab/nginx/temp/proxy;',
      'listen 127.0.0.1:3000;',
      'location / {',
      'proxy_pass http://app;',
      'proxy_http_version 1.1;',
      'proxy_set_header Connection "";',
      'proxy_set_header Host $http_host;',
      'access_log /lab/nginx/access.log lab_balancer;',
      'location /__balancer/ {',
      'proxy_pass http://127.0.0.1:4999;',
    ]) {
      expect(text).toContain(line);
    }
    expect(text).toMatch(/log_format lab_balancer escape=json "\{\\"status\\":\$status,/);
  });

  it('leaves health_check out, with one line saying open-source nginx checks passively only', () => {
    const solved = render(SOLVED);
    expect(solved.text).not.toContain('health_check');
    expect(solved.notes).toEqual([HEALTH_CHECK_NOTE]);
    expect(HEALTH_CHECK_NOTE).toMatch(/open-source nginx has no active health checks .* max_fails/);
    expect(render('upstream app { server app-instances; }').notes).toEqual([]);
  });

  it('hands back the settings as the lab reads them (the passive checks the sidecar mirrors)', () => {
    expect(render(SOLVED).config).toMatchObject({ method: 'least_conn', maxFails: 1, failTimeoutMs: 10_000, keepalive: 16 });
  });

  it('with no instance yet, lists one server marked down, so nginx starts and answers 502', () => {
    expect(render('upstream app { server app-instances; }', []).text).toContain('server 127.0.0.1:1 down;');
  });

  it('refuses a file the lab cannot use with the lab parser\'s line, naming the file and line', () => {
    const problem = (text: string) => {
      try {
        render(text);
      } catch (error) {
        expect(error).toBeInstanceOf(LabError);
        expect((error as LabError).code).toBe('BALANCER_CONFIG');
        return (error as LabError).message;
      }
      return 'accepted';
    };
    expect(problem('upstream app {\n  servr app-instances;\n}')).toBe('balancer.conf line 2: "servr" is not a directive the lab\'s balancer knows (did you mean server?)');
    expect(problem('upstream app { server 10.0.0.1:80; }')).toMatch(/^balancer\.conf line 1: the server line names "10\.0\.0\.1:80"; write app-instances/);
    expect(problem('health_check interval=1s;')).toMatch(/^balancer\.conf: no upstream block/);
  });

  it('quotes a word nginx would split or end, and no other', () => {
    expect(quote('/health')).toBe('/health');
    expect(quote('a b')).toBe('"a b"');
    expect(quote('say "hi";')).toBe('"say \\"hi\\";"');
    expect(quote('')).toBe('""');
  });
});

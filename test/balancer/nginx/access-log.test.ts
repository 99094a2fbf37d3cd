/** nginx's access log lines, as its log_format writes them, read back into attempts. */
import { describe, expect, it } from 'vitest';
import { parseAccessLine } from '../../../lab/balancer/nginx/access-log.js';

describe('an access log line', () => {
  it('reads one attempt answered', () => {
    expect(parseAccessLine('{"status":200,"request_time":0.027,"upstream_addr":"127.0.0.1:3925","upstream_status":"200","upstream_header_time":"0.028"}')).toEqual({
      status: 200,
      seconds: 0.027,
      attempts: [{ address: '127.0.0.1:3925', status: 200, noHeader: false, connected: true }],
    });
  });

  it('reads the request\'s method where the line has it', () => {
    expect(parseAccessLine('{"status":200,"request_time":0.010,"request_method":"POST","upstream_addr":"127.0.0.1:3925","upstream_status":"200","upstream_header_time":"0.009"}')?.method).toBe('POST');
  });

  it('reads a refused attempt, then the one that answered (as nginx logged them)', () => {
    const line =
      '{"status":200,"request_time":0.003,"upstream_addr":"127.0.0.1:3926, 127.0.0.1:3925","upstream_status":"502, 200","upstream_header_time":"-, 0.004","upstream_connect_time":"-, 0.001"}';
    expect(parseAccessLine(line)?.attempts).toEqual([
      { address: '127.0.0.1:3926', status: 502, noHeader: true, connected: false },
      { address: '127.0.0.1:3925', status: 200, noHeader: false, connected: true },
    ]);
  });

  it('tells an attempt cut off after connecting from one refused', () => {
    const line =
      '{"status":200,"request_time":0.003,"upstream_addr":"127.0.0.1:3926, 127.0.0.1:3925","upstream_status":"502, 200","upstream_header_time":"-, 0.004","upstream_connect_time":"0.000, 0.001"}';
    expect(parseAccessLine(line)?.attempts[0]).toEqual({ address: '127.0.0.1:3926', status: 502, noHeader: true, connected: true });
  });

  it('reads "no live upstreams" (the block\'s name as the address) and a request answered without an upstream', () => {
    expect(parseAccessLine('{"status":502,"request_time":0.000,"upstream_addr":"app","upstream_status":"502","upstream_header_time":"-"}')?.attempts).toEqual([{ address: 'app', status: 502, noHeader: true, connected: true }]);
    expect(parseAccessLine('{"status":400,"request_time":0.000,"upstream_addr":"","upstream_status":"","upstream_header_time":""}')?.attempts).toEqual([]);
  });

  it('reads values across an internal redirect (" : ")', () => {
    const line = '{"status":200,"request_time":0.01,"upstream_addr":"127.0.0.1:1 : 127.0.0.1:2","upstream_status":"404 : 200","upstream_header_time":"0.001 : 0.002"}';
    expect(parseAccessLine(line)?.attempts.map((attempt) => attempt.address)).toEqual(['127.0.0.1:1', '127.0.0.1:2']);
  });

  it('passes over a line that is not one of its own', () => {
    expect(parseAccessLine('{"status":200,"request_t')).toBeUndefined();
    expect(parseAccessLine('127.0.0.1 - - [05/Dec/2026] "GET / HTTP/1.1" 200')).toBeUndefined();
  });
});

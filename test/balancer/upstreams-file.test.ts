/** The file the lab lists the instances in: read when well formed, one line naming the file when not. */
import { describe, expect, it } from 'vitest';
import { parseUpstreamsFile } from '../../lab/balancer/upstreams-file.js';

const parse = (text: string) => parseUpstreamsFile(text, 'upstreams.json');

describe('parseUpstreamsFile', () => {
  it('reads the instances in order', () => {
    expect(parse('{"upstreams":[{"name":"app-1","port":4101},{"name":"app-2","port":4102}]}')).toEqual([
      { name: 'app-1', port: 4101 },
      { name: 'app-2', port: 4102 },
    ]);
    expect(parse('{"upstreams":[]}')).toEqual([]);
  });

  it('says what is wrong, naming the file', () => {
    const expected = '; expected {"upstreams":[{"name":"app-1","port":4101}]}';
    expect(() => parse('{"upstreams":[')).toThrow(`upstreams.json: not JSON${expected}`);
    expect(() => parse('[]')).toThrow(`upstreams.json: no "upstreams" list${expected}`);
    expect(() => parse('{"upstreams":[{"port":1}]}')).toThrow('entry 1 has no name');
    expect(() => parse('{"upstreams":[{"name":"app-1","port":70000}]}')).toThrow('app-1 has no port from 1 to 65535');
    expect(() => parse('{"upstreams":[{"name":"app-1","port":1},{"name":"app-1","port":2}]}')).toThrow('app-1 is listed twice');
  });
});

import { describe, expect, it } from 'vitest';
import { LabError } from '../errors.js';
import { parseLoadTestArgs } from './options.js';

const defaults = { users: 200, durationSeconds: 30, route: '/feed', requestTimeoutSeconds: 20 };

function usageMessage(argv: string[]): string {
  try {
    parseLoadTestArgs(argv, defaults);
  } catch (error) {
    expect(error).toBeInstanceOf(LabError);
    expect((error as LabError).exitCode).toBe(2);
    return (error as LabError).message;
  }
  throw new Error(`${JSON.stringify(argv)} was accepted`);
}

describe('parseLoadTestArgs', () => {
  it('keeps the defaults when given nothing', () => {
    expect(parseLoadTestArgs([], defaults)).toEqual({ ...defaults, json: false, help: false });
  });

  it('reads every option, long and short', () => {
    expect(parseLoadTestArgs(['-u', '50', '--duration=10', '-r', '/users/1/posts', '--label', ' after fix 1 ', '--json'], defaults)).toEqual({
      users: 50,
      durationSeconds: 10,
      route: '/users/1/posts',
      label: 'after fix 1',
      requestTimeoutSeconds: 20,
      json: true,
      help: false,
    });
  });

  it.each([
    [['--users=-5'], '--users "-5" is not a whole number from 1 to 1000.'],
    [['--users', '-5'], "Option '--users' argument is ambiguous"],
    [['--users', '2.5'], '--users "2.5" is not a whole number'],
    [['--users', '1001'], '--users "1001" is not a whole number'],
    [['--duration', '0'], '--duration "0" is not a whole number from 1 to 600.'],
    [['--duration', '10s'], '--duration "10s" is not a whole number'],
    [['--route', 'feed'], '--route "feed" is not a path on the app'],
    [['--route', '//evil.example/feed'], 'is not a path on the app'],
    [['--label', '   '], '--label must be 1 to 40 printable characters'],
    [['--users'], "Option '-u, --users <value>' argument missing"],
    [['extra'], "Unexpected argument 'extra'"],
  ])('rejects %j', (argv, message) => {
    expect(usageMessage(argv)).toContain(message);
  });
});

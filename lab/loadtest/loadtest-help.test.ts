import { describe, expect, it } from 'vitest';
import { helpText } from './loadtest-help.js';

const defaults = { users: 20, durationSeconds: 30, route: '/users', requestTimeoutSeconds: 10 };

describe("the load test's help", () => {
  it('by users: users are the default, a rate the other way', () => {
    const text = helpText(defaults);
    expect(text).toMatch(/Puts many simultaneous users on the app/);
    expect(text).toMatch(/-u, --users N {7}simultaneous users, 1-1000 \(default 20\)/);
    expect(text).toMatch(/--rate N {8}instead of users: N requests a second/);
    expect(text).toMatch(/Each user waits at most 10 s/);
  });

  it('at a rate: the rate is the default, users the other way', () => {
    const text = helpText({ ...defaults, ratePerSecond: 40 });
    expect(text).toMatch(/Puts 40 requests a second on the app/);
    expect(text).toMatch(/\n {6}--rate N {8}N requests a second, 1-1000 \(default 40\)/);
    expect(text).toMatch(/\n {2}-u, --users N {7}instead of a rate: N simultaneous users/);
    expect(text).toMatch(/Each request waits at most 10 s/);
  });
});

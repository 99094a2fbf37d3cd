import { describe, expect, it } from 'vitest';
import { LabError } from '../errors.js';
import type { LoadRoute } from '../scenario/definition.js';
import { parseLoadTestArgs, type LoadTestDefaults } from './options.js';

const defaults: LoadTestDefaults = { users: 200, durationSeconds: 30, route: '/feed', requestTimeoutSeconds: 20 };
const feed = { name: '/feed', weight: 1, path: '/feed' };

const search: LoadRoute = { name: 'search', weight: 40, path: '/products?category=:category', params: (draw) => ({ category: draw.pick(['books', 'toys']) }) };
const myOrders: LoadRoute = { name: 'my orders', weight: 30, path: '/users/:userId/orders', params: (draw) => ({ userId: draw.integer(1, 100, 2) }) };
const placeOrder: LoadRoute = { name: 'place order', weight: 15, method: 'POST', path: '/orders', body: () => ({ userId: 1 }) };
const withMix: LoadTestDefaults = { ...defaults, route: '/products?category=books', mix: [search, myOrders, placeOrder] };

function usageMessage(argv: string[], given = defaults): string {
  try {
    parseLoadTestArgs(argv, given);
  } catch (error) {
    expect(error).toBeInstanceOf(LabError);
    expect((error as LabError).exitCode).toBe(2);
    return (error as LabError).message;
  }
  throw new Error(`${JSON.stringify(argv)} was accepted`);
}

describe('parseLoadTestArgs', () => {
  it('keeps the defaults when given nothing', () => {
    expect(parseLoadTestArgs([], defaults)).toEqual({ users: 200, durationSeconds: 30, requestTimeoutSeconds: 20, routes: [feed], json: false, help: false });
  });

  it("sends the scenario's rate by default when it has one; --users sends users instead, --rate another rate", () => {
    const atRate = { ...defaults, ratePerSecond: 40 };
    expect(parseLoadTestArgs([], atRate)).toMatchObject({ users: 200, ratePerSecond: 40 });
    expect(parseLoadTestArgs(['--users', '20'], atRate)).not.toHaveProperty('ratePerSecond');
    expect(parseLoadTestArgs(['--users', '20'], atRate).users).toBe(20);
    expect(parseLoadTestArgs(['--rate', '5'], atRate).ratePerSecond).toBe(5);
  });

  it('reads every option, long and short', () => {
    expect(parseLoadTestArgs(['-u', '50', '--duration=10', '-r', '/users/1/posts', '--label', ' after fix 1 ', '--json'], defaults)).toEqual({
      users: 50,
      durationSeconds: 10,
      routes: [{ name: '/users/1/posts', weight: 1, path: '/users/1/posts' }],
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
    [['--route', 'feed'], '--route "feed" is not a path on the app; use one like /feed.'],
    [['--route', '//evil.example/feed'], 'is not a path on the app'],
    [['--label', '   '], '--label must be 1 to 40 printable characters'],
    [['--users'], "Option '-u, --users <value>' argument missing"],
    [['extra'], "Unexpected argument 'extra'"],
  ])('rejects %j', (argv, message) => {
    expect(usageMessage(argv)).toContain(message);
  });
});

describe('parseLoadTestArgs with a traffic mix', () => {
  it('sends the whole mix by default', () => {
    expect(parseLoadTestArgs([], withMix).routes).toEqual([search, myOrders, placeOrder]);
  });

  it('--route picks one route of the mix by its name (any case) or its path, query or not', () => {
    expect(parseLoadTestArgs(['--route', 'my orders'], withMix).routes).toEqual([myOrders]);
    expect(parseLoadTestArgs(['--route', 'Place Order'], withMix).routes).toEqual([placeOrder]);
    expect(parseLoadTestArgs(['--route', '/users/:userId/orders'], withMix).routes).toEqual([myOrders]);
    expect(parseLoadTestArgs(['--route', '/products'], withMix).routes).toEqual([search]);
  });

  it('--route with any other path sends a GET of that path alone', () => {
    expect(parseLoadTestArgs(['--route', '/users/7/orders'], withMix).routes).toEqual([{ name: '/users/7/orders', weight: 1, path: '/users/7/orders' }]);
  });

  it('names the routes of the mix when --route is neither one of them nor a path', () => {
    expect(usageMessage(['--route', 'checkout'], withMix)).toBe(
      '--route "checkout" is neither a route of the mix ("search", "my orders", "place order") nor a path on the app; use one like /products?category=books. See `npm run loadtest -- --help`.',
    );
  });
});

/** A traffic mix's draws and requests, without a server: seeded, so every count here is the same on every run. */
import { describe, expect, it } from 'vitest';
import { LabError } from '../errors.js';
import type { LoadRoute } from '../scenario/definition.js';
import { buildRequest, checkMix, createDraw, describeRoute, mixShares, routePicker } from './mix.js';

const size = { users: 1_000 };
const search: LoadRoute = {
  name: 'search',
  weight: 6,
  path: '/products?category=:category&q=:q',
  params: (draw) => ({ category: draw.pick(['books', 'toys']), q: 'red & blue/green' }),
};
const myOrders: LoadRoute = { name: 'my orders', weight: 3, path: '/users/:userId/orders', params: (draw) => ({ userId: draw.integer(1, draw.size.users!, 2) }) };
const placeOrder: LoadRoute = { name: 'place order', weight: 1, method: 'POST', path: '/orders', body: (draw) => ({ userId: draw.integer(1, 10), items: [{ productId: 42, quantity: 1 }] }) };

describe('the draws of a run', () => {
  it('repeat with the same seed, and differ with another', () => {
    const sequence = (seed: number) => Array.from({ length: 5 }, ((draw) => () => draw.fraction())(createDraw(seed, size)));
    expect(sequence(7)).toEqual(sequence(7));
    expect(sequence(7)).not.toEqual(sequence(8));
  });

  it('draw whole numbers within the range, the low end more often with a skew', () => {
    const draw = createDraw(1, size);
    const plain = Array.from({ length: 10_000 }, () => draw.integer(1, 100));
    const skewed = Array.from({ length: 10_000 }, () => draw.integer(1, 100, 2));
    expect([...plain, ...skewed].every((value) => Number.isInteger(value) && value >= 1 && value <= 100)).toBe(true);
    const lowTenth = (values: number[]) => values.filter((value) => value <= 10).length / values.length;
    // u² falls under 0.1 for u under √0.1: about 32% of draws, against 10% without a skew.
    expect(lowTenth(plain)).toBeCloseTo(0.1, 1);
    expect(lowTenth(skewed)).toBeCloseTo(Math.sqrt(0.1), 1);
  });

  it('pick items by weight', () => {
    const draw = createDraw(2, size);
    const picks = Array.from({ length: 10_000 }, () => draw.pick(['a', 'b', 'c'], [1, 0, 3]));
    expect(picks).not.toContain('b');
    expect(picks.filter((pick) => pick === 'c').length / picks.length).toBeCloseTo(0.75, 1);
  });
});

describe('the route of each request', () => {
  it('comes up as often as its weight says', () => {
    const routes = [search, myOrders, placeOrder];
    const pick = routePicker(routes, createDraw(3, size));
    const counts = [0, 0, 0];
    for (let i = 0; i < 10_000; i += 1) counts[pick()]! += 1;
    expect(counts.map((n) => n / 10_000)).toEqual([expect.closeTo(0.6, 1), expect.closeTo(0.3, 1), expect.closeTo(0.1, 1)]);
    expect(mixShares(routes)).toBe('search 60%, my orders 30%, place order 10%');
  });
});

describe('one request', () => {
  it('fills the path with its drawn parameters, URL-encoded', () => {
    const request = buildRequest(search, createDraw(4, size));
    expect(request).toEqual({ method: 'GET', path: expect.stringMatching(/^\/products\?category=(books|toys)&q=red%20%26%20blue%2Fgreen$/), headers: {} });
    expect(buildRequest(myOrders, createDraw(4, size)).path).toMatch(/^\/users\/\d+\/orders$/);
  });

  it('sends a POST body as JSON', () => {
    const request = buildRequest(placeOrder, createDraw(5, size));
    expect(request.method).toBe('POST');
    expect(request.headers).toEqual({ 'content-type': 'application/json' });
    expect(JSON.parse(request.body!)).toEqual({ userId: expect.any(Number), items: [{ productId: 42, quantity: 1 }] });
    expect(describeRoute(placeOrder)).toBe('POST /orders');
    expect(describeRoute(search)).toBe('GET /products');
  });
});

describe('a mix the load test cannot send', () => {
  const problem = (routes: LoadRoute[]) => {
    try {
      checkMix(routes, createDraw(0, size));
    } catch (error) {
      expect(error).toBeInstanceOf(LabError);
      return (error as LabError).message;
    }
    return 'accepted';
  };

  it('is refused with the route and what is wrong with it', () => {
    expect(problem([search, myOrders, placeOrder])).toBe('accepted');
    expect(problem([])).toMatch(/has no route/);
    expect(problem([search, { ...myOrders, name: 'Search' }])).toMatch(/route "Search" is named twice/);
    expect(problem([{ ...search, weight: 0 }])).toMatch(/route "search" has weight 0: it must be a number above 0/);
    expect(problem([{ ...myOrders, path: 'http://elsewhere.example/' }])).toMatch(/route "my orders" has path "http:\/\/elsewhere.example\/": it must start with one \//);
    expect(problem([{ ...placeOrder, body: undefined }])).toMatch(/route "place order" is a POST without a body/);
    expect(problem([{ name: 'orders', weight: 1, path: '/users/:userId/orders' }])).toMatch(/has parameters in its path .* but no params to fill them/);
    expect(problem([{ ...myOrders, params: () => ({ user: 1 }) }])).toMatch(/route "my orders" names :userId in its path, but its params give no userId/);
  });
});

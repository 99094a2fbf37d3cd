/**
 * A load test's traffic: the route each request goes to, drawn by weight, and the request
 * itself with its parameters and body drawn afresh. One seeded random source per run, shared by
 * every user: the same seed sends the same sequence of requests.
 */
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { LabError } from '../errors.js';
import type { DatasetSize, LoadRoute, RequestDraw } from '../scenario/definition.js';

/** What a run's summary names as its route when it sent the whole mix. */
export const WHOLE_MIX = 'mix';

/** One HTTP request, ready to send. */
export interface HttpRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** A parameter's place in a path: `:userId`. */
const PARAMETER = /:([A-Za-z_]\w*)/g;

/** The one route of a run on a plain path (`--route /users/1/posts`, or a scenario without a mix). */
export function plainRoute(path: string): LoadRoute {
  return { name: path, weight: 1, path };
}

/** How a run's summary names what it sent: the one route's path (and its method), or "mix". */
export function runRoute(routes: readonly LoadRoute[]): { route: string; method?: 'GET' | 'POST' } {
  if (routes.length > 1) return { route: WHOLE_MIX };
  return { route: routes[0]!.path, method: routes[0]!.method ?? 'GET' };
}

/** "search 40%, my orders 30%": each route's share of the requests. */
export function mixShares(routes: readonly LoadRoute[]): string {
  const total = routes.reduce((sum, route) => sum + route.weight, 0);
  return routes.map((route) => `${route.name} ${Math.round((route.weight / total) * 100)}%`).join(', ');
}

/** "GET /feed", "POST /orders": how the summary shows a route (its path without the query). */
export function describeRoute(route: Pick<LoadRoute, 'method' | 'path'>): string {
  return `${route.method ?? 'GET'} ${route.path.split('?')[0]}`;
}

/** The route of the mix that `wanted` names: by its name (in any case), or by its path (with or without the query). */
export function findRoute(mix: readonly LoadRoute[], wanted: string): LoadRoute | undefined {
  const name = wanted.trim().toLowerCase();
  return mix.find((route) => route.name.toLowerCase() === name || route.path === wanted || route.path.split('?')[0] === wanted);
}

/** The draws of one run, from a seed (any 32-bit number). */
export function createDraw(seed: number, size: DatasetSize): RequestDraw {
  const source = xoroshiro128plus(seed);
  const fraction = () => uniformFloat64(source);
  return {
    size,
    fraction,
    integer(min, max, skew = 1) {
      const span = Math.floor(max) - Math.ceil(min) + 1;
      return Math.ceil(min) + Math.min(span - 1, Math.floor(span * fraction() ** skew));
    },
    pick(items, weights) {
      if (items.length === 0) throw new LabError('SCENARIO_DEFINITION', 'draw.pick() needs at least one item to pick from.');
      return items[weightedIndex(weights ?? items.map(() => 1), fraction())]!;
    },
  };
}

/** Picks the route of each next request, each as often as its weight says. */
export function routePicker(routes: readonly LoadRoute[], draw: RequestDraw): () => number {
  const weights = routes.map((route) => route.weight);
  return () => weightedIndex(weights, draw.fraction());
}

/** True when every request is the same (one GET route with no parameters): it is then built once. */
export function sendsOneFixedRequest(routes: readonly LoadRoute[]): boolean {
  return routes.length === 1 && !routes[0]!.params && !routes[0]!.body && (routes[0]!.method ?? 'GET') === 'GET';
}

/** One request to the route, with its parameters and body drawn now. */
export function buildRequest(route: LoadRoute, draw: RequestDraw): HttpRequest {
  const method = route.method ?? 'GET';
  const path = route.params ? fillPath(route, route.params(draw)) : route.path;
  if (!route.body) return { method, path, headers: {} };
  return { method, path, headers: { 'content-type': 'application/json' }, body: JSON.stringify(route.body(draw)) };
}

/**
 * Throws a LabError naming the route for a mix the load test cannot send: no route, a weight
 * that is not a positive number, two routes of one name, a path that is not a plain path on
 * the app, a POST without a body (or a GET with one), or a parameter its `params` do not give
 * (tried once with `draw`).
 */
export function checkMix(routes: readonly LoadRoute[], draw: RequestDraw): void {
  if (routes.length === 0) throw new LabError('SCENARIO_DEFINITION', "The scenario's load-test mix has no route: give it at least one, or leave `mix` out.");
  const names = new Set<string>();
  for (const route of routes) {
    const problem = routeProblem(route, names);
    if (problem) throw new LabError('SCENARIO_DEFINITION', `The scenario's load-test route "${route.name}" ${problem}. See docs/adding-a-scenario.md.`);
    names.add(route.name.toLowerCase());
    buildRequest(route, draw);
  }
}

function routeProblem(route: LoadRoute, names: Set<string>): string | undefined {
  if (route.name.trim() === '') return 'has no name';
  if (names.has(route.name.toLowerCase())) return 'is named twice';
  if (!(Number.isFinite(route.weight) && route.weight > 0)) return `has weight ${route.weight}: it must be a number above 0`;
  if (!isAppPath(route.path)) return `has path ${JSON.stringify(route.path)}: it must start with one / and hold no spaces`;
  if ((route.method ?? 'GET') === 'POST' && !route.body) return 'is a POST without a body';
  if ((route.method ?? 'GET') === 'GET' && route.body) return 'is a GET with a body';
  if (!route.params && route.path.search(PARAMETER) !== -1) return `has parameters in its path (${route.path}) but no params to fill them`;
  return undefined;
}

/** A path on the app, never a URL: the load only ever goes to this machine's app. */
export function isAppPath(path: string): boolean {
  return path.startsWith('/') && !path.startsWith('//') && !/[\s\u0000-\u001f\u007f]/.test(path);
}

function fillPath(route: LoadRoute, values: Record<string, string | number>): string {
  return route.path.replace(PARAMETER, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new LabError('SCENARIO_DEFINITION', `The scenario's load-test route "${route.name}" names :${name} in its path, but its params give no ${name}.`);
    return encodeURIComponent(String(value));
  });
}

function weightedIndex(weights: readonly number[], fraction: number): number {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  let left = fraction * total;
  for (let index = 0; index < weights.length; index += 1) {
    left -= weights[index]!;
    if (left < 0) return index;
  }
  return weights.length - 1;
}

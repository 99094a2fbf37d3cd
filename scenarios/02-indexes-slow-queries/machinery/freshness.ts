/**
 * The goal's probe of the answers themselves: an order placed for a customer is on their
 * "my orders" page at once. Speed alone cannot tell a fixed query from a cache in front of it;
 * a cache answers from a copy made before the order existed. The order it places is removed
 * afterwards with the load test's (the definition's loadTest.undoWrites).
 */
import type { GoalProbe, StepVerdict } from '../../../lab/sdk.js';
import { duration, failed, passed } from '../../../lab/sdk.js';
import scenario from './scenario.js';

/** A regular customer (low ids order most), whose page a cache would be likely to hold. */
export const FRESHNESS_CUSTOMER = 7;
/** Any product: stock starts at 50 or more, and the undo gives the one taken back. */
const PRODUCT = 1;

export const freshOrders: GoalProbe = {
  title: 'fresh answers',
  check: (appUrl) => probeFreshness(appUrl),
};

export async function probeFreshness(appUrl: string, customer = FRESHNESS_CUSTOMER): Promise<StepVerdict> {
  const page = `GET /users/${customer}/orders`;
  // Asked once before, as a shopper would: a cache in front of the page now holds a copy.
  const before = await call(appUrl, 'GET', `/users/${customer}/orders`);
  if (before.status !== 200) return failed(`${page} answered HTTP ${before.status}${said(before.body)}`, 'the page must answer before it can be fast: the `npm start` terminal shows the app\'s errors');
  const placed = await call(appUrl, 'POST', '/orders', { userId: customer, items: [{ productId: PRODUCT, quantity: 1 }] });
  const orderId = (placed.body as { order?: { id?: unknown } } | undefined)?.order?.id;
  if (placed.status !== 201 || typeof orderId !== 'number') {
    return failed(`POST /orders for customer ${customer} answered HTTP ${placed.status}${said(placed.body)}`, 'placing an order must work for this goal: the `npm start` terminal shows the app\'s errors');
  }
  const placedAt = performance.now();
  const after = await call(appUrl, 'GET', `/users/${customer}/orders`);
  const later = duration(performance.now() - placedAt);
  const listed = ((after.body as { orders?: Array<{ id?: unknown }> } | undefined)?.orders ?? []).map((order) => order.id);
  if (after.status === 200 && listed.includes(orderId)) return passed(`order ${orderId} for customer ${customer} was on their page at once`);
  const newest = listed.length > 0 ? ` (the newest order it listed was ${String(listed[0])})` : '';
  return failed(
    `order ${orderId}, placed for customer ${customer}, was missing from ${page} ${later} later${after.status === 200 ? newest : `: HTTP ${after.status}${said(after.body)}`}`,
    'the page answered from a copy made before the order existed. A cache trades freshness for speed, and this goal wants both: make the query itself cheap, and answer from the database',
  );
}

async function call(appUrl: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(new URL(path, appUrl), {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(scenario.loadTest.requestTimeoutSeconds * 1000),
  });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) as unknown };
  } catch {
    return { status: response.status, body: undefined };
  }
}

/** `: "user 7 does not exist"` from a JSON error's message, or nothing. */
function said(body: unknown): string {
  const message = (body as { message?: unknown } | undefined)?.message;
  return typeof message === 'string' ? `: "${message}"` : '';
}

/**
 * Which upstream gets the next request: nginx's round robin, or least_conn (fewest requests in
 * flight, ties taken in round-robin order as nginx does). Pure: the caller keeps the turn.
 */
import type { BalancingMethod } from './config.js';

/** What the choice needs to know of an upstream. */
export interface Choosable {
  /** Up, not draining, and not yet tried for this request. */
  eligible: boolean;
  /** Requests it is answering right now. */
  active: number;
}

/**
 * The index of the upstream to send to, looking from `turn` onwards (wrapping round), or
 * undefined when none is eligible. The caller passes index + 1 as the next turn.
 */
export function chooseUpstream(method: BalancingMethod, upstreams: readonly Choosable[], turn: number): number | undefined {
  const count = upstreams.length;
  let chosen: number | undefined;
  for (let step = 0; step < count; step += 1) {
    const index = (turn + step) % count;
    const upstream = upstreams[index]!;
    if (!upstream.eligible) continue;
    if (method === 'round_robin') return index;
    if (chosen === undefined || upstream.active < upstreams[chosen]!.active) chosen = index;
  }
  return chosen;
}

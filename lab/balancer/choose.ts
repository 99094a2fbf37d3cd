/**
 * Which upstream gets the next request: nginx's round robin, least_conn (fewest requests in
 * flight, ties taken in round-robin order as nginx does), or ip_hash (the client's address picks
 * the upstream, so a client always meets the same one while it is up; IPv4 by its first three
 * numbers, as nginx hashes it). Pure: the caller keeps the turn.
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
export function chooseUpstream(method: BalancingMethod, upstreams: readonly Choosable[], turn: number, clientAddress = ''): number | undefined {
  const count = upstreams.length;
  if (method === 'ip_hash' && count > 0) {
    // The address's own upstream, or the next eligible one after it (nginx hashes again; the next one is as fixed per address).
    const start = hashOf(hashKey(clientAddress)) % count;
    for (let step = 0; step < count; step += 1) if (upstreams[(start + step) % count]!.eligible) return (start + step) % count;
    return undefined;
  }
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

/** What nginx's ip_hash hashes: an IPv4 address's first three numbers ("127.0.0"), an IPv6 address whole. */
function hashKey(address: string): string {
  const ipv4 = /^(?:::ffff:)?(\d+\.\d+\.\d+)\.\d+$/.exec(address);
  return ipv4 ? ipv4[1]! : address;
}

/** A small stable string hash (FNV-1a, 32 bits). */
function hashOf(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

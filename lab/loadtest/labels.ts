/**
 * Names a run from what the database showed during it: did the app open a connection per
 * request, and was there an index for the feed's ORDER BY created_at?
 */
import type { LabSnapshot } from '../runs/run-record.js';

/** A pool opens at most a handful of sessions however many requests come; allow a few reconnects. */
const POOL_SESSION_ALLOWANCE = 20;
/** About 1 new session per request means a connection per request; a pool stays near 0. */
const PER_REQUEST_THRESHOLD = 0.5;

/** true: a new connection per request; false: a pool; null: the snapshot cannot tell. */
export function opensConnectionPerRequest(snapshot: LabSnapshot): boolean | null {
  const { newSessionsPerRequest, newSessions, peakConnections } = snapshot;
  if (newSessionsPerRequest !== null) {
    return newSessionsPerRequest >= PER_REQUEST_THRESHOLD && (newSessions ?? Number.POSITIVE_INFINITY) > POOL_SESSION_ALLOWANCE;
  }
  // Nothing succeeded, so there is no ratio; crowds of connections still give the broken app away.
  if (peakConnections !== null && peakConnections > POOL_SESSION_ALLOWANCE) return true;
  return null;
}

/** "broken", "pool only", "index only", "pool + index", or null when the lab's database was not reachable. */
export function automaticLabel(snapshot: LabSnapshot): string | null {
  const perRequest = opensConnectionPerRequest(snapshot);
  if (perRequest === null) return null;
  if (perRequest) return snapshot.createdAtIndexPresent ? 'index only' : 'broken';
  return snapshot.createdAtIndexPresent ? 'pool + index' : 'pool only';
}

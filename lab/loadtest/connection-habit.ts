/**
 * Tells from a run's snapshot whether the app opened a new database connection for every
 * request or reused a few (a pool): a fact of every scenario, whatever it teaches.
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
  // Nothing succeeded, so there is no ratio. Sessions opened by the dozen still give the broken
  // app away (a pool opens its size once, even one the database stopped short), and so do crowds
  // of connections on a server with room for more than a pool's allowance.
  if (typeof newSessions === 'number' && newSessions > 2 * POOL_SESSION_ALLOWANCE) return true;
  if (peakConnections !== null && peakConnections > POOL_SESSION_ALLOWANCE) return true;
  return null;
}

/**
 * true: at some moment of the run the server held as many client connections as it takes before
 * refusing the app ("too many clients"); false: it never did; null: the snapshot cannot tell
 * (an older record, or the database could not be read).
 */
export function reachedConnectionLimit(snapshot: LabSnapshot): boolean | null {
  const { peakServerConnections, connectionsBeforeRefusal } = snapshot;
  if (typeof peakServerConnections !== 'number' || typeof connectionsBeforeRefusal !== 'number' || connectionsBeforeRefusal <= 0) return null;
  return peakServerConnections >= connectionsBeforeRefusal;
}

/**
 * The shape of one load-test run as kept in `.lab/runs/<id>.json`. Written by the load
 * test (npm run loadtest); read by `npm run runs`, `npm run check` and the dashboard.
 * While a run is under way, `.lab/runs/in-progress.json` holds an InProgressRun.
 */

/**
 * What the database looked like during the run; the scenario names the run from it. Besides the
 * engine's own readings below, it holds the scenario's yes-or-no facts by name (its definition's
 * `loadTest.runs` `facts`, e.g. Scenario 1's `createdAtIndexPresent`): true when true at both the
 * start and the end of the run.
 */
export interface LabSnapshot {
  [scenarioFact: string]: boolean | number | null | undefined | Record<string, TableDuringRun>;
  /** New database sessions opened per completed request (about 1+ when broken, about 0 with a pool). */
  newSessionsPerRequest: number | null;
  /** Most client connections to the database seen at once during the run. */
  peakConnections: number | null;
  /** New database sessions opened during the run (added later; absent in older records). */
  newSessions?: number | null;
  /**
   * Most connections the app's role held at once during the run: with a pool, the pool's size as
   * far as it grew (added later, with the two below; absent in older records).
   */
  peakAppConnections?: number | null;
  /** Most client connections on the whole server at once, the lab's own included: what max_connections counts. */
  peakServerConnections?: number | null;
  /** How many client connections the server took before refusing the app's role (max_connections less the reserved slots). */
  connectionsBeforeRefusal?: number | null;
  /** Each of the scenario's tables during the run (added later; absent in older records). */
  tables?: Record<string, TableDuringRun>;
}

/** What the run did to one table, from pg_stat_user_tables at its start and its end. */
export interface TableDuringRun {
  /** Rows in the table at the end (n_live_tup: PostgreSQL's count, close but not exact). */
  rows: number;
  /** Rows sequential scans passed during the run (seq_tup_read). */
  sequentialRowsRead: number;
  /** Rows fetched through an index during the run (idx_tup_fetch). */
  indexRowsFetched: number;
}

/** What a set of requests met: a whole run's, or one route's of a traffic mix. */
export interface RequestOutcomes {
  totalRequests: number;
  succeeded: number;
  /** HTTP 5xx answers. */
  failedHttp5xx: number;
  /** Other non-2xx answers (4xx …). */
  failedOtherStatus: number;
  timeouts: number;
  connectionErrors: number;
  /** succeeded / all attempts, 0..100. */
  successRate: number;
  requestsPerSecond: number;
  latencyMs: { avg: number; p50: number; p95: number; p99: number; max: number };
}

export interface RunSummary extends RequestOutcomes {
  /** Simultaneous users (a closed model); 0 for a run sent at a rate (`ratePerSecond`). */
  users: number;
  /**
   * Set for a run sent as arrivals (`--rate N`, an open model): requests sent per second, evenly
   * spaced, whatever the app answered; latencies count from when each was meant to be sent.
   */
  ratePerSecond?: number;
  durationSeconds: number;
  /** The path every user asked for ("/feed"; a mix's route by its path, "/users/:userId/orders"), or "mix" for a traffic mix. */
  route: string;
  /** The method, when not GET (added with traffic mixes). */
  method?: 'POST';
  /** Requests still waiting for an answer when the time ran out: not counted above (added later). */
  inFlightAtEnd?: number;
  /** The most common message in the bodies of 5xx answers, and how often it came (added later). */
  topServerError?: { message: string; count: number } | null;
  /** Each route's outcomes when the run sent a traffic mix of several (added with traffic mixes). */
  routes?: RouteSummary[];
}

/** One route's part of a traffic-mix run. */
export interface RouteSummary extends RequestOutcomes {
  /** As the scenario's mix names it: "my orders". */
  name: string;
  method: 'GET' | 'POST';
  /** Its path, with :parameters: "/users/:userId/orders". */
  path: string;
}

export interface RunRecord {
  /** Sortable and unique: the start time in ISO form with ':' replaced, plus a suffix. */
  id: string;
  label: string;
  /** True when --label named it; false when the label came from the snapshot. */
  labelGiven: boolean;
  startedAt: string;
  endedAt: string;
  /** Stopped early (Ctrl-C): the numbers cover only the time it ran. */
  partial: boolean;
  summary: RunSummary;
  snapshot: LabSnapshot;
  verdict: 'red' | 'amber' | 'green';
  /**
   * When the app process that served the run started (its process_start_time_seconds, ISO), read
   * before and after the run and kept only when both agree: two runs with the same value ran on
   * the same process, so nothing the learner saved reached it in between (added later).
   */
  appStartedAt?: string;
  /** How busy the lab's processes and the machine were during the run (added later; absent when nothing could be read). */
  usage?: RunUsage;
}

/** What the lab's processes and the machine used during a run, per second of it. */
export interface RunUsage {
  seconds: number;
  /** By process name ("app-1", "balancer"): those that served HTTP through the whole run. */
  processes: Record<string, ProcessUsage>;
  /** All the machine's processors, whatever the lab is held to, and how many of them were busy on average. */
  machine: { cores: number; busyCores: number };
}

export interface ProcessUsage {
  pid: number;
  /** CPU time per second (process_cpu_seconds_total): 1 is one core kept busy. */
  cpuCores: number | null;
  /** The share of the time its event loop was running code (nodejs_eventloop_active_seconds_total), 0–1; null when it does not publish it. */
  eventLoopBusy: number | null;
}

export interface InProgressRun {
  id: string;
  pid: number;
  startedAt: string;
  /** 0 for a run sent at a rate. */
  users: number;
  ratePerSecond?: number;
  durationSeconds: number;
  route: string;
  label?: string;
  /** Every request so far by outcome, rewritten about once a second while the run goes on. */
  sofar?: InProgressTally;
}

/** What the load test's users have felt so far in a run under way. */
export interface InProgressTally {
  succeeded: number;
  /** Answered with a status other than 2xx. */
  failedStatus: number;
  timeouts: number;
  connectionErrors: number;
}

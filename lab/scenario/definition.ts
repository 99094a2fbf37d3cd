/**
 * What a scenario tells the engine about itself: the one declarative definition each scenario
 * keeps in `scenarios/<nn>-<name>/machinery/scenario.ts` (default export). The engine (lab/) knows no
 * scenario's tables, routes, SQL or wording; it reads them from here.
 *
 * The definition module is loaded before the engine's own modules are ready, so it may import
 * only its scenario's files (db/seed.ts) and types (from lab/sdk.ts), never the engine's code; what
 * needs engine code (its steps) it loads lazily, by a function.
 * docs/adding-a-scenario.md explains every field.
 */
import type pg from 'pg';
import type { PanelId, PanelUnit } from '../dashboard/panels.js';
import type { LabSnapshot, RunRecord, RunSummary } from '../runs/run-record.js';
import type { ScenarioStep } from './steps.js';

/** The numbers that size a dataset, by name ("posts", "users"…), as `npm run seed` takes them. */
export type DatasetSize = Record<string, number>;

export interface SeedOutcome {
  skipped: boolean;
  size: DatasetSize;
  /** Every row written, for a rows-per-second figure. */
  rows: number;
  seconds: number;
}

export interface ScenarioDataset {
  /** The number the calibration scales, as the learner reads it ("posts"): one of `options`. */
  unit: string;
  /** The sizes the calibration chooses from for `unit`, smallest first. */
  unitSteps: readonly number[];
  /**
   * The numbers `npm run seed` takes (`--posts N`, `--users N`), in the order its help shows
   * them, each with its default (what a first start seeds) and the range it accepts.
   */
  options: Record<string, { default: number; min: number; max: number; help: string }>;
  /** Fills the database (idempotent: skipped when that size is already seeded, unless `force`). */
  seed(databaseUrl: string, request: { size: DatasetSize; force?: boolean; onProgress?: (done: number, total: number) => void }): Promise<SeedOutcome>;
  /** The size of the complete seed present, or undefined when the database needs seeding. */
  seededSize(databaseUrl: string): Promise<DatasetSize | undefined>;
}

/** The app's database and the role it connects as, as provisioning and URLs need them. */
export type AppDatabase = Pick<ScenarioDefinition['database'], 'name' | 'role' | 'password'>;

export interface ScenarioDefinition {
  /** Its place in the series (1, 2, …): the number in the folder name and in `--scenario`. */
  number: number;
  title: string;
  /** One sentence for the catalogue. */
  summary: string;
  /** What the learner practises, for the catalogue. */
  concepts: string[];
  level: 'beginner' | 'intermediate' | 'advanced';
  /** About how long a newcomer takes. */
  minutes: number;
  status: 'ready' | 'in progress';
  /** The PostgreSQL database the app uses, and the role it connects as (never a superuser). */
  database: {
    name: string;
    role: string;
    password: string;
    /**
     * The scenario's tables: reset drops the indexes the learner added on them, and the
     * dashboard counts the rows read from each (by sequential scan and through an index).
     */
    tables: string[];
    /**
     * Turns on PostgreSQL's statement statistics (pg_stat_statements): the embedded server
     * preloads the library, the lab creates the extension in the database and lets the role
     * reset it, and the dashboard shows the top queries by total time. Off when left out.
     */
    statements?: boolean;
    /**
     * The database's connection budget: the max_connections the embedded server (and every
     * test's and benchmark's server) runs with, as a managed database plan would set it. A
     * lesson that needs PostgreSQL's ceiling reached on every machine names a small one; left
     * out, PostgreSQL's own default (100). A DATABASE_URL server keeps its own setting, and the
     * banner says which budget the learner's database really has.
     */
    maxConnections?: number;
  };
  /** Paths inside the scenario's folder. */
  files: {
    /** The app `npm start` runs and restarts on save. */
    app: string;
    schema: string;
    /**
     * The learner's files the fix changes, each with its fixed version: { 'src/worker.ts':
     * 'solution/worker.ts' }. Left out when the fix is only solutionSql (the shipped files stay).
     * Each must have a pristine copy; `npm run solve` copies the fixed versions over them and
     * `npm run reset` puts them (and files.app) back as shipped.
     */
    solutionFiles?: Record<string, string>;
    solutionSql: string;
    /** What solutionSql changes, in a few words ("the index"), as `npm run solve`'s help names it. */
    solutionSqlSummary: string;
    /** Each learner file as shipped (a copy in machinery/pristine/): what the tests and the benchmark run, and what `npm run reset` restores. */
    pristine: Record<string, string>;
  };
  dataset: ScenarioDataset;
  /**
   * The processes the lab runs for this scenario (its fleet), each role with its count. Left
   * out: one "app" process running files.app, as Scenarios 1 and 2 do. `npm run scale` changes
   * a role's count while the lab runs; `npm run chaos -- kill <role>` kills one of them.
   */
  processes?: ProcessRole[];
  /**
   * A load balancer in front of one HTTP role's processes (N instances of the app): the engine
   * runs its own (lab/balancer/), or real nginx with `npm start -- --balancer nginx`
   * (lab/balancer/nginx/), as the role "balancer" on the app's port, so the load test and the
   * banner reach the instances through it; the balanced role's processes get free ports.
   */
  balancer?: BalancerDefinition;
  /** The load test's defaults (`npm run loadtest -- --help` shows them to the learner). */
  loadTest: {
    /** Simultaneous users: the load test's default, unless `ratePerSecond` is set (then `--users N`). */
    users: number;
    /**
     * Requests a second sent on time whatever the app answers (an open model), as the load
     * test's default and the goal's load: the shape of arrivals such as sign-ups feeding a
     * queue, where users waiting on answers would send as fast as the app answers. `--users N`
     * still sends users.
     */
    ratePerSecond?: number;
    /**
     * Sets `ratePerSecond` for this machine on the first start, for a lesson about one process's
     * capacity: `overload` × the requests one process of the shipped app answers per second of
     * CPU (lab/rate-calibration.ts). `ratePerSecond` is the rate until it is measured, and with
     * LAB_CALIBRATE=off.
     */
    rateCalibration?: { overload: number };
    /** The app's main page: the start banner's link, and without `mix` the one path every user asks for. */
    route: string;
    /**
     * The traffic mix, when users do more than open one page: the load test sends it by default,
     * each request to a route drawn by weight, and reports each route apart. `--route` picks one.
     */
    mix?: LoadRoute[];
    /**
     * What the mix's writes leave behind, undone before and after every load test so that runs
     * do not drift (more orders, fewer pending ones…): SQL the lab runs as the app's role, in
     * one transaction. It must undo what any load test wrote, not only the last run's (a run
     * stopped with a second Ctrl-C never gets to it): e.g. delete every order past the seed's.
     * `what` names it for the learner: "the orders the load test placed".
     */
    undoWrites?: { sql: string; what: string };
    durationSeconds: number;
    /** How long one user waits for an answer before giving up. */
    requestTimeoutSeconds: number;
    /** Green means no failed request and a p99 under this (on every route of a mix). */
    p99GoalMs: number;
    /**
     * What the scenario makes of a run: its facts, its name for it, the next step. A module of the
     * scenario's, loaded when a load test starts (so it may import the engine's code):
     * `runs: () => import('./runs.js')`. Without it, runs are numbered and advised in general terms.
     */
    runs?: () => Promise<{ default: ScenarioRuns }>;
  };
  /**
   * How the first start sizes the dataset: the wait a user of the unindexed solution should see.
   * Left out, the first start keeps the default size (a lesson whose effects do not grow with
   * the machine's speed).
   */
  calibration?: {
    /** What the calibration times, in the words of the first start's lines: "a pool alone" (the solution on the unindexed data). */
    state: string;
    route: string;
    targetWaitSeconds: number;
    keepWaitSeconds: { min: number; max: number };
  };
  /** What `npm run chaos -- db` probes to see the outage as a user does. */
  drills: { databaseProbeRoute: string };
  /** The steps `npm run check` verifies and `npm run hint` hints at. */
  checks: {
    /**
     * The steps the goal waits for, named together as the goal's lines and the help say it: a
     * plural noun phrase ("both fixes": "measured once both fixes pass").
     */
    fixes: string;
    /**
     * Loads the steps, in the learner's order (lab/scenario/steps.ts): only the commands that
     * check or hint call it, since the steps' module imports engine code.
     */
    steps: () => Promise<{ default: readonly ScenarioStep[] }>;
  };
  /** The dashboard's parts that belong to this scenario (the built-in one and Grafana's alike). */
  dashboard?: ScenarioDashboard;
  /**
   * What `npm run bench -- --scenario N` compares. Left out: the shipped app against the solved
   * one (solution server + solutionSql), and no database ceiling or growth section.
   */
  bench?: ScenarioBench;
}

/** The benchmark's view of a scenario: its states in the walkthrough's order, and its hottest query. */
export interface ScenarioBench {
  /** As shipped first, then after each fix in the walkthrough's order, solved last. */
  states: BenchState[];
  /**
   * The query that costs the database most under the load test, with literal values (no $1):
   * pgbench's script for the database ceiling, and what the growth section EXPLAINs.
   */
  hotQuery?: string;
  /**
   * A measurement of the scenario's own, run last on the benchmark's scratch database (seeded
   * at the default size): what its lesson is about when requests per second are not, e.g. a
   * queue's jobs per second beside a well-kept library's. Loaded only by the benchmark.
   */
  section?: () => Promise<{ default: BenchSection }>;
}

/** A scenario's own part of the benchmark report. */
export interface BenchSection {
  /** The report's heading: "The queue: ours against graphile-worker". */
  title: string;
  measure(context: BenchSectionContext): Promise<BenchSectionResult>;
}

export interface BenchSectionContext {
  /** The scratch database, as the app's role and as the superuser. */
  appUrl: string;
  adminUrl: string;
  /** The scenario's folder (its solution/ and machinery/ files are there). */
  scenarioDir: string;
  /** A short smoke run (`--quick`): the same steps, far less work. */
  quick: boolean;
  /** Says what is being measured now, one line. */
  step(text: string): void;
  /** Runs a TypeScript file as its own Node process (loopback only), stopped with SIGTERM. */
  startProcess(entry: string, env: Record<string, string>): BenchProcess;
}

export interface BenchProcess {
  /** Its output so far, for an error message. */
  output(): string;
  /** SIGTERM, then SIGKILL after a few seconds; resolves once it has exited. */
  stop(): Promise<void>;
}

export interface BenchSectionResult {
  /** Markdown under the section's heading. */
  markdown: string;
  /** The figures, for latest.json. */
  figures: Record<string, unknown>;
}

/** One state of the scenario: a server, and SQL applied to the benchmark's scratch database. */
export interface BenchState {
  /** As the report names it: "pool only", "+ the search index". */
  name: string;
  /** The shipped app (files.app) or the solution's (files.solutionFiles' version of files.app; the shipped app when the fix leaves it alone). */
  server: 'shipped' | 'solution';
  /** Run after the learner's indexes are dropped (as `npm run reset` does), e.g. the CREATE INDEX of the fixes so far. */
  sql?: string;
}

/** One kind of process of a scenario's fleet: an API, a worker, an instance of the app. */
export interface ProcessRole {
  /**
   * Its name ("app", "api", "worker"): lowercase letters, digits and dashes. Each process is
   * named after it and its number, "worker-2": its application_name in PostgreSQL (so
   * pg_stat_activity shows who holds which connection) and its label on the dashboard.
   */
  role: string;
  /** Its entry file in the scenario's folder ("src/worker.ts"); a save in that file's folder restarts it. */
  entry: string;
  /** How many run when the lab starts, and the range `npm run scale` accepts (min ≥ 0). */
  count: { default: number; min: number; max: number };
  /**
   * Serves HTTP: it gets a PORT, its /health is probed and its /metrics scraped. The first HTTP
   * role's first process listens on the app's port (PORT, 3000 by default), which the load
   * test and the start banner use; the others get free ports, listed in .lab/lab.json.
   */
  http: boolean;
  /** Extra environment variables for each of its processes. */
  env?: Record<string, string>;
  /**
   * Set for a process the lab runs in place of an outside service it cannot reach for real (a
   * mail provider's API): it serves HTTP, runs exactly once (count 1, 1, 1), never answers on the
   * app's port, and every other process finds it through the environment variable `urlVariable`
   * (MAIL_API_URL=http://127.0.0.1:4123). The start banner lists it with `what` and says it is
   * a stand-in.
   */
  standIn?: StandIn;
}

export interface BalancerDefinition {
  /** The role whose processes it spreads requests over ("app"): an HTTP role, no stand-in. */
  balances: string;
  /** The learner's settings for it, in nginx's vocabulary ("balancer.conf"): one of files.pristine. */
  settings: string;
}

export interface StandIn {
  /** What it stands in for, as the banner says it: "the mail provider's API". */
  what: string;
  /** The environment variable that carries its URL to the other processes: "MAIL_API_URL". */
  urlVariable: string;
}

/** Every field may be left out: the engine's panels and their neutral lines hold for any scenario. */
export interface ScenarioDashboard {
  /** A panel's "what to look for" line in the scenario's story, by panel id, instead of the engine's. */
  lookFor?: Partial<Record<PanelId, string>>;
  /** A panel's "?" text in the scenario's words, by panel id, instead of the engine's. */
  help?: Partial<Record<PanelId, string>>;
  /** The tables the rows-read panel shows, one pair of lines each (default: all of database.tables). */
  rowsReadTables?: string[];
  /**
   * Adds a "p99 latency by route" panel with one line per route, named as the app's metrics
   * name them: the route pattern ("/orders/:id"), optionally after its method ("POST /orders").
   */
  latencyRoutes?: string[];
  /**
   * Charts of the scenario's own, drawn after the engine's from metrics its processes publish on
   * /metrics (a queue's depth, emails sent per second…): the built-in dashboard computes them,
   * Grafana runs the same PromQL.
   */
  charts?: ScenarioChart[];
}

/** A chart of the scenario's own metrics. */
export interface ScenarioChart {
  /** Lowercase letters, digits and dashes, none of the engine's panel ids: "queue". */
  id: string;
  title: string;
  unit: PanelUnit;
  /** One plain-English line under the chart. */
  lookFor: string;
  /** Where the numbers come from and what they cannot show (the panel's "?"). */
  help: string;
  scale?: 'linear' | 'log';
  series: ScenarioSeries[];
}

/** One line of a scenario's chart: a metric its processes publish, summed over them. */
export interface ScenarioSeries {
  label: string;
  /** The metric's name as /metrics writes it ("queue_jobs"; a histogram by its base name). */
  metric: string;
  /** Only the samples whose labels have these values: { status: 'queued' }. */
  labels?: Record<string, string>;
  /**
   * 'value': a gauge's newest value; 'rate': a counter's increase per second over the rate
   * window; { quantile: 0.99 }: a histogram's quantile over the rate window.
   */
  show: 'value' | 'rate' | { quantile: number };
  /** Drawn dashed: a limit or a reference, not a measurement. */
  dashed?: boolean;
}

/** What a scenario makes of its load-test runs (`loadTest.runs`); every part is optional. */
export interface ScenarioRuns {
  /**
   * Yes-or-no facts about the database that the lesson turns on, by name ("createdAtIndexPresent"),
   * each read over the lab's admin connection at the start and at the end of a run. The run's
   * snapshot holds each one: true only when it was true both times (an index built half-way
   * through does not count), false when the database could not be read. Names other than the
   * engine's own readings (newSessionsPerRequest, peakConnections, newSessions, peakAppConnections,
   * peakServerConnections, connectionsBeforeRefusal, tables).
   */
  facts?: Record<string, (client: Pick<pg.Client, 'query'>) => Promise<boolean>>;
  /** The run's name from its snapshot ("pool only"), or null to leave it numbered ("run 3"). */
  label?(snapshot: LabSnapshot): string | null;
  /**
   * The next step after a run, in the scenario's words, or undefined to keep the engine's general
   * advice (`general`, which it may also extend). Not asked when most requests found no app to
   * answer them: the engine then says the app stopped answering.
   */
  nextStep?(run: RunAdviceInput): string | undefined;
}

/** A finished run, as the scenario's `nextStep` sees it. */
export interface RunAdviceInput {
  verdict: RunRecord['verdict'];
  summary: RunSummary;
  snapshot: LabSnapshot;
  /** The runs saved before this one, oldest first. */
  earlierRuns: RunRecord[];
  /** When the app process that served this run started (RunRecord.appStartedAt): an earlier run with the same value ran on the same process. */
  appStartedAt?: string;
  /** What the engine would say without the scenario. */
  general: string;
}

/** One route of a load test's traffic mix. */
export interface LoadRoute {
  /** How the summary, the runs table and `--route` name it: "my orders". */
  name: string;
  /** Its share of the requests, relative to the other routes' weights (40, 30, …). */
  weight: number;
  /** GET when absent; a POST sends `body` as JSON. */
  method?: 'GET' | 'POST';
  /**
   * The path on the app, with `:name` where a parameter's value goes ("/users/:userId/orders",
   * "/products?category=:category"); the summary shows the route by it.
   */
  path: string;
  /** The values of the path's parameters for one request, drawn afresh for each (URL-encoded into the path). */
  params?: (draw: RequestDraw) => Record<string, string | number>;
  /** POST: the JSON body of one request, drawn afresh for each. */
  body?: (draw: RequestDraw) => unknown;
}

/** What a route's `params` and `body` draw with: seeded once per run, shared by every user. */
export interface RequestDraw {
  /** The seeded dataset's size, by the names of `dataset.options` (their defaults when it cannot be read). */
  size: DatasetSize;
  /** A number from 0 (included) to 1 (excluded). */
  fraction(): number;
  /**
   * A whole number from min to max, both included. With `skew` above 1 the low end comes more
   * often (min + ⌊(max − min + 1) · u^skew⌋): skew 2 makes the lowest ids the regulars.
   */
  integer(min: number, max: number, skew?: number): number;
  /** One of the items, each as likely as its weight (all alike without weights). */
  pick<T>(items: readonly T[], weights?: readonly number[]): T;
}

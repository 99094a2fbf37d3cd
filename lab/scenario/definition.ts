/**
 * What a scenario tells the engine about itself: the one declarative definition each scenario
 * keeps in `scenarios/<nn>-<name>/lab/scenario.ts` (default export). The engine (lab/) knows no
 * scenario's tables, routes, SQL or wording; it reads them from here.
 *
 * The definition module is loaded before the engine's own modules are ready, so it may import
 * only its scenario's files (db/seed.ts) and types from lab/, never the engine's code; what
 * needs engine code (its steps) it loads lazily, by a function.
 * docs/adding-a-scenario.md explains every field.
 */
import type { PanelId } from '../dashboard/panels.js';
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
  };
  /** Paths inside the scenario's folder. */
  files: {
    /** The app `npm start` runs and restarts on save. */
    app: string;
    schema: string;
    solutionServer: string;
    solutionSql: string;
    /** What solutionSql changes, in a few words ("the index"), as `npm run solve`'s help names it. */
    solutionSqlSummary: string;
    /** Each learner file `npm run reset` restores, and the copy it restores it from. */
    pristine: Record<string, string>;
  };
  dataset: ScenarioDataset;
  /** The load test's defaults (scripts/loadtest.ts shows them to the learner). */
  loadTest: {
    users: number;
    route: string;
    durationSeconds: number;
    /** How long one user waits for an answer before giving up. */
    requestTimeoutSeconds: number;
    /** Green means no failed request and a p99 under this. */
    p99GoalMs: number;
  };
  /** How the first start sizes the dataset: the wait a user of the unindexed solution should see. */
  calibration: {
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
}

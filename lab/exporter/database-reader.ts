/**
 * The lab's one long-lived statistics connection to PostgreSQL, and what it reads each
 * second. Keeping a single connection means the lab itself opens no new sessions while
 * it watches; its backend pid is left out of every count.
 */
import pg from 'pg';
import { clientConnectionsByApplication, clientConnectionsByState, clientsWaitingForLocks, maxConnections, sessionsOpened, tableRowsRead, type RowsRead } from '../database/stats.js';
import { readStatements, type StatementsReading } from '../database/pg-stat-statements.js';

export interface DatabaseReading {
  /**
   * Client connections on the whole server by state, the lab's own left out. Connections
   * still logging in are listed as "logging in" (PostgreSQL calls that state "starting").
   */
  connectionsByState: Record<string, number>;
  /** The same connections by application_name ("worker-2"; "" when a client sets none). */
  connectionsByApplication: Record<string, number>;
  /** Of those connections, the ones waiting for a lock another transaction holds. */
  waitingForLocks: number;
  maxConnections: number;
  /** pg_stat_database.sessions of the app's database. */
  sessionsOpened: number;
  /** Rows read from each of the scenario's tables, by sequential scan and through an index. */
  rowsRead: Record<string, RowsRead>;
  /**
   * The app role's most time-consuming statements (pg_stat_statements), when the reader was
   * asked for them; undefined when not asked, or when PostgreSQL cannot tell (extension missing).
   */
  statements?: StatementsReading;
}

export interface DatabaseReaderOptions {
  /** A superuser (or pg_monitor) URL to the app's database: pg_stat_user_tables is per database. */
  adminUrl: string;
  /** The scenario's tables, whose rows read are counted. */
  tables: readonly string[];
  /** Read pg_stat_statements for this role's statements (scenarios with `database.statements`). */
  statementsOfRole?: string;
}

/** The most statements one reading passes on: a scenario's app runs a handful; the rest are the learner's experiments. */
const STATEMENTS_READ = 50;

export class DatabaseReader {
  private client: pg.Client | undefined;
  private ownPid: number | undefined;
  private connecting: Promise<void> | undefined;
  private readonly database: string;

  constructor(private readonly options: DatabaseReaderOptions) {
    this.database = decodeURIComponent(new URL(options.adminUrl).pathname.slice(1));
  }

  /** The pid of the lab's statistics backend while connected. */
  get statsBackendPid(): number | undefined {
    return this.ownPid;
  }

  /** One reading, or undefined while the database cannot be reached (it retries on the next call). */
  async read(): Promise<DatabaseReading | undefined> {
    try {
      const client = await this.connected();
      // One after another: a pg client runs one query at a time anyway.
      const byState = await clientConnectionsByState(client, null, this.ownPid);
      const byApplication = await clientConnectionsByApplication(client, this.ownPid);
      const waitingForLocks = await clientsWaitingForLocks(client, this.ownPid);
      const max = await maxConnections(client);
      const sessions = await sessionsOpened(client, this.database);
      const rowsRead = await tableRowsRead(client, this.options.tables);
      const statements = await this.statements(client);
      return { connectionsByState: byState, connectionsByApplication: byApplication, waitingForLocks, maxConnections: max, sessionsOpened: sessions, rowsRead, ...(statements ? { statements } : {}) };
    } catch {
      await this.disconnect();
      return undefined;
    }
  }

  /** A failed query does not break the connection: without the extension, the rest of the reading stands. */
  private async statements(client: pg.Client): Promise<StatementsReading | undefined> {
    if (this.options.statementsOfRole === undefined) return undefined;
    try {
      return await readStatements(client, this.options.statementsOfRole, STATEMENTS_READ);
    } catch {
      return undefined;
    }
  }

  async close(): Promise<void> {
    await this.disconnect();
  }

  private async connected(): Promise<pg.Client> {
    if (!this.client) {
      this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
      await this.connecting;
    }
    if (!this.client) throw new Error('not connected');
    return this.client;
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({
      connectionString: this.options.adminUrl,
      application_name: 'lab-dashboard',
      connectionTimeoutMillis: 2_000,
      statement_timeout: 2_000,
    });
    // A dropped connection (database stopped) surfaces here; the next read reconnects.
    client.on('error', () => void this.disconnect());
    try {
      await client.connect();
      const result = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      this.ownPid = result.rows[0]?.pid;
      this.client = client;
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
  }

  private async disconnect(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.ownPid = undefined;
    await client?.end().catch(() => undefined);
  }
}

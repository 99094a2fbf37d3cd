/**
 * The contract between the running supervisor and the lab server's routes (dashboard,
 * exporter, drills), at the bottom of the engine so neither imports the other:
 * where things are, and handles to stop and start the database and the app.
 */
import type { FastifyInstance } from 'fastify';
import type { LabSettings } from './settings.js';

export interface DatabaseControl {
  mode: 'embedded' | 'external';
  /** The app role's URL. */
  appUrl: string;
  /** The lab's own URL (superuser in embedded mode). */
  adminUrl: string;
  /** The embedded server's postmaster pid while it runs; undefined in external mode or while stopped. */
  pid(): number | undefined;
  /** Embedded mode: stop the server (fast shutdown). Throws in external mode. */
  stop(): Promise<void>;
  /** Embedded mode: start it again and wait until it accepts connections. Throws in external mode. */
  start(): Promise<void>;
}

export interface AppControl {
  port: number;
  /** The pid of the process that runs the scenario's app, or undefined while the app is down. */
  pid(): number | undefined;
  /** Kills the app with SIGKILL, as a crash would; returns its pid, or undefined when it is down. */
  crash(): number | undefined;
}

export interface LabContext {
  settings: LabSettings;
  database: DatabaseControl;
  app: AppControl;
}

/** A set of routes on the lab server, given the lab's context. */
export type LabRoutes = (server: FastifyInstance, context: LabContext) => Promise<void>;

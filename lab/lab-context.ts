/**
 * The contract between the running supervisor and the lab server's routes (dashboard,
 * exporter, drills), at the bottom of the engine so neither imports the other:
 * where things are, and handles to stop and start the database and the app's processes.
 */
import type { FastifyInstance } from 'fastify';
import type { Lab } from './lab.js';

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

/** A process of the fleet as .lab/lab.json and the lab server list it. */
export interface FleetMember {
  /** "worker-2": its role and number; its application_name in PostgreSQL. */
  name: string;
  role: string;
  index: number;
  /** Undefined while it is down (crashed, or restarting). */
  pid?: number;
  /** Set for a process that serves HTTP. */
  port?: number;
  /** Where its metrics are read, when not /metrics (the balancer passes /metrics on to an instance). */
  metricsPath?: string;
}

/** What a kill did: which process, its pid, when (epoch ms). */
export interface FleetKill {
  name: string;
  killedPid: number;
  killedAt: number;
}

/** The scenario's processes (lab/supervisor/fleet.ts), as the lab server's routes use them. */
export interface FleetControl {
  /** The port of the process the load test and the banner use. */
  appPort: number;
  /** Every process, in role order then by number. */
  members(): FleetMember[];
  /** Sets a role's count; rejects with FLEET_REFUSED outside the role's range. */
  scale(role: string, count: number): Promise<FleetMember[]>;
  /**
   * Kills one process with SIGKILL: the one named, else the role's highest-numbered running
   * one, else the one on the app's port. Throws FLEET_REFUSED when it does not run.
   */
  kill(target?: { role?: string; process?: string }): FleetKill;
  /**
   * Replaces a role's processes one at a time, as a rolling deploy does (default: the role
   * behind the balancer, else the one on the app's port); each waits until the one before it
   * answers again and is back in the balancer's rotation.
   */
  deploy(role?: string): Promise<FleetDeploy>;
}

/** What a rolling deploy did: each process replaced in turn, until one did not come back. */
export interface FleetDeploy {
  role: string;
  replaced: Array<{ name: string; up: boolean; seconds: number }>;
}

export interface LabContext {
  /** The scenario, its paths and the settings the lab was started with. */
  lab: Lab;
  database: DatabaseControl;
  fleet: FleetControl;
}

/** A set of routes on the lab server, given the lab's context. */
export type LabRoutes = (server: FastifyInstance, context: LabContext) => Promise<void>;

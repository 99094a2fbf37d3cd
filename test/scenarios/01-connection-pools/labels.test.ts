/** Scenario 1's names for a run (scenarios/01-connection-pools/machinery/runs.ts), from the snapshot the engine reads. */
import { describe, expect, it } from 'vitest';
import type { LabSnapshot } from '../../../lab/runs/run-record.js';
import { automaticLabel } from '../../../scenarios/01-connection-pools/machinery/runs.js';

const snapshot = (overrides: Partial<LabSnapshot>): LabSnapshot => ({
  createdAtIndexPresent: false,
  newSessionsPerRequest: null,
  peakConnections: null,
  newSessions: null,
  ...overrides,
});

describe('automaticLabel', () => {
  it('names the four states of the scenario', () => {
    expect(automaticLabel(snapshot({ newSessionsPerRequest: 1.1, newSessions: 900 }))).toBe('broken');
    expect(automaticLabel(snapshot({ newSessionsPerRequest: 1, newSessions: 5000, createdAtIndexPresent: true }))).toBe('index only');
    expect(automaticLabel(snapshot({ newSessionsPerRequest: 0.01, newSessions: 10 }))).toBe('pool only');
    expect(automaticLabel(snapshot({ newSessionsPerRequest: 0, newSessions: 0, createdAtIndexPresent: true }))).toBe('pool + index');
  });

  it("says the pool's size as the database saw it: the most connections the app held at once", () => {
    const pool = { newSessionsPerRequest: 0.001, newSessions: 10, peakServerConnections: 12, connectionsBeforeRefusal: 22 };
    expect(automaticLabel(snapshot({ ...pool, peakAppConnections: 10 }))).toBe('pool of 10');
    expect(automaticLabel(snapshot({ ...pool, peakAppConnections: 10, createdAtIndexPresent: true }))).toBe('pool of 10 + index');
  });

  it('tells a pool the database stopped (set to 200, it grew to what was left) from one that stayed below the limit', () => {
    const full = { newSessionsPerRequest: 0.01, newSessions: 20, peakAppConnections: 20, peakServerConnections: 22, connectionsBeforeRefusal: 22 };
    expect(automaticLabel(snapshot(full))).toBe('pool of 20+ (db full)');
    expect(automaticLabel(snapshot({ ...full, createdAtIndexPresent: true }))).toBe('pool of 20+ (db full) + index');
    // The limit read from the run, not assumed: the same pool on a server that takes 97 stayed below it.
    expect(automaticLabel(snapshot({ ...full, connectionsBeforeRefusal: 97 }))).toBe('pool of 20');
  });

  it('does not mistake a pool filling up during a slow, short run for a connection per request', () => {
    // 10 pool connections opened while only 12 requests succeeded.
    expect(automaticLabel(snapshot({ newSessionsPerRequest: 10 / 12, newSessions: 10 }))).toBe('pool only');
  });

  it('recognises the broken app by its crowd of connections when no request succeeded', () => {
    expect(automaticLabel(snapshot({ peakConnections: 97 }))).toBe('broken');
    // Under a budget of 25 the crowd is no bigger than a pool could be: the sessions it opened give it away.
    expect(automaticLabel(snapshot({ peakConnections: 12, newSessions: 400 }))).toBe('broken');
    // A pool the database stopped short opens its size once.
    expect(automaticLabel(snapshot({ peakConnections: 12, newSessions: 21 }))).toBeNull();
  });

  it('gives no label when the database could not be read', () => {
    expect(automaticLabel(snapshot({}))).toBeNull();
  });
});

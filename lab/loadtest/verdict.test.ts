import { describe, expect, it } from 'vitest';
import type { LabSnapshot, RunRecord, RunSummary } from '../runs/run-record.js';
import { nextStep } from './verdict.js';

const summary: RunSummary = {
  users: 200, durationSeconds: 30, route: '/feed', totalRequests: 3_000, succeeded: 600, failedHttp5xx: 2_400, failedOtherStatus: 0,
  timeouts: 0, connectionErrors: 0, successRate: 20, requestsPerSecond: 100, latencyMs: { avg: 900, p50: 700, p95: 3_000, p99: 9_000, max: 12_000 },
  topServerError: { message: 'sorry, too many clients already', count: 2_000 },
};
const perRequest: LabSnapshot = { createdAtIndexPresent: false, newSessionsPerRequest: 1.1, peakConnections: 97, newSessions: 660 };
const brokenRun = { label: 'broken', snapshot: perRequest } as RunRecord;

describe('the red verdict of a connection per request', () => {
  it('calls the first reproduction the failure the lab starts with', () => {
    expect(nextStep('red', summary, perRequest, [])).toMatch(/^This is the failure the lab starts with — expected\./);
  });

  it('does not say so for a later run that fails the same way (a wrong fix)', () => {
    const text = nextStep('red', summary, perRequest, [brokenRun]);
    expect(text).not.toMatch(/the lab starts with/);
    expect(text).toMatch(/^The same failure as before: every request still opened its own database connection/);
  });

  it('names the index as done when only the connections remain', () => {
    const text = nextStep('red', summary, { ...perRequest, createdAtIndexPresent: true }, []);
    expect(text).not.toMatch(/the lab starts with/);
    expect(text).toMatch(/^The index is there, but every request still opened its own database connection/);
  });
});

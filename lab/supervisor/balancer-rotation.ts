/**
 * Whether the engine's balancer sends requests to a process again: a deploy waits for it
 * before it replaces the next one, as a deploy tool waits for a new instance to pass the
 * load balancer's health check. Read from the balancer's own status route.
 */
import { BALANCER_ROUTES } from '../balancer/routes.js';
import type { FleetMember } from '../lab-context.js';
import { until } from '../timing.js';

/** What GET /__balancer/status answers, as far as the rotation needs it. */
interface BalancerStatus {
  upstreams: Array<{ name: string; up: boolean }>;
}

/** Resolves true once the balancer on `balancerPort` counts `member` up, false after `timeoutMs`. */
export function waitInRotation(balancerPort: number, member: FleetMember, timeoutMs: number): Promise<boolean> {
  return until(() => isUp(balancerPort, member.name), timeoutMs);
}

async function isUp(balancerPort: number, name: string): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${balancerPort}${BALANCER_ROUTES.status}`, { signal: AbortSignal.timeout(1_000) });
    if (!response.ok) return false;
    const status = (await response.json()) as BalancerStatus;
    return status.upstreams.some((upstream) => upstream.name === name && upstream.up);
  } catch {
    return false;
  }
}

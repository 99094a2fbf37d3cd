/**
 * The balancer's own routes, under a prefix no app route uses: the balancer answers them itself
 * and forwards everything else. The engine reads its metrics and its view of the instances here.
 */
export const BALANCER_ROUTES = {
  prefix: '/__balancer/',
  health: '/__balancer/health',
  /** JSON: { method, upstreams: [{ name, up, … }] }. */
  status: '/__balancer/status',
  metrics: '/__balancer/metrics',
} as const;

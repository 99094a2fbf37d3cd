/**
 * The sidecar's view of nginx's instances, from its access log: counts by instance name, and
 * nginx's passive rule for whether an instance gets requests — on fixed log lines and a clock
 * the test steps.
 */
import { describe, expect, it } from 'vitest';
import { parseBalancerConfig } from '../../../lab/balancer/config.js';
import { createBalancerMetrics } from '../../../lab/balancer/metrics.js';
import { UpstreamView } from '../../../lab/balancer/nginx/upstream-view.js';
import { parsePrometheusText } from '../../../lab/metrics/prometheus-text.js';

const INSTANCES = [{ name: 'app-1', port: 4101 }, { name: 'app-2', port: 4102 }];
const ok = (port: number) => ({ status: 200, seconds: 0.01, attempts: [{ address: `127.0.0.1:${port}`, status: 200, noHeader: false, connected: true }] });
const refusedThenOk = (refused: number, answered: number) => ({
  status: 200,
  seconds: 0.01,
  attempts: [{ address: `127.0.0.1:${refused}`, status: 502, noHeader: true, connected: false }, { address: `127.0.0.1:${answered}`, status: 200, noHeader: false, connected: true }],
});

function viewOf(conf: string, instances = INSTANCES) {
  let now = 1_000_000;
  const config = parseBalancerConfig(conf, 'balancer.conf');
  const metrics = createBalancerMetrics(() => view.statuses(), { processMetrics: () => undefined });
  const view = new UpstreamView(config, metrics, () => now);
  view.reloaded(config, instances);
  return { view, metrics, step: (ms: number) => (now += ms), config };
}

describe('nginx\'s instances, as its access log shows them', () => {
  it('counts each answer under the name of the instance that gave it, and each attempt it moved on from as a retry', async () => {
    const { view, metrics } = viewOf('upstream app { server app-instances; }');
    view.record(ok(4101));
    view.record(refusedThenOk(4102, 4101));
    view.record({ status: 502, seconds: 0, attempts: [{ address: 'app', status: 502, noHeader: true, connected: false }] });
    const samples = parsePrometheusText(await metrics.registry.metrics());
    const value = (name: string, labels: Record<string, string>) => samples.find((sample) => sample.name === name && Object.entries(labels).every(([key, v]) => sample.labels[key] === v))?.value;
    expect(value('lab_balancer_requests_total', { upstream: 'app-1', status_code: '200' })).toBe(2);
    expect(value('lab_balancer_requests_total', { upstream: 'none', status_code: '502' })).toBe(1);
    expect(value('lab_balancer_retries_total', { upstream: 'app-2', cause: 'refused' })).toBe(1);
    // nginx does not say how many requests each instance has in flight: no such gauge rather than a made-up 0.
    expect(samples.some((sample) => sample.name === 'lab_balancer_active_requests')).toBe(false);
  });

  it('counts a POST an instance had taken and nginx sent on (non_idempotent) as resent, and neither a refused POST nor a GET', async () => {
    const { view, metrics } = viewOf('upstream app { server app-instances; }\nproxy_next_upstream error timeout non_idempotent;');
    const cutThenOk = (method: string) => ({
      status: 200,
      seconds: 0.01,
      method,
      attempts: [{ address: '127.0.0.1:4101', status: 502, noHeader: true, connected: true }, { address: '127.0.0.1:4102', status: 200, noHeader: false, connected: true }],
    });
    view.record(cutThenOk('POST'));
    view.record(cutThenOk('GET'));
    view.record({ ...refusedThenOk(4101, 4102), method: 'POST' });
    const samples = parsePrometheusText(await metrics.registry.metrics());
    const resent = samples.filter((sample) => sample.name === 'lab_balancer_non_idempotent_resent_total');
    expect(resent.map((sample) => [sample.labels, sample.value])).toEqual([[{ upstream: 'app-1', method: 'POST' }, 1]]);
  });

  it('takes an instance out for fail_timeout after max_fails failures, as nginx does, then lets it be tried again', () => {
    const { view, step } = viewOf('upstream app { server app-instances max_fails=2 fail_timeout=10s; }');
    view.record(refusedThenOk(4102, 4101));
    expect(view.statuses().map((status) => status.up)).toEqual([true, true]);
    step(1_000);
    view.record(refusedThenOk(4102, 4101));
    const [, resting] = view.statuses();
    expect(resting).toMatchObject({ name: 'app-2', up: false, failures: 2 });
    expect(resting!.why).toMatch(/max_fails=2.*as nginx's passive check/);
    step(10_001);
    expect(view.statuses()[1]!.up).toBe(true);
  });

  it('counts a failure outside fail_timeout\'s window afresh', () => {
    const { view, step } = viewOf('upstream app { server app-instances max_fails=2 fail_timeout=10s; }');
    view.record(refusedThenOk(4102, 4101));
    step(11_000);
    view.record(refusedThenOk(4102, 4101));
    expect(view.statuses()[1]!.up).toBe(true);
  });

  it('never rests the only instance (nginx ignores max_fails for a lone server), and forgets failures on a reload', () => {
    const lone = viewOf('upstream app { server app-instances; }', [INSTANCES[0]!]);
    lone.view.record({ status: 502, seconds: 0, attempts: [{ address: '127.0.0.1:4101', status: 502, noHeader: true, connected: false }] });
    expect(lone.view.statuses()[0]).toMatchObject({ up: true, failures: 1 });

    const { view, config } = viewOf('upstream app { server app-instances; }');
    view.record(refusedThenOk(4102, 4101));
    expect(view.statuses()[1]!.up).toBe(false);
    view.reloaded(config, INSTANCES);
    expect(view.statuses()[1]).toMatchObject({ up: true, requestsSent: 1 });
  });

  it('counts an answer proxy_next_upstream names (http_503) as a failure, and max_fails=0 never rests', () => {
    const named = viewOf('upstream app { server app-instances; }\nproxy_next_upstream error timeout http_503;');
    named.view.record({ status: 503, seconds: 0.01, attempts: [{ address: '127.0.0.1:4102', status: 503, noHeader: false, connected: true }] });
    expect(named.view.statuses()[1]!.up).toBe(false);

    const never = viewOf('upstream app { server app-instances max_fails=0; }');
    never.view.record(refusedThenOk(4102, 4101));
    expect(never.view.statuses()[1]!.up).toBe(true);
  });
});

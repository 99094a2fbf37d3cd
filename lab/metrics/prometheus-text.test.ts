import { describe, expect, it } from 'vitest';
import { parsePrometheusText, sumOf } from './prometheus-text.js';

describe('parsePrometheusText', () => {
  it('reads samples with and without labels, skipping comments', () => {
    const text = [
      '# HELP http_requests_total HTTP requests answered.',
      '# TYPE http_requests_total counter',
      'http_requests_total{method="GET",route="/feed",status_code="200"} 272',
      'process_cpu_seconds_total 1.5',
      '',
    ].join('\n');
    expect(parsePrometheusText(text)).toEqual([
      { name: 'http_requests_total', labels: { method: 'GET', route: '/feed', status_code: '200' }, value: 272 },
      { name: 'process_cpu_seconds_total', labels: {}, value: 1.5 },
    ]);
  });

  it('reads +Inf buckets, escaped label values, trailing commas and timestamps', () => {
    const [bucket, escaped] = parsePrometheusText(
      'x_bucket{le="+Inf",} 3 1700000000000\nx{path="a\\"b\\\\c\\nd"} -Inf\n',
    );
    expect(bucket).toEqual({ name: 'x_bucket', labels: { le: '+Inf' }, value: 3 });
    expect(escaped).toEqual({ name: 'x', labels: { path: 'a"b\\c\nd' }, value: -Infinity });
  });

  it('reads NaN in any letter case, as prom-client writes it', () => {
    expect(parsePrometheusText('a Nan\nb NaN\nc +inf').map((sample) => sample.value)).toEqual([NaN, NaN, Infinity]);
  });

  it('says which line it cannot read', () => {
    expect(() => parsePrometheusText('x{a="1"')).toThrow(/x\{a="1"/);
    expect(() => parsePrometheusText('x notanumber')).toThrow(/bad sample value/);
  });
});

describe('sumOf', () => {
  const samples = parsePrometheusText(
    ['lab_balancer_retries_total{upstream="app-1",cause="cut"} 2', 'lab_balancer_retries_total{upstream="app-2",cause="cut"} 3', 'lab_balancer_retries_total{upstream="app-2",cause="refused"} 7', 'process_cpu_seconds_total 0'].join('\n'),
  );

  it('adds up the samples whose labels include the ones asked for', () => {
    expect(sumOf(samples, 'lab_balancer_retries_total')).toBe(12);
    expect(sumOf(samples, 'lab_balancer_retries_total', { cause: 'cut' })).toBe(5);
    expect(sumOf(samples, 'lab_balancer_retries_total', { cause: 'timeout' })).toBe(0);
  });

  it('tells a metric at 0 from one the text does not have', () => {
    expect(sumOf(samples, 'process_cpu_seconds_total')).toBe(0);
    expect(sumOf(samples, 'nodejs_eventloop_active_seconds_total')).toBeNull();
  });
});

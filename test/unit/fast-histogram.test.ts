import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { FastHistogram } from '../../src/metrics/fast-histogram.ts';
import { LabelValues } from '../../src/metrics/label-values.ts';

describe('FastHistogram', () => {
  it("exposes exactly what prom-client's Histogram exposes for the same observations", async () => {
    const buckets = [0.001, 0.01, 0.1];
    const expected = new Registry();
    const histogram = new Histogram({ name: 'x_seconds', help: 'calls', labelNames: ['tier', 'op'], buckets, registers: [expected] });
    const actual = new Registry();
    const tiers = new LabelValues('tier', ['redis', 'postgres']);
    const ops = new LabelValues('op', ['get', 'set'], 4);
    const fast = new FastHistogram(actual, 'x_seconds', 'calls', [tiers, ops], buckets);
    const calls = [['redis', 'get', 0.0005], ['redis', 'get', 0.001], ['redis', 'get', 0.05], ['postgres', 'set', 3], ['redis', 'other-op', 0.01]] as const;
    for (const [tier, op, seconds] of calls) {
      histogram.observe({ tier, op }, seconds);
      fast.observe(fast.key(tiers.indexOf(tier), ops.indexOf(op)), seconds);
    }
    const lines = async (registry: Registry) => (await registry.metrics()).split('\n').sort();
    expect(await lines(actual)).toEqual(await lines(expected));
    // The JSON form too (what a push gateway or an aggregator reads), in any order.
    const json = async (registry: Registry) =>
      (await registry.getMetricsAsJSON()).flatMap((m) => m.values.map((v) => `${m.type} ${(v as { metricName?: string }).metricName} ${JSON.stringify(Object.entries(v.labels).sort())} ${v.value}`)).sort();
    expect(await json(actual)).toEqual(await json(expected));
    expect(await lines(actual)).toContain('x_seconds_bucket{le="0.001",tier="redis",op="get"} 2');
  });
});

import type { Metric, Registry } from 'prom-client';
import { LabelKeys } from './counts.ts';
import type { LabelValues } from './label-values.ts';

/**
 * A Prometheus histogram for the hit path: an observation finds its bucket and adds to numbers
 * kept under a small integer made of its labels' indices — no label object, no validation, no
 * hashing per call, as prom-client's Histogram does — and the exposition is made only when
 * `/metrics` is scraped. Registered in prom-client's registry as a metric of its own (prom-client
 * has no API to set a histogram's buckets), exposed exactly as its Histogram would be.
 */
export class FastHistogram {
  /** Per key: the count in each bucket (not cumulative; the last is above every bound), then the sum, then the count. */
  private readonly series = new Map<number, Float64Array>();
  private readonly keys: LabelKeys;

  constructor(
    registry: Registry,
    readonly name: string,
    help: string,
    labels: readonly LabelValues[],
    private readonly bounds: readonly number[],
  ) {
    this.keys = new LabelKeys(labels, name);
    const described = { name, help, type: 'histogram', aggregator: 'sum' };
    const metric = {
      ...described,
      // The exposition text (the labels after `le`, as prom-client writes them), and the JSON form.
      getForPromString: async () => ({ ...described, values: this.values() }),
      get: async () => ({ ...described, values: this.values().map(({ labels, sharedLabels, ...rest }) => ({ ...rest, labels: { ...labels, ...sharedLabels } })) }),
      reset: () => this.series.clear(),
    };
    registry.registerMetric(metric as unknown as Metric);
  }

  /** The key of one combination of label indices, in the order the labels were given. */
  key(a: number, b = 0, c = 0, d = 0): number {
    return this.keys.key(a, b, c, d);
  }

  observe(key: number, value: number): void {
    const bounds = this.bounds;
    let series = this.series.get(key);
    if (series === undefined) this.series.set(key, (series = new Float64Array(bounds.length + 3)));
    let bucket = 0;
    while (bucket < bounds.length && value > bounds[bucket]!) bucket++;
    series[bucket]!++;
    series[bounds.length + 1]! += value;
    series[bounds.length + 2]!++;
  }

  /** What prom-client formats: cumulative buckets with `le`, `+Inf`, then `_sum` and `_count`, per combination seen. */
  private values() {
    const values: { labels: Record<string, string | number>; sharedLabels: Record<string, string>; value: number; metricName: string }[] = [];
    const n = this.bounds.length;
    for (const key of [...this.series.keys()].sort((a, b) => a - b)) {
      const series = this.series.get(key)!;
      const labels = this.keys.decode(key);
      let cumulative = 0;
      for (let i = 0; i < n; i++) {
        cumulative += series[i]!;
        values.push({ labels: { le: this.bounds[i]! }, sharedLabels: labels, value: cumulative, metricName: `${this.name}_bucket` });
      }
      values.push({ labels: { le: '+Inf' }, sharedLabels: labels, value: series[n + 2]!, metricName: `${this.name}_bucket` });
      values.push({ labels: {}, sharedLabels: labels, value: series[n + 1]!, metricName: `${this.name}_sum` });
      values.push({ labels: {}, sharedLabels: labels, value: series[n + 2]!, metricName: `${this.name}_count` });
    }
    return values;
  }
}

import { Counter, type Registry } from 'prom-client';
import type { LabelValues } from './label-values.ts';

/** Up to four labels' indices as one small integer, and back: how the hit path's metrics key their numbers. */
export class LabelKeys {
  private readonly radix: number[];

  constructor(
    readonly labels: readonly LabelValues[],
    name: string,
  ) {
    if (labels.length > 4) throw new RangeError(`a metric keyed by label indices takes at most 4 labels; ${name} has ${labels.length}`);
    this.radix = [...labels.map((label) => label.capacity), 1, 1, 1, 1].slice(0, 4);
  }

  /** The key of one combination of label indices, in the order the labels were given. */
  key(a: number, b = 0, c = 0, d = 0): number {
    const [, rb, rc, rd] = this.radix;
    return ((a * rb! + b) * rc! + c) * rd! + d;
  }

  decode(key: number): Record<string, string> {
    const indices: number[] = [];
    for (let i = 3; i >= 0; i--) {
      indices[i] = key % this.radix[i]!;
      key = Math.floor(key / this.radix[i]!);
    }
    return Object.fromEntries(this.labels.map((label, i) => [label.name, label.values[indices[i]!] ?? '']));
  }
}

/**
 * A prom-client counter for the hit path: an increment adds to a number kept under a small
 * integer made of its labels' indices (no label object, no string built per call), and
 * prom-client reads the numbers when `/metrics` is scraped.
 */
export class FastCounter {
  private readonly counts = new Map<number, number>();
  private readonly keys: LabelKeys;

  constructor(registry: Registry, name: string, help: string, labels: readonly LabelValues[]) {
    this.keys = new LabelKeys(labels, name);
    const self = this;
    new Counter({
      name,
      help,
      labelNames: labels.map((label) => label.name),
      registers: [registry],
      collect() {
        this.reset();
        for (const [key, value] of self.counts) this.inc(self.keys.decode(key), value);
      },
    });
  }

  /** The key of one combination of label indices, in the order the labels were given. */
  key(a: number, b = 0, c = 0, d = 0): number {
    return this.keys.key(a, b, c, d);
  }

  inc(key: number, by = 1): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + by);
  }

  /** The value under one combination (tests, summaries). */
  valueOf(values: Record<string, string>): number {
    let total = 0;
    for (const [key, value] of this.counts) {
      const labels = this.keys.decode(key);
      if (Object.entries(values).every(([name, v]) => labels[name] === v)) total += value;
    }
    return total;
  }
}

import { Counter, Gauge, type Registry } from 'prom-client';
import type { CacheStats } from '../cache/chain.ts';
import type { TierCall } from '../cache/guard.ts';
import { FastHistogram } from './fast-histogram.ts';
import { LabelValues } from './label-values.ts';

const BREAKER_STATES = ['closed', 'half-open', 'open'] as const;

/**
 * The tier chain: every guarded call's latency and failures (told by the guard), and, read
 * from the chain's stats when scraped, breaker states and the memory tier's bytes and entries.
 */
export function tierMetrics(registry: Registry) {
  let stats: () => CacheStats | undefined = () => undefined;
  const tiers = new LabelValues('tier', ['redis', 'postgres', 'memory']);
  // The guarded calls of src/cache/ (chain, peers); a new one gets a label of its own, up to 16.
  const ops = new LabelValues('op', ['getMany', 'set', 'delete', 'invalidateTags', 'tagTimes', 'latestInvalidation', 'backfill', 'ping', 'publish'], 16);
  const results = new LabelValues('result', ['ok', 'error', 'timeout']);
  // On every Redis or Postgres call (the L2 hit path): keyed by label indices, nothing allocated.
  const latency = new FastHistogram(
    registry,
    'contrail_cache_tier_call_duration_seconds',
    'Calls to a shared cache tier (Redis, Postgres) through its guard, by tier, operation and result (ok, error, timeout)',
    [tiers, ops, results],
    [0.0002, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
  );
  const errors = new Counter({
    name: 'contrail_cache_tier_errors_total',
    help: 'Failed shared-tier calls, by tier and kind (error, timeout); calls skipped by an open breaker are kind=skipped',
    labelNames: ['tier', 'kind'],
    registers: [registry],
  });
  new Gauge({
    name: 'contrail_cache_tier_breaker_state',
    help: "1 for a shared tier's current breaker state (closed, half-open, open), 0 for the others",
    labelNames: ['tier', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [tier, counters] of Object.entries(stats()?.tiers ?? {})) {
        if (!counters?.breaker) continue;
        for (const state of BREAKER_STATES) this.set({ tier, state }, counters.breaker === state ? 1 : 0);
      }
    },
  });
  new Gauge({
    name: 'contrail_cache_memory_bytes',
    help: 'Bytes the memory tier holds',
    registers: [registry],
    collect() {
      const memory = stats()?.memory;
      if (memory) this.set(memory.bytes);
    },
  });
  new Gauge({
    name: 'contrail_cache_memory_entries',
    help: 'Entries the memory tier holds',
    registers: [registry],
    collect() {
      const memory = stats()?.memory;
      if (memory) this.set(memory.entries);
    },
  });
  return {
    /** The guard's observer (create-cache's `onTierCall`). */
    onTierCall(call: TierCall): void {
      if (call.result === 'skipped') {
        errors.inc({ tier: call.tier, kind: 'skipped' });
        return;
      }
      latency.observe(latency.key(tiers.indexOf(call.tier), ops.indexOf(call.op), results.indexOf(call.result)), call.durationMs / 1000);
      if (call.result !== 'ok') errors.inc({ tier: call.tier, kind: call.result });
    },
    /** Where breaker states and memory figures are read from at scrape time. */
    readStatsFrom(read: () => CacheStats): void {
      stats = read;
    },
  };
}

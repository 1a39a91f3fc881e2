import { Counter, type Registry } from 'prom-client';

/** What the rate limiter has counted (src/rate-limit/create-rate-limit.ts `stats()`), read at scrape time. */
export interface RateLimitCounts {
  fallbacks: number;
  refused: { admission: number; execution: number; field: number };
}

export type WarmingStatus = 'success' | 'partial' | 'failed';

const KIND = /^[a-z][a-z0-9_-]{0,31}$/;

/**
 * Things other parts of the gateway do now and then — a warming run, an invalidation, a
 * rate-limit fallback or refusal — in the gateway's own registry. The parts are handed these
 * functions (the warmer's `onRun`, the invalidator's and the admin API's `onInvalidation`);
 * the rate limiter's counts are read when `/metrics` is scraped.
 */
export function eventMetrics(registry: Registry) {
  let rateLimit: () => RateLimitCounts | undefined = () => undefined;
  const warmingRuns = new Counter({
    name: 'contrail_cache_warming_runs_total',
    help: 'Cache warming runs finished, by status (success, partial, failed)',
    labelNames: ['status'],
    registers: [registry],
  });
  const invalidations = new Counter({
    name: 'contrail_cache_invalidations_total',
    help: "Cache invalidations, by kind: write (a mutation's or a pushed status's tags); an admin's tags, types, entities, operation, keys, pattern, all",
    labelNames: ['kind'],
    registers: [registry],
  });
  new Counter({
    name: 'contrail_rate_limit_fallbacks_total',
    help: 'Rate-limit decisions made in-process because Redis did not answer',
    registers: [registry],
    collect() {
      const counts = rateLimit();
      this.reset();
      if (counts) this.inc(counts.fallbacks);
    },
  });
  new Counter({
    name: 'contrail_rate_limit_refused_total',
    help: 'Requests refused with 429, by where it was decided (admission: on arrival; execution: before executing; field: a field budget)',
    labelNames: ['where'],
    registers: [registry],
    collect() {
      const counts = rateLimit();
      this.reset();
      if (!counts) return;
      for (const where of ['admission', 'execution', 'field'] as const) this.inc({ where }, counts.refused[where]);
    },
  });
  return {
    /** Counts one finished warming run. */
    warmingRun(status: WarmingStatus): void {
      warmingRuns.inc({ status });
    },
    /**
     * Counts one invalidation of `kind` — a short lower-case word (`write`, `pattern`, `all` …);
     * anything else is counted as `other`, so a caller cannot grow the label set by mistake.
     */
    invalidation(kind: string): void {
      invalidations.inc({ kind: KIND.test(kind) ? kind : 'other' });
    },
    /** Where the rate limiter's counts are read from at scrape time. */
    readRateLimitFrom(read: () => RateLimitCounts): void {
      rateLimit = read;
    },
  };
}

export type EventMetrics = ReturnType<typeof eventMetrics>;

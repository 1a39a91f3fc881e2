import { Counter, Gauge, type Registry } from 'prom-client';
import type { EntityRead } from '../entities/entity-store.ts';
import type { BreakerState } from '../resilience/breaker.ts';
import type { UpstreamCall } from '../sources/http-client.ts';

/** What the metrics need to know of one upstream: its estimated price per call. */
export interface UpstreamPricing {
  /** USD per call (FLIGHTS_API_PRICE_PER_CALL, WEATHER_API_PRICE_PER_CALL). */
  pricePerCall: number;
}

/**
 * Upstream calls made and what they cost (every attempt the HTTP client tells its call sink,
 * as `api_call_log` records it), and calls spared by the entity cache and what those would
 * have cost: an entity found in the cache spares its call; for kinds that take many keys per
 * call (METAR, TAF) a read spares one call only when it finds every key it wanted.
 */
export function upstreamMetrics(registry: Registry, upstreams: Record<string, UpstreamPricing>, sourceOfKind: Record<string, string>) {
  let breakers: () => Record<string, BreakerState> = () => ({});
  const calls = new Counter({ name: 'contrail_upstream_calls_total', help: 'Upstream HTTP attempts, by source and result (ok, error)', labelNames: ['source', 'result'], registers: [registry] });
  const cost = new Counter({ name: 'contrail_upstream_cost_usd_total', help: 'Estimated cost of the upstream calls made (USD), by source', labelNames: ['source'], registers: [registry] });
  const saved = new Counter({ name: 'contrail_upstream_calls_saved_total', help: 'Upstream calls the entity cache spared, by source', labelNames: ['source'], registers: [registry] });
  const savedCost = new Counter({ name: 'contrail_upstream_cost_saved_usd_total', help: 'Estimated cost of the upstream calls the entity cache spared (USD), by source', labelNames: ['source'], registers: [registry] });
  const reads = new Counter({
    name: 'contrail_entity_cache_reads_total',
    help: 'Entities looked up in the entity cache, by kind and what was found (fresh, stale, miss)',
    labelNames: ['kind', 'found'],
    registers: [registry],
  });
  new Gauge({
    name: 'contrail_upstream_breaker_state',
    help: "1 for an upstream's current breaker state (closed, half-open, open), 0 for the others",
    labelNames: ['source', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [source, current] of Object.entries(breakers())) {
        for (const state of ['closed', 'half-open', 'open']) this.set({ source, state }, current === state ? 1 : 0);
      }
    },
  });
  let made = 0;
  return {
    /** Upstream attempts so far in this process (the request log's per-request count). */
    get callsMade(): number {
      return made;
    },
    /** The HTTP clients' call sink (createEntities' `onCall`). */
    onCall(call: UpstreamCall): void {
      made++;
      calls.inc({ source: call.source, result: call.ok ? 'ok' : 'error' });
      if (call.cost > 0) cost.inc({ source: call.source }, call.cost);
    },
    /** The entity stores' read observer. */
    onEntityRead(read: EntityRead): void {
      if (read.hits) reads.inc({ kind: read.kind, found: 'fresh' }, read.hits);
      if (read.stale) reads.inc({ kind: read.kind, found: 'stale' }, read.stale);
      if (read.misses) reads.inc({ kind: read.kind, found: 'miss' }, read.misses);
      const found = read.hits + read.stale;
      const spared = read.batched ? (found > 0 && read.misses === 0 ? 1 : 0) : found;
      const source = sourceOfKind[read.kind];
      if (!spared || !source) return;
      saved.inc({ source }, spared);
      const price = upstreams[source]?.pricePerCall ?? 0;
      if (price > 0) savedCost.inc({ source }, spared * price);
    },
    /** Where breaker states are read from at scrape time. */
    readBreakersFrom(read: () => Record<string, BreakerState>): void {
      breakers = read;
    },
  };
}

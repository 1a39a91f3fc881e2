import path from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { eventMetrics } from './event-metrics.ts';
import { OperationLabels, operationNamesIn } from './operation-labels.ts';
import { requestMetrics } from './request-metrics.ts';
import { responseCacheMetrics } from './response-cache-metrics.ts';
import { tierMetrics } from './tier-metrics.ts';
import { upstreamMetrics, type UpstreamPricing } from './upstream-metrics.ts';

export interface MetricsOptions {
  /** Operation names that always have a label of their own. Default: the operations in schema/operations/. */
  knownOperations?: Iterable<string>;
  /** Other operation names given a label of their own, first come first served; the rest are `other`. Default: 100. */
  maxOtherOperations?: number;
  /** Upstream sources by name (`flights`, `weather`) with their price per call. Default: none. */
  upstreams?: Record<string, UpstreamPricing>;
  /** The upstream source each entity kind calls. Default: flights for flight and route-flights, weather for metar and taf. */
  sourceOfKind?: Record<string, string>;
  /** Node's own metrics (CPU, memory, event-loop delay, GC). Default: true. */
  processMetrics?: boolean;
}

const operationsFolder = path.resolve(import.meta.dirname, '../../schema/operations');

/** Every metric of one gateway, in a registry of its own (never prom-client's global one). */
export function createMetrics({
  knownOperations = operationNamesIn(operationsFolder),
  maxOtherOperations = 100,
  upstreams = {},
  sourceOfKind = { flight: 'flights', 'route-flights': 'flights', metar: 'weather', taf: 'weather' },
  processMetrics = true,
}: MetricsOptions = {}) {
  const registry = new Registry();
  if (processMetrics) collectDefaultMetrics({ register: registry });
  const operations = new OperationLabels(knownOperations, maxOtherOperations);
  return {
    registry,
    operations,
    responseCache: responseCacheMetrics(registry, operations),
    requests: requestMetrics(registry, operations),
    tiers: tierMetrics(registry),
    upstreams: upstreamMetrics(registry, upstreams, sourceOfKind),
    /** Warming runs, invalidations and the rate limiter's counts: sinks to hand to those parts. */
    events: eventMetrics(registry),
    /** The exposition text of this gateway's metrics. */
    async scrape(): Promise<{ contentType: string; body: string }> {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;

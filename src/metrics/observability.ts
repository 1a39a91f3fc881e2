import type { CacheOutcome } from '../../plugins/response-cache/outcome.ts';
import type { CacheChain } from '../cache/chain.ts';
import type { Entities } from '../entities/create-entities.ts';
import type { Logger } from '../logger.ts';
import { createMetrics, type MetricsOptions } from './create-metrics.ts';
import { createRequestLog, recordOf } from './request-log.ts';

export interface ObservabilityOptions {
  logger: Logger;
  metrics?: MetricsOptions;
  /** The bearer token `/metrics` requires (METRICS_TOKEN). Default: none, open. */
  metricsToken?: string;
}

/**
 * Metrics and the request log, and the observers that feed them, for the server to hand to
 * each part it builds: the edge (request ids, the log line), the response cache (outcomes),
 * the tier guards, the entity stores and the upstream clients.
 */
export function createObservability({ logger, metrics: options, metricsToken }: ObservabilityOptions) {
  const metrics = createMetrics(options);
  return {
    metrics,
    metricsToken,
    /** The edge's request observer. */
    requestLog: createRequestLog({ logger, metrics }),

    /** The response cache's observer: counted, and kept on the request's record for its log line. */
    observeCache(outcome: CacheOutcome, context?: unknown): void {
      metrics.responseCache.record(outcome);
      const record = recordOf(context);
      if (record !== undefined) record.cache = outcome;
    },

    /** The gateway's hooks (see useMetrics): the request reached Yoga, with this operation, for this viewer, and ended so. */
    gatewayReached(context: unknown): void {
      const record = recordOf(context);
      if (record) record.reachedGateway = true;
    },
    operation(context: unknown, operationName: string | null, viewerKind: string | undefined): void {
      const record = recordOf(context);
      if (!record) return;
      record.operationName = operationName;
      record.viewerKind = viewerKind;
    },
    result(context: unknown, errors: boolean): void {
      const record = recordOf(context);
      if (record && errors) record.graphqlErrors = true;
    },

    /** Reads what is read at scrape time (breakers, memory) from the chain and the upstream clients, and observes the entity stores. */
    watch({ cache, entities }: { cache?: CacheChain; entities: Entities }): void {
      if (cache) metrics.tiers.readStatsFrom(() => cache.stats());
      metrics.upstreams.readBreakersFrom(() => ({ flights: entities.clients.flights.breakerState(), weather: entities.clients.weather.breakerState() }));
      for (const store of Object.values(entities.stores)) store.observeReads(metrics.upstreams.onEntityRead);
    },
  };
}

export type Observability = ReturnType<typeof createObservability>;

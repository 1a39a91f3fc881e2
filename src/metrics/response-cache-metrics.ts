import type { Registry } from 'prom-client';
import type { CacheOutcome } from '../../plugins/response-cache/outcome.ts';
import { SCOPES } from '../../plugins/response-cache/cache-control.ts';
import { FastCounter } from './counts.ts';
import { LabelValues } from './label-values.ts';
import type { OperationLabels } from './operation-labels.ts';

const OUTCOMES = ['hit', 'stale', 'miss', 'shared', 'bypass', 'uncacheable'] as const;

/** The response cache's outcomes by outcome × tier × scope × operation, counted as the cache path reports them. */
export function responseCacheMetrics(registry: Registry, operations: OperationLabels) {
  const outcomes = new LabelValues('outcome', OUTCOMES);
  // `none` for everything but hits: only a hit comes from a tier.
  const tiers = new LabelValues('tier', ['none', 'memory', 'redis', 'postgres']);
  const scopes = new LabelValues('scope', SCOPES);
  const counter = new FastCounter(
    registry,
    'contrail_response_cache_requests_total',
    'Requests the response cache handled, by outcome (hit, stale, miss, shared, bypass, uncacheable), the tier a hit came from, the scope and the operation',
    [outcomes, tiers, scopes, operations],
  );
  return {
    counter,
    /** Counts one outcome: four map look-ups and an addition. */
    record(outcome: CacheOutcome): void {
      counter.inc(
        counter.key(
          outcomes.indexOf(outcome.outcome),
          outcome.tier === undefined ? 0 : tiers.indexOf(outcome.tier),
          scopes.indexOf(outcome.scope),
          operations.indexOfOperation(outcome.operationName),
        ),
      );
    },
  };
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CacheOutcome } from '../../plugins/response-cache/outcome.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from './create-metrics.ts';
import { requestIdFrom } from './request-id.ts';
import { requestOutcome, type AnsweredBy } from './request-metrics.ts';

/**
 * One request's record, made by the edge as the request arrives and filled in by whoever
 * learns something of it (the cache path, the gateway's hooks); read once its answer is
 * written. Passed down as the server context: Yoga copies a server context's fields into a new
 * object, so `requestLog` (the record itself) is how a hook reaches the original.
 */
export class RequestRecord {
  readonly requestLog: RequestRecord = this;
  operationName: string | null | undefined = undefined;
  viewerKind: string | undefined = undefined;
  cache: CacheOutcome | undefined = undefined;
  /** The answer carried GraphQL errors. */
  graphqlErrors = false;
  /** Yoga handled it (not the fast path, not the edge alone). */
  reachedGateway = false;

  constructor(
    readonly requestId: string,
    readonly startedAt: number,
    /** The process's upstream call count when it arrived. */
    readonly upstreamCallsBefore: number,
  ) {}
}

/** The record a server context carries, if any. */
export function recordOf(context: unknown): RequestRecord | undefined {
  return (context as { requestLog?: RequestRecord } | null | undefined)?.requestLog;
}

export interface RequestLogOptions {
  logger: Logger;
  metrics: Metrics;
}

/**
 * The edge's request observer: an id for every request (the client's `X-Request-Id` when safe,
 * else a new one), and when its answer is written, the request metrics and one log line —
 * operation, viewer kind, cache outcome and tier, status, duration, upstream calls. Never a
 * header, a variable or a body: nothing secret can reach the log from here.
 *
 * Cache hits are logged at debug: they are most requests, cost microseconds, and are counted in
 * the metrics; a line each would cost the hit path more than the hit. Everything else is info
 * (warn for a 5xx).
 */
export function createRequestLog({ logger, metrics }: RequestLogOptions) {
  const { upstreams, requests } = metrics;
  return {
    begin(req: IncomingMessage): RequestRecord {
      return new RequestRecord(requestIdFrom(req.headers['x-request-id']), performance.now(), upstreams.callsMade);
    },

    end(record: RequestRecord, req: IncomingMessage, res: ServerResponse, err?: unknown): void {
      const ms = performance.now() - record.startedAt;
      const status = err !== undefined && !res.headersSent ? 500 : res.statusCode;
      const cache = record.cache;
      const answeredBy: AnsweredBy = cache?.path === 'fast' ? 'fast' : record.reachedGateway ? 'gateway' : 'edge';
      const operationName = cache ? cache.operationName : record.operationName;
      requests.record(operationName, requestOutcome(status, record.graphqlErrors), answeredBy, ms / 1000);
      const hit = cache !== undefined && (cache.outcome === 'hit' || cache.outcome === 'stale');
      const level = status >= 500 ? 'warn' : hit ? 'debug' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      logger[level](
        {
          reqId: record.requestId,
          method: req.method,
          // The path only: a query string may carry a document, variables or a key.
          path: req.url?.split('?', 1)[0],
          status,
          operation: operationName === undefined ? undefined : metrics.operations.labelOf(operationName),
          viewer: cache?.viewer ?? record.viewerKind,
          cache: cache?.outcome,
          tier: cache?.tier,
          ms: Math.round(ms * 100) / 100,
          upstreamCalls: upstreams.callsMade - record.upstreamCallsBefore,
        },
        'request',
      );
    },
  };
}

export type RequestLog = ReturnType<typeof createRequestLog>;

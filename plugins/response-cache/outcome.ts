import type { CacheScope } from './cache-control.ts';

/**
 * What the response cache did with one request, reported from the cache path itself (the
 * pre-Yoga fast path and the Yoga plugin alike), so hits answered before execution are counted.
 * Observers (metrics, insights) must be cheap and must never throw: they run on the hit path.
 */
export interface CacheOutcome {
  /**
   * hit: answered from a tier; stale: answered from a stale entry being refreshed; miss: executed
   * and stored; shared: a concurrent miss got the leader's answer; bypass: an admin's no-cache;
   * uncacheable: not one cacheable operation (mutations, PRIVATE for anonymous, NONE).
   */
  outcome: 'hit' | 'stale' | 'miss' | 'shared' | 'bypass' | 'uncacheable';
  /** The tier that answered a hit (`memory`, `redis`, `postgres`); absent otherwise. */
  tier?: string;
  scope: CacheScope;
  /** The verified principal's kind (`anonymous`, `user`, `partner` …); absent when unknown. */
  viewer?: string;
  /** As the client named it: observers bound it before using it as a label. */
  operationName: string | null;
  /** The entry's key; absent when uncacheable. Never a label. */
  key?: string;
  /** The entry's lifetime, in seconds, as decided for this request. */
  ttlSeconds?: number;
  /** The stored answer's size in bytes (hits and misses). */
  bytes?: number;
  path: 'fast' | 'yoga';
}

/**
 * `context` is the request's server context as the transport passed it (the edge's per-request
 * record: the fast path's fourth argument, Yoga's `serverContext`), so an observer can tie the
 * outcome to one request's log line; undefined when there is none.
 */
export type CacheObserver = (outcome: CacheOutcome, context?: unknown) => void;

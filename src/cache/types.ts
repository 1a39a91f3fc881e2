// The chain's public types: what its callers pass and get back.
import type { GuardCounters, TierCallObserver } from './guard.ts';
import type { MemoryTier } from './memory-tier.ts';
import type { BusStats, InvalidationBus } from './bus.ts';
import type { SharedTier, TierName } from './tier.ts';
import type { Logger } from '../logger.ts';

export interface SetOptions {
  /** Fresh for this long (ms). */
  ttl: number;
  /** Then stale but servable for this long (ms). Default 0. */
  grace?: number;
  tags?: readonly string[];
  /** When the value was read from its origin (default: now). Invalidations after it win. */
  createdAt?: number;
}

/** A value found in the chain, and what the caller may want to report about it. */
export interface CacheHit<V = unknown> {
  value: V;
  tier: TierName;
  ageMs: number;
  /** Fresh time left (ms); negative when stale. */
  ttlMs: number;
  stale: boolean;
}

export interface GetOrSetResult<V> extends Omit<CacheHit<V>, 'tier'> {
  tier: TierName | 'origin';
}

export interface TierCounters {
  hits: number;
  misses: number;
  sets: number;
}

export interface CacheStats {
  tiers: Partial<Record<TierName, TierCounters & Partial<GuardCounters>>>;
  memory: { bytes: number; entries: number };
  bus: BusStats | null;
  refreshes: { started: number; failed: number };
}

export interface CacheChainOptions {
  memory: MemoryTier;
  /** Shared tiers, upper first: Redis, then Postgres. */
  shared: SharedTier[];
  bus?: InvalidationBus;
  logger: Logger;
  /** Prefixes every key and tag: instances share entries only under the same prefix. */
  keyPrefix: string;
  guard: { timeoutMs: number; failureThreshold: number; resetAfterMs: number; onCall?: TierCallObserver };
  compressAboveBytes: number;
  /** With shared tiers but no healthy bus, memory entries live at most this long (ms). */
  memorySafetyTtlMs: number;
  /** Longest any entry (ttl + grace) may live; also how long tag invalidations are kept. */
  maxLifetimeMs: number;
  /** How long an admin search or purge may take in one tier before it is reported failed. Default: 60 000. */
  adminTimeoutMs?: number;
}

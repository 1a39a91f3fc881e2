import type { EncodedEntry } from './entry.ts';

export type TierName = 'memory' | 'redis' | 'postgres';

/**
 * A shared level of the chain (Redis, Postgres). Entries travel in their serialised form,
 * so a hit in a lower tier back-fills the upper ones without serialising again. The chain
 * calls these only through a guard, so an implementation may throw or hang: the guard
 * turns that into a miss.
 */
export interface SharedTier {
  readonly name: Exclude<TierName, 'memory'>;
  get(key: string): Promise<EncodedEntry | undefined>;
  getMany(keys: readonly string[]): Promise<(EncodedEntry | undefined)[]>;
  /** Stores until `entry.staleUntil`. */
  set(key: string, encoded: EncodedEntry): Promise<void>;
  setMany(items: readonly { key: string; encoded: EncodedEntry }[]): Promise<void>;
  delete(keys: readonly string[]): Promise<void>;
  /** When each tag was last invalidated in this tier (undefined: never, or long ago). */
  tagTimes(tags: readonly string[]): Promise<(number | undefined)[]>;
  /** The newest invalidation of any tag in this tier (0: none): entries created after it need no per-tag look-up. */
  latestInvalidation(): Promise<number>;
  /** Records that `tags` were invalidated at `at`, kept for `lifetimeMs` (no older entry outlives it). */
  invalidateTags(tags: readonly string[], at: number, lifetimeMs: number): Promise<void>;
  /** One round trip, for health checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

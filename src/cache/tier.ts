import type { EncodedEntry } from './entry.ts';
import type { KeyGlob } from './key-glob.ts';

export type TierName = 'memory' | 'redis' | 'postgres';

/** What an entry's header says, read without its payload (admin scans). */
export interface EntryHead {
  createdAt: number;
  staleUntil: number;
  tags: readonly string[];
}

/** A key found by a scan, with its entry's head when the scan asked for heads. */
export interface ScannedKey {
  key: string;
  head?: EntryHead;
}

/** What an admin scan walks: every key `glob` matches; with their heads when `heads` is set. */
export interface KeyScan {
  glob: KeyGlob;
  heads: boolean;
}

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
  /**
   * Admin operations, not the request path: the chain calls them directly (a guard's timeout
   * is for reads, not for walking a whole keyspace), and failures reach the operator.
   * `scan` yields every stored key the glob matches, batch by batch (on every node of a
   * cluster); `present` the stored ones among `keys`; `remove` deletes, resolving with how many
   * were stored. A tier without them is reported as failed by admin purges.
   */
  scan?(scan: KeyScan): AsyncIterable<ScannedKey[]>;
  present?(keys: readonly string[]): Promise<string[]>;
  remove?(keys: readonly string[]): Promise<number>;
  /** How many keys start with `prefix`, where that is cheap to know (an index range); else undefined. */
  countPrefix?(prefix: string): Promise<number | undefined>;
  /** One round trip, for health checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

import Keyv from 'keyv';
import { LRUCache } from 'lru-cache';
import type { Logger } from '../logger.ts';
import type { CacheEntry, EncodedEntry } from './entry.ts';

export interface MemoryTierOptions {
  /** Upper bound of the bytes the tier holds. */
  maxBytes: number;
  /** Entries larger than this skip memory (they still go to the shared tiers). */
  maxEntryBytes: number;
  /** Tag invalidation times remembered (least recently used forgotten first). */
  maxTags?: number;
  logger: Logger;
}

/**
 * L1: Keyv over an LRU bounded in bytes. Values are kept as decoded objects, so a hit costs
 * no parsing. Tag invalidation times live beside it, fed by this process's invalidations
 * and by the bus.
 */
export class MemoryTier {
  readonly name = 'memory' as const;
  private readonly lru: LRUCache<string, { value: CacheEntry; expires?: number }>;
  private readonly keyv: Keyv<CacheEntry>;
  private readonly tags: LRUCache<string, number>;
  private readonly maxEntryBytes: number;
  private readonly sizeOf = new WeakMap<object, number>();
  private newestInvalidation = 0;

  constructor({ maxBytes, maxEntryBytes, maxTags = 100_000, logger }: MemoryTierOptions) {
    this.maxEntryBytes = maxEntryBytes;
    this.lru = new LRUCache({ maxSize: maxBytes, sizeCalculation: (item) => this.sizeOf.get(item.value) ?? 1024 });
    const lru = this.lru;
    // Keyv hands a store its TTL as a number; lru-cache wants it in an options object.
    const store = {
      get: (key: string) => lru.get(key),
      set: (key: string, value: { value: CacheEntry; expires?: number }, ttl?: number) => void lru.set(key, value, { ttl }),
      delete: (key: string) => lru.delete(key),
      clear: () => lru.clear(),
    };
    this.keyv = new Keyv<CacheEntry>({ store, serialize: undefined, deserialize: undefined, namespace: undefined, useKeyPrefix: false });
    this.keyv.on('error', (err) => logger.warn({ tier: 'memory', err: String(err) }, 'memory tier error'));
    this.tags = new LRUCache({ max: maxTags });
  }

  get bytes(): number {
    return this.lru.calculatedSize;
  }

  get entries(): number {
    return this.lru.size;
  }

  get(key: string): Promise<CacheEntry | undefined> {
    return this.keyv.get(key);
  }

  /**
   * The entry under `key`, synchronously, straight from the LRU Keyv stores into (Keyv's own
   * get is asynchronous and runs hooks: a microsecond the hottest path can spare).
   */
  peek(key: string): CacheEntry | undefined {
    const item = this.lru.get(key);
    if (!item || (item.expires !== undefined && item.expires <= Date.now())) return undefined;
    return item.value;
  }

  async getMany(keys: readonly string[]): Promise<(CacheEntry | undefined)[]> {
    return Promise.all(keys.map((key) => this.keyv.get(key)));
  }

  async set(key: string, encoded: EncodedEntry, ttlCapMs = Number.POSITIVE_INFINITY): Promise<void> {
    const size = encoded.bytes;
    const ttl = Math.min(encoded.entry.staleUntil - Date.now(), ttlCapMs);
    if (size > this.maxEntryBytes || ttl <= 0) {
      // Too large for memory, or already gone: make sure no older copy stays behind.
      this.lru.delete(key);
      return;
    }
    this.sizeOf.set(encoded.entry, size);
    await this.keyv.set(key, encoded.entry, Math.ceil(ttl));
  }

  async setMany(items: readonly { key: string; encoded: EncodedEntry }[]): Promise<void> {
    for (const { key, encoded } of items) await this.set(key, encoded);
  }

  async delete(keys: readonly string[]): Promise<void> {
    this.remove(keys);
  }

  /** Deletes `keys`, synchronously: how many were held. */
  remove(keys: readonly string[]): number {
    let removed = 0;
    for (const key of keys) if (this.lru.delete(key)) removed++;
    return removed;
  }

  /** The held ones among `keys` (stale ones too: `delete` counts those as well). */
  present(keys: readonly string[]): string[] {
    return keys.filter((key) => this.lru.peek(key, { allowStale: true }) !== undefined);
  }

  /** Every held key with its entry, for admin scans (a walk of the whole LRU: not for requests). */
  *scan(): Generator<[string, CacheEntry]> {
    for (const [key, item] of this.lru.entries()) yield [key, item.value];
  }

  /** Deletes every held key `test` accepts: how many. */
  deleteWhere(test: (key: string) => boolean): number {
    const doomed = [...this.lru.keys()].filter(test);
    for (const key of doomed) this.lru.delete(key);
    return doomed.length;
  }

  /** Drops every entry: what a process must do when it may have missed invalidations. */
  clear(): void {
    this.lru.clear();
  }

  /** The latest invalidation time among `tags`, synchronously (the L1 read path). */
  latestInvalidation(tags: readonly string[]): number {
    // No invalidation known at all, or none since `since`: no tag to look at.
    if (this.tags.size === 0) return 0;
    let latest = 0;
    for (const tag of tags) {
      const at = this.tags.get(tag);
      if (at !== undefined && at > latest) latest = at;
    }
    return latest;
  }

  /**
   * Whether no known invalidation hides `entry`. Entries created after the newest invalidation
   * this process knows of need no per-tag look-up: the common case, in O(1).
   */
  validAt(entry: CacheEntry): boolean {
    return entry.createdAt > this.newestInvalidation || entry.createdAt > this.latestInvalidation(entry.tags);
  }

  /** Records invalidation times (raising, never lowering them) for `lifetimeMs`. */
  rememberTags(tags: readonly string[], at: number, lifetimeMs: number): void {
    if (at > this.newestInvalidation) this.newestInvalidation = at;
    for (const tag of tags) {
      const known = this.tags.get(tag);
      if (known === undefined || known < at) this.tags.set(tag, at, { ttl: lifetimeMs });
    }
  }

  async close(): Promise<void> {
    this.lru.clear();
  }
}

import { createHash } from 'node:crypto';
import type { Logger } from '../logger.ts';
import { withTimeout } from '../resilience/timeout.ts';
import type { Invalidation } from './bus-message.ts';
import type { InvalidationBus } from './bus.ts';
import { encodeEntry, type CacheEntry, type EncodedEntry } from './entry.ts';
import { TierGuard } from './guard.ts';
import { compileKeyGlob } from './key-glob.ts';
import { Loading } from './loading.ts';
import type { MemoryTier } from './memory-tier.ts';
import { Peers } from './peers.ts';
import { purgeSelection, type CacheSelection, type PurgeResult } from './purge.ts';
import type { SharedTier, TierName } from './tier.ts';
import type { CacheChainOptions, CacheHit, CacheStats, GetOrSetResult, SetOptions, TierCounters } from './types.ts';

export type { CacheChainOptions, CacheHit, CacheStats, GetOrSetResult, SetOptions, TierCounters } from './types.ts';
export type { CacheSelection, PurgeResult } from './purge.ts';

// Postgres indexes text keys up to ~2.7 kB; longer keys are hashed, the same in every tier.
const MAX_KEY_LENGTH = 512;

interface GuardedTier {
  tier: SharedTier;
  guard: TierGuard;
  counters: TierCounters;
}

/**
 * The tier chain: memory → Redis → Postgres, any subset. It knows nothing of GraphQL.
 * Reads go down the chain and back-fill the tiers above with the remaining lifetime;
 * writes go to every tier; tags invalidate lazily (an entry created at or before its tags'
 * last invalidation is unreadable), so invalidation never scans keys.
 */
export class CacheChain {
  private readonly memory: MemoryTier;
  private readonly shared: GuardedTier[];
  private readonly memoryCounters: TierCounters = { hits: 0, misses: 0, sets: 0 };
  private readonly loading: Loading;
  private readonly peers: Peers;

  constructor(private readonly options: CacheChainOptions) {
    this.memory = options.memory;
    this.peers = new Peers(options.logger, options.guard, options.bus);
    this.loading = new Loading(this, options.logger);
    this.shared = options.shared.map((tier) => ({
      tier,
      guard: new TierGuard({ tier: tier.name, logger: options.logger, ...options.guard }),
      counters: { hits: 0, misses: 0, sets: 0 },
    }));
  }

  /** What every key and tag of this chain is stored under (CACHE_KEY_PREFIX). */
  get keyPrefix(): string {
    return this.options.keyPrefix;
  }

  /** Attaches the bus after construction (the bus needs the chain's handlers). */
  attachBus(bus: InvalidationBus): void {
    this.peers.attach(bus);
  }

  /** What another instance said: forget keys, record tag invalidations (synchronously: the ack follows). */
  readonly onBusMessage = (message: Invalidation): void => {
    if (message.flush) this.memory.clear();
    if (message.keys?.length) void this.memory.delete(message.keys);
    if (message.tags?.length && message.at) this.memory.rememberTags(message.tags, message.at, this.options.maxLifetimeMs);
    if (message.patterns?.length) {
      const globs = message.patterns.map((pattern) => compileKeyGlob(pattern, this.options.keyPrefix));
      this.memory.deleteWhere((key) => globs.some((glob) => glob.test(key)));
    }
  };

  /**
   * The bus is gone (disconnected, or its own heartbeats no longer come back): from now on this
   * instance misses invalidations. Entries kept so far were stored without the safety cap, so
   * they go; new ones are capped to the safety TTL while the bus is away.
   */
  readonly onBusLost = (): void => {
    this.memory.clear();
  };

  /** The bus came back: anything said while it was away is lost, so memory starts over. */
  readonly onBusResubscribed = (): void => {
    this.options.logger.info('invalidation bus back: memory tier cleared');
    this.memory.clear();
  };

  /** A valid memory hit, synchronously, or undefined (then `get` looks further down). */
  peekMemory<V = unknown>(key: string): CacheHit<V> | undefined {
    return this.fromMemory(this.key(key), Date.now());
  }

  async get<V = unknown>(key: string): Promise<CacheHit<V> | undefined> {
    return (await this.getMany<V>([key]))[0];
  }

  async getMany<V = unknown>(keys: readonly string[]): Promise<(CacheHit<V> | undefined)[]> {
    const now = Date.now();
    const ks = keys.map((key) => this.key(key));
    const results: (CacheHit<V> | undefined)[] = new Array(keys.length).fill(undefined);
    let missing: number[] = [];
    ks.forEach((k, i) => {
      results[i] = this.fromMemory<V>(k, now);
      if (!results[i]) {
        this.memoryCounters.misses++;
        missing.push(i);
      }
    });
    for (let t = 0; t < this.shared.length && missing.length; t++) {
      const level = this.shared[t]!;
      const [found, latest] = await Promise.all([
        level.guard.run('getMany', () => level.tier.getMany(missing.map((i) => ks[i]!)), []),
        this.latestOf(level),
      ]);
      const stillMissing: number[] = [];
      for (let j = 0; j < missing.length; j++) {
        const i = missing[j]!;
        const encoded = found[j];
        if (encoded && (await this.stillValid(level, ks[i]!, encoded.entry, now, latest))) {
          level.counters.hits++;
          await this.backfill(ks[i]!, encoded, t);
          results[i] = hit(encoded.entry as CacheEntry<V>, level.tier.name, now);
        } else {
          level.counters.misses++;
          stillMissing.push(i);
        }
      }
      missing = stillMissing;
    }
    return results;
  }

  async set<V>(key: string, value: V, options: SetOptions): Promise<void> {
    await this.setMany([{ key, value, options }]);
  }

  /** Writes every entry to every tier: serialised once, one batch per shared tier. */
  async setMany(items: readonly { key: string; value: unknown; options: SetOptions }[]): Promise<void> {
    const encoded: { key: string; encoded: EncodedEntry }[] = [];
    for (const { key, value, options } of items) {
      const entry = this.entry(value, options);
      // Read from the origin before its tags were invalidated: already out of date.
      if (entry.createdAt <= this.memory.latestInvalidation(entry.tags)) continue;
      encoded.push({ key: this.key(key), encoded: encodeEntry(entry, this.options.compressAboveBytes) });
    }
    if (!encoded.length) return;
    const cap = this.memoryTtlCap();
    for (const item of encoded) await this.memory.set(item.key, item.encoded, cap);
    this.memoryCounters.sets += encoded.length;
    await Promise.all(
      this.shared.map(async (level) => {
        await level.guard.run('set', () => level.tier.setMany(encoded), undefined);
        level.counters.sets += encoded.length;
      }),
    );
    // Other instances may hold an older value of these keys in memory.
    this.peers.publish({ keys: encoded.map((e) => e.key) });
  }

  async delete(keys: string | readonly string[]): Promise<void> {
    const ks = (typeof keys === 'string' ? [keys] : keys).map((key) => this.key(key));
    await this.memory.delete(ks);
    await Promise.all(this.shared.map((level) => level.guard.run('delete', () => level.tier.delete(ks), undefined)));
    // Only then: a peer that dropped the key sooner could copy the old value back from Redis
    // (a key, unlike a tag, leaves no time behind to check it against).
    await this.peers.tellEveryInstance({ keys: ks });
  }

  /**
   * Makes every entry carrying any of `tags` unreadable in every tier that is up, and in the
   * memory of every other live instance, before it returns (waiting for those at most the
   * bus's ack timeout). No key is scanned: readers compare an entry's creation time with its
   * tags' invalidation times.
   */
  async invalidateTags(names: readonly string[]): Promise<void> {
    if (!names.length) return;
    const tags = names.map((name) => this.options.keyPrefix + name);
    const at = Date.now();
    const lifetime = this.options.maxLifetimeMs;
    this.memory.rememberTags(tags, at, lifetime);
    // The bus need not wait for the shared tiers: a peer that applies the message first
    // remembers the tag times in memory, and checks every shared-tier entry against them too.
    try {
      await Promise.all([
        ...this.shared.map((level) => level.guard.run('invalidateTags', () => level.tier.invalidateTags(tags, at, lifetime), undefined)),
        this.peers.tellEveryInstance({ tags: [...tags], at }),
      ]);
    } finally {
      // After the tiers and peers (a CDN told sooner could refetch the old answer from them).
      for (const listener of this.invalidationListeners) {
        try {
          listener(names);
        } catch (err) {
          this.options.logger.warn({ err: (err as Error).message }, 'invalidation listener failed');
        }
      }
    }
  }

  private readonly invalidationListeners = new Set<(tags: readonly string[]) => void>();
  private readonly flushListeners = new Set<() => void>();

  /** Calls `listener` after every flush of this deployment's entries made through this chain (`purge({ all })`). Returns the unsubscribe. */
  onFlush(listener: () => void): () => void {
    this.flushListeners.add(listener);
    return () => this.flushListeners.delete(listener);
  }

  /**
   * Calls `listener` with the tags (unprefixed, as given) of every invalidation made through
   * this chain — not of those other instances make and the bus reports — once it is done.
   * It runs inside `invalidateTags`: it must not block. Returns the unsubscribe.
   */
  onInvalidate(listener: (tags: readonly string[]) => void): () => void {
    this.invalidationListeners.add(listener);
    return () => this.invalidationListeners.delete(listener);
  }

  /**
   * Counts (`dryRun`) or deletes the entries `selection` names in every tier of this instance;
   * the counts of a dry run are what a purge at the same moment deletes. A purge also forgets
   * them in every other live instance's memory before it returns (as `delete` does), and tags
   * are invalidated too, so entries no scan saw (being written now, in another memory) are
   * unreadable all the same. Admin work: it walks keys, which requests never do.
   */
  async purge(selection: CacheSelection, { dryRun = false }: { dryRun?: boolean } = {}): Promise<PurgeResult> {
    if (!dryRun && selection.tags?.length) await this.invalidateTags(selection.tags);
    const result = await purgeSelection(
      {
        memory: this.memory,
        shared: this.shared.map((level) => level.tier),
        keyPrefix: this.options.keyPrefix,
        storedKey: (key) => this.key(key),
        hashedMark: '#',
        timeoutMs: this.options.adminTimeoutMs ?? 60_000,
      },
      selection,
      dryRun,
    );
    if (dryRun) return result;
    const keys = selection.keys?.map((key) => this.key(key)) ?? [];
    const patterns = selection.patterns ?? [];
    if (keys.length || patterns.length || selection.all) {
      await this.peers.tellEveryInstance({ ...(keys.length ? { keys } : {}), ...(patterns.length ? { patterns: [...patterns] } : {}), ...(selection.all ? { flush: true } : {}) });
    }
    if (selection.all) {
      for (const listener of this.flushListeners) {
        try {
          listener();
        } catch (err) {
          this.options.logger.error({ err: (err as Error).message }, 'flush listener failed');
        }
      }
    }
    return result;
  }

  /** Entries per tier where counting them is cheap (memory; Postgres by its index); undefined elsewhere or when it fails. */
  async countEntries(): Promise<Partial<Record<TierName, number | undefined>>> {
    const counts: Partial<Record<TierName, number | undefined>> = { memory: this.memory.entries };
    await Promise.all(
      this.shared.map(async (level) => {
        const count = level.tier.countPrefix?.(this.options.keyPrefix) ?? Promise.resolve(undefined);
        counts[level.tier.name] = await withTimeout(count, this.options.adminTimeoutMs ?? 60_000).catch(() => undefined);
      }),
    );
    return counts;
  }

  /**
   * A fresh value from the chain, or from `factory` (run once per key in this process however
   * many callers wait). Within grace a stale value is returned at once while one background
   * refresh runs; if that refresh fails, the stale value stays until its grace ends.
   */
  getOrSet<V>(key: string, factory: () => Promise<V>, options: SetOptions): Promise<GetOrSetResult<V>> {
    return this.loading.getOrSet(key, factory, options);
  }

  stats(): CacheStats {
    const tiers: CacheStats['tiers'] = { memory: { ...this.memoryCounters } };
    for (const level of this.shared) tiers[level.tier.name] = { ...level.counters, ...level.guard.counters };
    return {
      tiers,
      memory: { bytes: this.memory.bytes, entries: this.memory.entries },
      bus: this.peers.stats(),
      refreshes: { ...this.loading.refreshes },
    };
  }

  /** Asks every shared tier for one round trip (through its guard): true where it answered. */
  async ping(): Promise<Partial<Record<TierName, boolean>>> {
    const answers = await Promise.all(
      this.shared.map((level) => level.guard.run('ping', () => level.tier.ping().then(() => true), false)),
    );
    return Object.fromEntries(this.shared.map((level, i) => [level.tier.name, answers[i]]));
  }

  async close(): Promise<void> {
    await this.peers.close();
    await Promise.all(this.shared.map((level) => level.tier.close()));
    await this.memory.close();
  }

  /**
   * Checks a shared-tier entry against that tier's invalidations; deletes it there if hidden.
   * `latest` (the tier's newest invalidation, fetched beside the entry) spares the per-tag
   * look-up for every entry created since — nearly all of them.
   */
  private async stillValid(level: GuardedTier, k: string, entry: CacheEntry, now: number, latest: number | null): Promise<boolean> {
    if (entry.staleUntil <= now) return false;
    if (!entry.tags.length) return true;
    if (latest !== null && entry.createdAt > latest && this.memory.validAt(entry)) return true;
    const times = await level.guard.run('tagTimes', () => level.tier.tagTimes(entry.tags), null);
    // Unverifiable is unusable: serving it could serve what was invalidated.
    if (!times) return false;
    let newest = this.memory.latestInvalidation(entry.tags);
    entry.tags.forEach((tag, i) => {
      const at = times[i];
      if (at === undefined) return;
      if (at > newest) newest = at;
      this.memory.rememberTags([tag], at, this.options.maxLifetimeMs);
    });
    if (entry.createdAt > newest) return true;
    void level.guard.run('delete', () => level.tier.delete([k]), undefined);
    return false;
  }

  /** The tier's newest invalidation, or null when it cannot be had (then tags are checked one by one). */
  private latestOf(level: GuardedTier): Promise<number | null> {
    return level.guard.run('latestInvalidation', () => level.tier.latestInvalidation(), null);
  }

  /**
   * Memory read straight from the LRU (synchronously, without Keyv's async get): the same
   * entries, a microsecond sooner on the hottest path.
   */
  private fromMemory<V>(k: string, now: number): CacheHit<V> | undefined {
    const local = this.memory.peek(k);
    if (!local || local.staleUntil <= now || !this.memory.validAt(local)) return undefined;
    this.memoryCounters.hits++;
    return hit(local as CacheEntry<V>, 'memory', now);
  }

  /** Copies an entry found in tier `index` to every tier above it, with its remaining lifetime. */
  private async backfill(k: string, encoded: EncodedEntry, index: number): Promise<void> {
    await this.memory.set(k, encoded, this.memoryTtlCap());
    await Promise.all(
      this.shared.slice(0, index).map((level) => level.guard.run('backfill', () => level.tier.set(k, encoded), undefined)),
    );
  }

  /** Memory may only outlive a missed invalidation when a healthy bus would have told it. */
  private memoryTtlCap(): number {
    if (!this.shared.length) return Number.POSITIVE_INFINITY;
    return this.peers.healthy ? Number.POSITIVE_INFINITY : this.options.memorySafetyTtlMs;
  }

  private entry<V>(value: V, { ttl, grace = 0, tags = [], createdAt = Date.now() }: SetOptions): CacheEntry<V> {
    if (!(ttl > 0)) throw new RangeError(`ttl must be a positive number of milliseconds; received ${ttl}`);
    if (grace < 0) throw new RangeError(`grace must not be negative; received ${grace}`);
    const now = Date.now();
    const lifetime = Math.min(ttl + grace, this.options.maxLifetimeMs);
    const prefixed = [...new Set(tags)].map((tag) => this.options.keyPrefix + tag);
    return { value, createdAt, freshUntil: now + Math.min(ttl, lifetime), staleUntil: now + lifetime, tags: prefixed };
  }

  private key(key: string): string {
    const k = this.options.keyPrefix + key;
    return k.length <= MAX_KEY_LENGTH ? k : `${this.options.keyPrefix}#${createHash('sha256').update(key).digest('base64url')}`;
  }
}

function hit<V>(entry: CacheEntry<V>, tier: TierName, now: number): CacheHit<V> {
  return { value: entry.value, tier, ageMs: now - entry.createdAt, ttlMs: entry.freshUntil - now, stale: now >= entry.freshUntil };
}

import type { CacheChain } from '../cache/chain.ts';
import type { Logger } from '../logger.ts';

/** One kind of upstream object, cached per entity: how to name it, fetch it, and fall back. */
export interface EntityKind<K, V> {
  /** Names the cache keys: `entity:<name>:<id>`. */
  name: string;
  /** The canonical id of a key (what the cache and the in-flight map are keyed by). */
  id(key: K): string;
  ttlMs: number;
  /** After its TTL, an entity is still served (and refreshed in the background) this long. */
  graceMs: number;
  /** Tags of the cached entity: an invalidation of any of them makes it unreadable. */
  tags(key: K, value: V | null): string[];
  /**
   * As few upstream round trips as the upstream allows for many keys: every id asked for is in
   * the answer — null when the upstream knows no such entity (that absence is cached too, so it
   * costs no second call), an Error when its own call failed (the others still stand).
   */
  fetch(keys: K[]): Promise<Map<string, V | null | Error>>;
  /**
   * The value as the domain has it, from what a tier gave back: memory keeps the object, Redis
   * and Postgres keep JSON, in which instants are strings.
   */
  revive(value: unknown): V;
  /**
   * How long keys wait for other requests' keys before one upstream call takes them all (ms).
   * For upstreams that answer many keys per call. Default: 0, call at once.
   */
  batchWindowMs?: number;
  /** Sees what the upstream answered, off the request path (history). Must not throw. */
  persist?(values: V[]): void;
  /** The newest persisted value of each key, for when the upstream cannot answer. */
  fallback?(keys: K[]): Promise<Map<string, { value: V; observedAt: Date }>>;
}

export type EntitySource = 'cache' | 'stale' | 'upstream' | 'history';

/**
 * How long an answer made from a stale or recorded entity may be cached: long enough to spare
 * a failing upstream, short enough that answers recover soon after it does.
 */
export const DEGRADED_ANSWER_MAX_AGE_S = 30;

export interface Entity<V> {
  value: V | null;
  /** Where it came from: `stale` is within grace, `history` is the persisted past. */
  source: EntitySource;
  /** When the upstream said it (ms since the epoch). */
  fetchedAt: number;
}

/** Every answer the store gives: an entity, or why there is none. */
export type EntityResult<V> = Entity<V> | Error;

/** A key queued for the next upstream call, and how to answer its waiters. */
interface Waiting<K, V> {
  key: K;
  id: string;
  settle(result: EntityResult<V>): void;
}

/**
 * What one read of the entity cache found (metrics): fresh and stale hits, and the keys left to
 * fetch. `batched`: the kind takes many keys per upstream call, so a read spares a call only
 * when it finds every key.
 */
export interface EntityRead {
  kind: string;
  hits: number;
  stale: number;
  misses: number;
  batched: boolean;
}

export type EntityReadObserver = (read: EntityRead) => void;

/** Told of what one upstream call answered (after it is cached): derived entities go here. */
export type FetchedListener<K, V> = (answers: { key: K; value: V | null }[], fetchedAt: number) => Promise<void>;

/**
 * The entity cache of one kind, shared by every request of the process. Reads go through the
 * tier chain (so every instance shares what one fetched); what is missing is fetched in one
 * upstream call per batch, and a key already being fetched — by any request — is awaited, not
 * fetched again. When the upstream fails: a stale entity within grace, else the newest
 * history, else the error.
 */
export class EntityStore<K, V> {
  private readonly inflight = new Map<string, Promise<Entity<V>>>();
  private queued: Waiting<K, V>[] = [];
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly listeners: FetchedListener<K, V>[] = [];
  private readObserver: EntityReadObserver | undefined;
  readonly counters = { hits: 0, stale: 0, fetched: 0, upstreamCalls: 0, fallbacks: 0, failures: 0 };

  constructor(
    private readonly kind: EntityKind<K, V>,
    private readonly cache: CacheChain | undefined,
    private readonly logger: Logger,
  ) {}

  /** The canonical id of a key: what a request's DataLoader caches it by. */
  readonly idOf = (key: K): string => this.kind.id(key);

  /** One result per key, in order (DataLoader's contract). */
  async loadMany(keys: readonly K[]): Promise<EntityResult<V>[]> {
    const ids = keys.map((key) => this.kind.id(key));
    const byId = new Map<string, Promise<EntityResult<V>>>();
    const cached = await this.readCache(ids);
    const toFetch: K[] = [];
    keys.forEach((key, i) => {
      const id = ids[i]!;
      if (byId.has(id)) return;
      const hit = cached.get(id);
      if (hit) {
        byId.set(id, Promise.resolve(hit));
        if (hit.source === 'stale') this.refreshInBackground(key, id);
        return;
      }
      const running = this.inflight.get(id);
      if (running) byId.set(id, running.catch((err: Error) => err));
      else toFetch.push(key);
    });
    if (toFetch.length) {
      const fetched = this.fetchShared(toFetch);
      toFetch.forEach((key) => {
        const id = this.kind.id(key);
        byId.set(id, fetched.get(id)!.catch((err: Error) => err));
      });
    }
    return Promise.all(ids.map((id) => byId.get(id)!));
  }

  /**
   * Stores a value the upstream did not give (a pushed update) as this key's entity, stamped
   * now: call it after invalidating the key's tags, so that it is the one readers see.
   */
  async put(key: K, value: V, fetchedAt = Date.now()): Promise<void> {
    await this.putMany([{ key, value }], fetchedAt);
  }

  /** Tells `observer` what every read of the cache found (one observer; metrics). */
  observeReads(observer: EntityReadObserver): void {
    this.readObserver = observer;
  }

  /** Calls `listener` with every upstream answer, once it is cached (e.g. to cache what it also tells). */
  onFetched(listener: FetchedListener<K, V>): void {
    this.listeners.push(listener);
  }

  /** Caches values another answer told (a route's day tells each flight's status), as fetched at `fetchedAt`. */
  async putMany(items: { key: K; value: V }[], fetchedAt: number): Promise<void> {
    if (!this.cache || !items.length) return;
    await this.cache.setMany(
      items.map(({ key, value }) => ({
        key: this.cacheKey(this.kind.id(key)),
        value: { value, fetchedAt },
        options: { ttl: this.kind.ttlMs, grace: this.kind.graceMs, tags: this.kind.tags(key, value), createdAt: fetchedAt },
      })),
    );
  }

  /** The fresh cached entity of a key (not a stale one), without calling the upstream. */
  async cached(key: K): Promise<V | null | undefined> {
    const found = (await this.readCache([this.kind.id(key)])).get(this.kind.id(key));
    return found?.source === 'cache' ? found.value : undefined;
  }

  private async readCache(ids: string[]): Promise<Map<string, Entity<V>>> {
    const found = new Map<string, Entity<V>>();
    if (!this.cache) return found;
    const unique = [...new Set(ids)];
    const hits = await this.cache.getMany<{ value: V | null; fetchedAt: number }>(unique.map((id) => this.cacheKey(id)));
    let stale = 0;
    unique.forEach((id, i) => {
      const hit = hits[i];
      if (!hit) return;
      if (hit.stale) stale++;
      else this.counters.hits++;
      found.set(id, { value: hit.value.value === null ? null : this.kind.revive(hit.value.value), fetchedAt: hit.value.fetchedAt, source: hit.stale ? 'stale' : 'cache' });
    });
    this.counters.stale += stale;
    this.readObserver?.({ kind: this.kind.name, hits: found.size - stale, stale, misses: unique.length - found.size, batched: (this.kind.batchWindowMs ?? 0) > 0 });
    return found;
  }

  /**
   * Registers `keys` as being fetched — every request arriving meanwhile waits for them instead
   * of calling again — and queues them for the next upstream call. A kind with a batch window
   * collects keys from every request in that window into one call (many stations per METAR
   * call, whichever requests asked); without one, the call starts now.
   */
  private fetchShared(keys: K[]): Map<string, Promise<Entity<V>>> {
    const perId = new Map<string, Promise<Entity<V>>>();
    for (const key of keys) {
      const id = this.kind.id(key);
      let settle!: Waiting<K, V>['settle'];
      const one = new Promise<Entity<V>>((resolve, reject) => {
        settle = (result) => (result instanceof Error ? reject(result) : resolve(result));
      });
      perId.set(id, one);
      this.inflight.set(id, one);
      const forget = () => {
        if (this.inflight.get(id) === one) this.inflight.delete(id);
      };
      one.then(forget, forget);
      this.queued.push({ key, id, settle });
    }
    const window = this.kind.batchWindowMs ?? 0;
    if (window <= 0) this.flush();
    else this.flushTimer ??= setTimeout(() => this.flush(), window);
    return perId;
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const batch = this.queued;
    this.queued = [];
    if (!batch.length) return;
    this.fetchAndStore(batch.map((waiting) => waiting.key)).then(
      (results) => {
        for (const waiting of batch) waiting.settle(results.get(waiting.id) ?? new Error(`${this.kind.name} ${waiting.id}: no answer`));
      },
      (err: Error) => {
        for (const waiting of batch) waiting.settle(err);
      },
    );
  }

  private async fetchAndStore(keys: K[]): Promise<Map<string, EntityResult<V>>> {
    const results = new Map<string, EntityResult<V>>();
    // Stamped before the call: an invalidation that lands while it runs wins over its answer.
    const fetchedAt = Date.now();
    let answer: Map<string, V | null | Error>;
    try {
      this.counters.upstreamCalls++;
      answer = await this.kind.fetch(keys);
    } catch (err) {
      answer = new Map(keys.map((key) => [this.kind.id(key), err as Error]));
    }
    const failed = keys.filter((key) => answer.get(this.kind.id(key)) instanceof Error);
    if (failed.length) {
      this.counters.failures++;
      const fallen = await this.fallback(failed, answer);
      for (const [id, result] of fallen) results.set(id, result);
    }
    const entries: { key: string; value: { value: V | null; fetchedAt: number }; options: { ttl: number; grace: number; tags: string[]; createdAt: number } }[] = [];
    const persisted: V[] = [];
    for (const key of keys) {
      const id = this.kind.id(key);
      const value = answer.get(id) ?? null;
      if (value instanceof Error) continue;
      this.counters.fetched++;
      results.set(id, { value, source: 'upstream', fetchedAt });
      if (value !== null) persisted.push(value);
      entries.push({
        key: this.cacheKey(id),
        value: { value, fetchedAt },
        options: { ttl: this.kind.ttlMs, grace: this.kind.graceMs, tags: this.kind.tags(key, value), createdAt: fetchedAt },
      });
    }
    if (persisted.length) this.kind.persist?.(persisted);
    // A failing cache costs the next request a call, never this one its answer.
    await this.cache?.setMany(entries).catch((err: Error) => this.logger.warn({ kind: this.kind.name, err: err.message }, 'entity cache write failed'));
    const answered = keys.flatMap((key) => {
      const value = answer.get(this.kind.id(key));
      return value instanceof Error ? [] : [{ key, value: value ?? null }];
    });
    if (answered.length) {
      await Promise.all(this.listeners.map((listener) => listener(answered, fetchedAt))).catch((err: Error) =>
        this.logger.warn({ kind: this.kind.name, err: err.message }, 'deriving entities from an answer failed'),
      );
    }
    return results;
  }

  /** The upstream failed for `keys`: the newest history of each, flagged; its error where there is none. */
  private async fallback(keys: K[], errors: Map<string, unknown>): Promise<Map<string, EntityResult<V>>> {
    const results = new Map<string, EntityResult<V>>();
    const history = await this.kind.fallback?.(keys).catch((err: Error) => {
      this.logger.warn({ kind: this.kind.name, err: err.message }, 'history fallback failed');
      return undefined;
    });
    for (const key of keys) {
      const id = this.kind.id(key);
      const past = history?.get(id);
      if (past) {
        this.counters.fallbacks++;
        results.set(id, { value: past.value, source: 'history', fetchedAt: past.observedAt.getTime() });
      } else {
        results.set(id, errors.get(id) as Error);
      }
    }
    const err = (errors.get(this.kind.id(keys[0]!)) as Error).message;
    this.logger.warn({ kind: this.kind.name, keys: keys.length, fromHistory: history?.size ?? 0, err }, 'upstream failed: answering from history where it has the entity');
    return results;
  }

  /**
   * Within grace: the stale entity now, and one refresh behind it — queued like any fetch, so
   * stale stations share one call, and registered as in flight, so a request whose entity
   * expires meanwhile waits for it instead of calling again. A failed refresh leaves the
   * stale entity be.
   */
  private refreshInBackground(key: K, id: string): void {
    if (this.inflight.has(id)) return;
    this.fetchShared([key])
      .get(id)!
      .catch((err: Error) => this.logger.warn({ kind: this.kind.name, id, err: err.message }, 'background refresh failed: serving the stale entity'));
  }

  private cacheKey(id: string): string {
    return `entity:${this.kind.name}:${id}`;
  }
}

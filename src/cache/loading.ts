import type { Logger } from '../logger.ts';
import type { CacheHit, GetOrSetResult, SetOptions } from './types.ts';

/** What loading needs of the chain: to read and to write. */
interface ReadWrite {
  get<V>(key: string): Promise<CacheHit<V> | undefined>;
  set<V>(key: string, value: V, options: SetOptions): Promise<void>;
}

/**
 * getOrSet's machinery: one factory run per key in this process (single-flight), and stale
 * values refreshed in the background, once per key at a time.
 */
export class Loading {
  private readonly inflight = new Map<string, Promise<GetOrSetResult<unknown>>>();
  private readonly refreshing = new Set<string>();
  readonly refreshes = { started: 0, failed: 0 };

  constructor(
    private readonly chain: ReadWrite,
    private readonly logger: Logger,
  ) {}

  getOrSet<V>(key: string, factory: () => Promise<V>, options: SetOptions): Promise<GetOrSetResult<V>> {
    const running = this.inflight.get(key);
    if (running) return running as Promise<GetOrSetResult<V>>;
    const result = this.readOrLoad(key, factory, options);
    this.inflight.set(key, result);
    const forget = () => this.inflight.delete(key);
    result.then(forget, forget);
    return result;
  }

  private async readOrLoad<V>(key: string, factory: () => Promise<V>, options: SetOptions): Promise<GetOrSetResult<V>> {
    const found = await this.chain.get<V>(key);
    if (found && found.stale) this.refreshInBackground(key, factory, options);
    if (found) return found;
    return this.load(key, factory, options);
  }

  private async load<V>(key: string, factory: () => Promise<V>, options: SetOptions): Promise<GetOrSetResult<V>> {
    // Stamped with when the origin was read: an invalidation during the factory wins.
    const createdAt = Date.now();
    const value = await factory();
    await this.chain.set(key, value, { ...options, createdAt });
    return { value, tier: 'origin', ageMs: 0, ttlMs: options.ttl, stale: false };
  }

  private refreshInBackground<V>(key: string, factory: () => Promise<V>, options: SetOptions): void {
    if (this.refreshing.has(key)) return;
    this.refreshing.add(key);
    this.refreshes.started++;
    this.load(key, factory, options)
      .catch((err: Error) => {
        this.refreshes.failed++;
        this.logger.warn({ key, err: err.message }, 'background refresh failed: serving the stale value');
      })
      .finally(() => this.refreshing.delete(key));
  }
}

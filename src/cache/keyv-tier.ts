import Keyv, { type KeyvStoreAdapter } from 'keyv';
import type { Logger } from '../logger.ts';
import { CorruptEntryError, decodeEntry, type EncodedEntry } from './entry.ts';
import type { EntryHead, KeyScan, ScannedKey, SharedTier } from './tier.ts';

/** Where a shared tier keeps tag invalidation times, beside its entries. */
export interface TagStore {
  times(tags: readonly string[]): Promise<(number | undefined)[]>;
  /** The newest invalidation of any tag (0: none). */
  latest(): Promise<number>;
  invalidate(tags: readonly string[], at: number, lifetimeMs: number): Promise<void>;
}

/** Where a shared tier finds, counts and deletes keys for the admin API (Keyv has no scan with a pattern). */
export interface KeyStore {
  scan(scan: KeyScan): AsyncIterable<ScannedKey[]>;
  present(keys: readonly string[]): Promise<string[]>;
  remove(keys: readonly string[]): Promise<number>;
  countPrefix(prefix: string): Promise<number | undefined>;
}

/**
 * The head of a stored value: `<expires ms>|<header JSON>` up to the first newline (see
 * sharedKeyv's serialize and entry.ts' encodeEntry). Undefined when it is not one.
 */
export function readHead(text: string): EntryHead | undefined {
  const newline = text.indexOf('\n');
  const bar = text.indexOf('|');
  if (bar < 0 || newline < bar) return undefined;
  try {
    const meta = JSON.parse(text.slice(bar + 1, newline)) as { c?: unknown; s?: unknown; t?: unknown };
    if (typeof meta.c !== 'number' || typeof meta.s !== 'number' || !Array.isArray(meta.t)) return undefined;
    return { createdAt: meta.c, staleUntil: meta.s, tags: meta.t.filter((t): t is string => typeof t === 'string') };
  } catch {
    return undefined;
  }
}

/**
 * Keyv as the shared tiers use it: our keys as given (the chain prefixes them), adapter
 * errors thrown to the guard rather than swallowed, and the value stored as
 * `<expires ms>|<entry text>` — the prefix is what Postgres indexes for pruning.
 */
export function sharedKeyv(store: KeyvStoreAdapter, tier: string, logger: Logger): Keyv<string> {
  const keyv = new Keyv<string>({
    store,
    namespace: undefined,
    useKeyPrefix: false,
    throwOnErrors: true,
    serialize: (data) => `${data.expires ?? ''}|${data.value}`,
    deserialize: <Value>(text: string) => {
      const bar = text.indexOf('|');
      const expires = bar > 0 ? Number(text.slice(0, bar)) : undefined;
      return { value: text.slice(bar + 1) as Value, expires };
    },
  });
  // Keyv drops adapter errors when nobody listens; the guard logs failures, so debug here.
  keyv.on('error', (err) => logger.debug({ tier, err: String(err) }, 'keyv adapter error'));
  return keyv;
}

/** A shared tier (Redis or Postgres): Keyv for entries, a TagStore for invalidations. */
export class KeyvTier implements SharedTier {
  constructor(
    readonly name: 'redis' | 'postgres',
    private readonly keyv: Keyv<string>,
    private readonly tagStore: TagStore,
    private readonly logger: Logger,
    private readonly closeClients: () => Promise<void>,
    private readonly keyStore: KeyStore,
  ) {}

  async get(key: string): Promise<EncodedEntry | undefined> {
    return this.decode(key, await this.keyv.get(key));
  }

  async getMany(keys: readonly string[]): Promise<(EncodedEntry | undefined)[]> {
    const texts = await this.keyv.getMany([...keys]);
    return texts.map((text, i) => this.decode(keys[i]!, text));
  }

  async set(key: string, { entry, text }: EncodedEntry): Promise<void> {
    const ttl = entry.staleUntil - Date.now();
    if (ttl <= 0) await this.keyv.delete(key);
    else await this.keyv.set(key, text, Math.ceil(ttl));
  }

  async setMany(items: readonly { key: string; encoded: EncodedEntry }[]): Promise<void> {
    const now = Date.now();
    const live = items.filter(({ encoded }) => encoded.entry.staleUntil > now);
    if (live.length) {
      await this.keyv.setMany(live.map(({ key, encoded }) => ({ key, value: encoded.text, ttl: Math.ceil(encoded.entry.staleUntil - now) })));
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length) await this.keyv.deleteMany([...keys]);
  }

  tagTimes(tags: readonly string[]): Promise<(number | undefined)[]> {
    return this.tagStore.times(tags);
  }

  latestInvalidation(): Promise<number> {
    return this.tagStore.latest();
  }

  invalidateTags(tags: readonly string[], at: number, lifetimeMs: number): Promise<void> {
    return this.tagStore.invalidate(tags, at, lifetimeMs);
  }

  scan(scan: KeyScan): AsyncIterable<ScannedKey[]> {
    return this.keyStore.scan(scan);
  }

  present(keys: readonly string[]): Promise<string[]> {
    return keys.length ? this.keyStore.present(keys) : Promise.resolve([]);
  }

  remove(keys: readonly string[]): Promise<number> {
    return keys.length ? this.keyStore.remove(keys) : Promise.resolve(0);
  }

  countPrefix(prefix: string): Promise<number | undefined> {
    return this.keyStore.countPrefix(prefix);
  }

  async ping(): Promise<void> {
    await this.keyv.get('__contrail_ping__');
  }

  close(): Promise<void> {
    return this.closeClients();
  }

  /** A corrupt entry is a miss: logged, and deleted so it is not read again. */
  private decode(key: string, text: string | undefined): EncodedEntry | undefined {
    if (text === undefined) return undefined;
    try {
      return decodeEntry(text);
    } catch (err) {
      if (!(err instanceof CorruptEntryError)) throw err;
      this.logger.warn({ tier: this.name, key, err: err.message }, 'corrupt cache entry deleted');
      this.keyv.delete(key).catch(() => undefined);
      return undefined;
    }
  }
}

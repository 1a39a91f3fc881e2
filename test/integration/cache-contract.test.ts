import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeEntry } from '../../src/cache/entry.ts';
import type { SharedTier } from '../../src/cache/tier.ts';
import { hasPostgres, seededPostgres } from '../helpers/databases.ts';
import { busProbe } from '../helpers/bus-probe.ts';
import { chain, hasRedis, memoryTier, pgliteOnSocket, postgresTier, redisTier, redisUrl, sleep, uniquePrefix as newPrefix } from '../helpers/cache.ts';

// Every prefix this file writes under, removed from the shared Redis at the end.
const prefixes: string[] = [];
const uniquePrefix = (name: string) => {
  const prefix = newPrefix(name);
  prefixes.push(prefix);
  return prefix;
};
afterAll(async () => {
  if (!hasRedis) return;
  const probe = await busProbe(redisUrl!);
  for (const prefix of prefixes) await probe.removeKeys(prefix);
  await probe.close();
});

/** The operations every tier and every chain must honour alike. */
interface Store {
  set(key: string, value: unknown, options: { ttl: number; tags?: string[] }): Promise<void>;
  get(key: string): Promise<unknown>;
  getMany(keys: string[]): Promise<unknown[]>;
  delete(key: string): Promise<void>;
  invalidateTags(tags: string[]): Promise<void>;
}

interface Subject {
  name: string;
  skip: boolean;
  open(): Promise<{ store: Store; close(): Promise<void> }>;
}

function entry(value: unknown, ttl: number, tags: string[] = []) {
  const now = Date.now();
  return encodeEntry({ value, createdAt: now, freshUntil: now + ttl, staleUntil: now + ttl, tags }, 8192);
}

/** A bare tier as a Store: tags checked the way the chain checks them, from the tier's own times. */
function tierStore(tier: SharedTier, prefix: string): Store {
  const valid = async (found: Awaited<ReturnType<SharedTier['get']>>) => {
    if (!found || found.entry.staleUntil <= Date.now()) return undefined;
    const times = await tier.tagTimes(found.entry.tags);
    return times.some((t) => t !== undefined && t >= found.entry.createdAt) ? undefined : found.entry.value;
  };
  return {
    set: (key, value, { ttl, tags = [] }) => tier.set(prefix + key, entry(value, ttl, tags.map((t) => prefix + t))),
    get: async (key) => valid(await tier.get(prefix + key)),
    getMany: async (keys) => Promise.all((await tier.getMany(keys.map((k) => prefix + k))).map(valid)),
    delete: (key) => tier.delete([prefix + key]),
    invalidateTags: (tags) => tier.invalidateTags(tags.map((t) => prefix + t), Date.now(), 60_000),
  };
}

function chainStore(c: ReturnType<typeof chain>): Store {
  return {
    set: (key, value, { ttl, tags }) => c.set(key, value, { ttl, tags }),
    get: async (key) => (await c.get(key))?.value,
    getMany: async (keys) => (await c.getMany(keys)).map((hit) => hit?.value),
    delete: (key) => c.delete(key),
    invalidateTags: (tags) => c.invalidateTags(tags),
  };
}

const memoryAsStore = (): Store => {
  const memory = memoryTier();
  return {
    set: (key, value, { ttl, tags }) => memory.set(key, entry(value, ttl, tags)),
    get: async (key) => {
      const found = await memory.get(key);
      return found && found.createdAt > memory.latestInvalidation(found.tags) ? found.value : undefined;
    },
    getMany: async (keys) => (await memory.getMany(keys)).map((e) => (e && e.createdAt > memory.latestInvalidation(e.tags) ? e.value : undefined)),
    delete: (key) => memory.delete([key]),
    invalidateTags: async (tags) => memory.rememberTags(tags, Date.now(), 60_000),
  };
};

const subjects: Subject[] = [
  { name: 'memory tier', skip: false, open: async () => ({ store: memoryAsStore(), close: async () => undefined }) },
  {
    name: 'redis tier',
    skip: !hasRedis,
    open: async () => {
      const prefix = uniquePrefix('contract-redis');
      const { tier } = await redisTier();
      return { store: tierStore(tier, prefix), close: () => tier.close() };
    },
  },
  {
    name: 'postgres tier (server)',
    skip: !hasPostgres,
    open: async () => {
      const database = await seededPostgres();
      const tier = postgresTier(database.url!);
      return { store: tierStore(tier, ''), close: async () => (await tier.close(), await database.close()) };
    },
  },
  {
    name: 'postgres tier (PGlite over pglite-socket)',
    skip: false,
    open: async () => {
      const pglite = await pgliteOnSocket();
      const tier = postgresTier(pglite.url, 2000);
      return { store: tierStore(tier, ''), close: async () => (await tier.close(), await pglite.close()) };
    },
  },
  {
    name: 'chain: memory only',
    skip: false,
    open: async () => {
      const c = chain({ keyPrefix: uniquePrefix('contract-memory') });
      return { store: chainStore(c), close: () => c.close() };
    },
  },
  {
    name: 'chain: memory → Postgres (embedded: PGlite)',
    skip: false,
    open: async () => {
      const pglite = await pgliteOnSocket();
      const c = chain({ keyPrefix: '', shared: [postgresTier(pglite.url, 2000)] });
      return { store: chainStore(c), close: async () => (await c.close(), await pglite.close()) };
    },
  },
  {
    name: 'chain: memory → Redis → Postgres',
    skip: !hasRedis || !hasPostgres,
    open: async () => {
      const database = await seededPostgres();
      const { tier } = await redisTier();
      const c = chain({ keyPrefix: uniquePrefix('contract-all'), shared: [tier, postgresTier(database.url!)] });
      return { store: chainStore(c), close: async () => (await c.close(), await database.close()) };
    },
  },
];

describe.each(subjects)('cache contract: $name', ({ skip, open }) => {
  let store: Store;
  let close: () => Promise<void>;
  beforeAll(async () => {
    if (skip) return;
    ({ store, close } = await open());
  });
  afterAll(() => close?.());

  it.skipIf(skip)('misses a key never set', async () => {
    expect(await store.get('never-set')).toBeUndefined();
  });

  it.skipIf(skip)('returns what was set: objects, strings, numbers, unicode', async () => {
    const values = { obj: { a: 1, nested: { list: [1, 'two', null] } }, str: '{"looks":"like json"}', num: 42, uni: 'Zürich ✈ 東京' };
    for (const [key, value] of Object.entries(values)) await store.set(`value:${key}`, value, { ttl: 60_000 });
    for (const [key, value] of Object.entries(values)) expect(await store.get(`value:${key}`)).toEqual(value);
  });

  it.skipIf(skip)('returns the latest value after an overwrite', async () => {
    await store.set('overwrite', 'first', { ttl: 60_000 });
    await store.set('overwrite', 'second', { ttl: 60_000 });
    expect(await store.get('overwrite')).toBe('second');
  });

  it.skipIf(skip)('forgets a deleted key', async () => {
    await store.set('deleted', 1, { ttl: 60_000 });
    await store.delete('deleted');
    expect(await store.get('deleted')).toBeUndefined();
  });

  it.skipIf(skip)('honours the TTL', async () => {
    await store.set('short', 'soon gone', { ttl: 150 });
    expect(await store.get('short')).toBe('soon gone');
    // Real time, for every subject alike: the Redis tier's expiry is the server's (PX), which a fake clock does not move.
    await sleep(200);
    expect(await store.get('short')).toBeUndefined();
  });

  it.skipIf(skip)('stores a large value intact, compressible or not', async () => {
    const compressible = 'aviation '.repeat(40_000);
    const random = randomBytes(150_000).toString('base64');
    await store.set('large:compressible', compressible, { ttl: 60_000 });
    await store.set('large:random', { blob: random }, { ttl: 60_000 });
    expect(await store.get('large:compressible')).toBe(compressible);
    expect(await store.get('large:random')).toEqual({ blob: random });
  });

  it.skipIf(skip)('accepts unicode and punctuation in keys', async () => {
    const keys = ['clé:東京:✈️', 'with space/and|bar', `"quoted" \\ back`];
    for (const [i, key] of keys.entries()) await store.set(key, i, { ttl: 60_000 });
    for (const [i, key] of keys.entries()) expect(await store.get(key)).toBe(i);
  });

  it.skipIf(skip)('hides every entry of an invalidated tag, and only those', async () => {
    await store.set('tagged:jfk', 'JFK', { ttl: 60_000, tags: ['Airport:JFK', 'type:Airport'] });
    await store.set('tagged:lhr', 'LHR', { ttl: 60_000, tags: ['Airport:LHR', 'type:Airport'] });
    await store.set('tagged:ba', 'BA', { ttl: 60_000, tags: ['Airline:BA'] });
    await sleep(2);
    await store.invalidateTags(['Airport:JFK']);
    expect(await store.get('tagged:jfk')).toBeUndefined();
    expect(await store.get('tagged:lhr')).toBe('LHR');
    await store.invalidateTags(['type:Airport']);
    expect(await store.get('tagged:lhr')).toBeUndefined();
    expect(await store.get('tagged:ba')).toBe('BA');
    await sleep(2);
    await store.set('tagged:jfk', 'JFK again', { ttl: 60_000, tags: ['Airport:JFK'] });
    expect(await store.get('tagged:jfk')).toBe('JFK again');
  });

  it.skipIf(skip)('gets many keys at once, in order, with misses in place', async () => {
    await store.set('many:1', 'one', { ttl: 60_000 });
    await store.set('many:3', 'three', { ttl: 60_000 });
    expect(await store.getMany(['many:1', 'many:2', 'many:3'])).toEqual(['one', undefined, 'three']);
  });
});

const sharedTiers = [
  {
    name: 'redis',
    skip: !hasRedis,
    open: async () => {
      const { tier } = await redisTier();
      return { tier, close: () => tier.close() };
    },
  },
  {
    name: 'postgres (PGlite over pglite-socket)',
    skip: false,
    open: async () => {
      const pglite = await pgliteOnSocket();
      const tier = postgresTier(pglite.url, 2000);
      return { tier, close: async () => (await tier.close(), await pglite.close()) };
    },
  },
];

describe.each(sharedTiers)('tag invalidation times: $name tier', ({ skip, open }) => {
  it.skipIf(skip)('raise, never lower, a tag’s time and the newest of all', async () => {
    const { tier, close } = await open();
    try {
      const tag = uniquePrefix('times');
      const at = Date.now();
      await tier.invalidateTags([tag], at, 1_000);
      await tier.invalidateTags([tag], at - 500, 1_000);
      expect(await tier.tagTimes([tag, `${tag}-never`])).toEqual([at, undefined]);
      expect(await tier.latestInvalidation()).toBeGreaterThanOrEqual(at);
    } finally {
      await close();
    }
  });
});

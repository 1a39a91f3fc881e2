import { createClient } from '@keyv/redis';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { SharedTier } from '../../src/cache/tier.ts';
import { createCache } from '../../src/cache/create-cache.ts';
import { loadConfig } from '../../src/config.ts';
import { hasPostgres, seededPostgres, testLogger, type TestDatabase } from '../helpers/databases.ts';
import { busProbe } from '../helpers/bus-probe.ts';
import { chain, hasRedis, memoryTier, postgresTier, redisUrl, sleep, uniquePrefix } from '../helpers/cache.ts';
import { advanceClock, stopClock } from '../helpers/clock.ts';

const skip = !hasRedis || !hasPostgres;

afterEach(() => {
  vi.useRealTimers();
});

describe.skipIf(skip)('the chain on real Redis and Postgres', () => {
  let database: TestDatabase;
  const opened: { close(): Promise<unknown> }[] = [];

  beforeAll(async () => {
    database = await seededPostgres();
  });
  const prefixes = new Set<string>();
  afterAll(async () => {
    for (const c of opened) await c.close();
    await database?.close();
    // The shared Redis keeps nothing of this file: entries and tag times alike.
    const probe = await busProbe(redisUrl!);
    for (const prefix of prefixes) await probe.removeKeys(prefix);
    await probe.close();
  });

  /** A cache as one gateway instance builds it: its own memory, the shared Redis (and bus) and Postgres. */
  async function instance(keyPrefix: string) {
    prefixes.add(keyPrefix);
    const config = loadConfig({ REDIS_URL: redisUrl!, CACHE_KEY_PREFIX: keyPrefix, CACHE_PRUNE_INTERVAL_MS: '0' }).cache;
    const cache = await createCache({ config, logger: testLogger, postgresUrl: database.url });
    opened.push(cache);
    return cache;
  }

  it('reads through: a new instance finds the entry in Redis, then in its own memory', async () => {
    const prefix = uniquePrefix('read-through');
    const a = await instance(prefix);
    const b = await instance(prefix);
    await a.chain.set('k', { v: 1 }, { ttl: 60_000 });
    expect((await b.chain.get('k'))?.tier).toBe('redis');
    expect((await b.chain.get('k'))?.tier).toBe('memory');
  });

  it('back-fills the upper tiers with the remaining lifetime, not the full one', async () => {
    const prefix = uniquePrefix('backfill');
    const a = await instance(prefix);
    stopClock();
    await a.chain.set('k', 'value', { ttl: 3_000 });
    const raw = createClient({ url: redisUrl! });
    await raw.connect();
    await raw.del(`${prefix}k`);
    advanceClock(1_000);

    const b = await instance(prefix);
    const found = await b.chain.get('k');
    expect(found).toMatchObject({ value: 'value', tier: 'postgres', ageMs: 1_000, ttlMs: 2_000 });

    // Redis keeps real time: the remaining 2 s, less the few ms since the back-fill.
    const pttl = await raw.pTTL(`${prefix}k`);
    await raw.close();
    expect(pttl).toBeGreaterThan(1_000);
    expect(pttl).toBeLessThanOrEqual(2_000);
  });

  it('never lets a value read before an invalidation be stored after it (concurrent set and invalidate)', async () => {
    const prefix = uniquePrefix('race');
    const writer = await instance(prefix);
    const invalidator = await instance(prefix);
    const reader = await instance(prefix);
    for (let round = 0; round < 30; round++) {
      const key = `k${round}`;
      // The writer reads its origin, then the invalidation lands, then the write arrives.
      const readFromOrigin = Date.now();
      await sleep(1);
      const invalidation = invalidator.chain.invalidateTags(['Airport:JFK']);
      const write = (async () => {
        await sleep(Math.random() * 3);
        await writer.chain.set(key, `stale ${round}`, { ttl: 60_000, tags: ['Airport:JFK'], createdAt: readFromOrigin });
      })();
      await Promise.all([invalidation, write]);
      // An instance with nothing in memory reads the shared tiers: hidden at once.
      expect(await reader.chain.get(key)).toBeUndefined();
      // The writer's own memory learns of the invalidation over the bus.
      await sleep(50);
      expect(await writer.chain.get(key)).toBeUndefined();
    }
  });

  it('getOrSet: a factory that outlives an invalidation does not cache its outdated result', async () => {
    const prefix = uniquePrefix('factory-race');
    const a = await instance(prefix);
    const b = await instance(prefix);
    const slow = a.chain.getOrSet('k', async () => (await sleep(100), 'read before the update'), { ttl: 60_000, tags: ['Airport:LHR'] });
    await sleep(20);
    await b.chain.invalidateTags(['Airport:LHR']);
    expect((await slow).value).toBe('read before the update');
    await sleep(50);
    expect(await a.chain.get('k')).toBeUndefined();
    expect(await b.chain.get('k')).toBeUndefined();
  });

  it('runs the factory once for 50 concurrent callers of one key', async () => {
    const { chain: c } = await instance(uniquePrefix('single-flight'));
    let calls = 0;
    const factory = async () => {
      calls++;
      await sleep(50);
      return 'computed';
    };
    const results = await Promise.all(Array.from({ length: 50 }, () => c.getOrSet('k', factory, { ttl: 60_000 })));
    expect(calls).toBe(1);
    expect(results.every((r) => r.value === 'computed')).toBe(true);
  });

  it('serves a stale value at once within grace while exactly one refresh runs', async () => {
    const { chain: c } = await instance(uniquePrefix('grace'));
    stopClock();
    await c.set('k', 'old', { ttl: 100, grace: 10_000 });
    advanceClock(150);
    let calls = 0;
    const factory = async () => {
      calls++;
      await sleep(100);
      return 'new';
    };
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 5 }, () => c.getOrSet('k', factory, { ttl: 60_000, grace: 10_000 })));
    expect(performance.now() - started).toBeLessThan(90);
    expect(results.map((r) => [r.value, r.stale])).toEqual(Array(5).fill(['old', true]));
    await sleep(200);
    expect(calls).toBe(1);
    expect(await c.get('k')).toMatchObject({ value: 'new', stale: false });
  });

  it('keeps serving the stale value when the refresh fails, and counts the failure', async () => {
    const { chain: c } = await instance(uniquePrefix('grace-fail'));
    stopClock();
    await c.set('k', 'old', { ttl: 50, grace: 10_000 });
    advanceClock(100);
    const failing = async () => {
      throw new Error('upstream down');
    };
    expect(await c.getOrSet('k', failing, { ttl: 1000 })).toMatchObject({ value: 'old', stale: true });
    await sleep(20);
    expect(await c.getOrSet('k', failing, { ttl: 1000 })).toMatchObject({ value: 'old', stale: true });
    await sleep(20);
    // Each stale read started one refresh (the first had ended), and each failed.
    expect(c.stats().refreshes).toEqual({ started: 2, failed: 2 });
  });

  it('treats a corrupt entry as a miss and deletes it', async () => {
    const prefix = uniquePrefix('corrupt');
    const { chain: c } = await instance(prefix);
    const raw = createClient({ url: redisUrl! });
    await raw.connect();
    await raw.set(`${prefix}k`, `${Date.now() + 60_000}|{"c":1,"s":9e15,"t":[]}\nnot json`, { PX: 60_000 });
    expect(await c.get('k')).toBeUndefined();
    await sleep(20);
    expect(await raw.exists(`${prefix}k`)).toBe(0);
    await raw.close();
  });

  it('counts hits, misses and sets per tier, and the bytes memory holds', async () => {
    const prefix = uniquePrefix('stats');
    const { chain: c } = await instance(prefix);
    await c.set('k', 'x'.repeat(1000), { ttl: 60_000 });
    await c.get('k');
    await c.get('missing');
    const stats = c.stats();
    expect(stats.tiers.memory).toMatchObject({ hits: 1, misses: 1, sets: 1 });
    expect(stats.tiers.redis).toMatchObject({ hits: 0, misses: 1, sets: 1, errors: 0, breaker: 'closed' });
    expect(stats.tiers.postgres).toMatchObject({ misses: 1, sets: 1 });
    expect(stats.memory.bytes).toBeGreaterThan(1000);
  });

  it('writes and reads batches across every tier', async () => {
    const prefix = uniquePrefix('batch');
    const a = await instance(prefix);
    const b = await instance(prefix);
    await a.chain.setMany(Array.from({ length: 20 }, (_, i) => ({ key: `k${i}`, value: i, options: { ttl: 60_000 } })));
    const found = await b.chain.getMany([...Array.from({ length: 20 }, (_, i) => `k${i}`), 'missing']);
    expect(found.map((f) => f?.value)).toEqual([...Array.from({ length: 20 }, (_, i) => i), undefined]);
    expect(found[0]?.tier).toBe('redis');
  });

  it('prunes expired Postgres rows in batches', async () => {
    const postgres = postgresTier(database.url!);
    const c = chain({ keyPrefix: uniquePrefix('prune'), shared: [postgres] });
    await c.setMany(Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: i, options: { ttl: 50 } })));
    await c.set('lives', 1, { ttl: 60_000 });
    advanceClock(100);
    const removed = await postgres.prune(7);
    // At least: an entry another test of this file left may have expired by now too.
    expect(removed.entries).toBeGreaterThanOrEqual(30);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query(`SELECT count(*)::int AS n FROM cache_entries WHERE expires_at < $1`, [Date.now()]);
    await client.end();
    expect(rows[0].n).toBe(0);
    expect((await c.get('lives'))?.value).toBe(1);
    await c.close();
  });
});

describe('the memory tier', () => {
  it('stays within its byte budget, evicting the least recently used', async () => {
    const c = chain({ keyPrefix: 'bounded:', memory: memoryTier({ maxBytes: 64 * 1024, maxEntryBytes: 8 * 1024 }) });
    for (let i = 0; i < 200; i++) await c.set(`k${i}`, 'x'.repeat(1000), { ttl: 60_000 });
    expect(c.stats().memory.bytes).toBeLessThanOrEqual(64 * 1024);
    expect((await c.get('k199'))?.value).toHaveLength(1000);
    expect(await c.get('k0')).toBeUndefined();
  });

  it('keeps entries over the size cap out of memory but in the shared tiers', async () => {
    const shared: SharedTier[] = [];
    const stored = new Map<string, unknown>();
    // A plain in-process shared tier: this test is about memory's cap, not Redis.
    shared.push({
      name: 'redis',
      get: async (k) => stored.get(k) as never,
      getMany: async (ks) => ks.map((k) => stored.get(k) as never),
      set: async (k, e) => void stored.set(k, e),
      setMany: async (items) => items.forEach(({ key, encoded }) => stored.set(key, encoded)),
      delete: async (ks) => ks.forEach((k) => stored.delete(k)),
      tagTimes: async (tags) => tags.map(() => undefined),
      latestInvalidation: async () => 0,
      invalidateTags: async () => undefined,
      ping: async () => undefined,
      close: async () => undefined,
    });
    const c = chain({ keyPrefix: 'cap:', shared, memory: memoryTier({ maxBytes: 1024 * 1024, maxEntryBytes: 4 * 1024 }), memorySafetyTtlMs: 60_000 });
    await c.set('big', 'y'.repeat(10_000), { ttl: 60_000 });
    expect(c.stats().memory.entries).toBe(0);
    expect((await c.get('big'))?.tier).toBe('redis');
  });

  it('caps memory entries to the safety TTL while no bus reports invalidations', async () => {
    if (!hasPostgres) return;
    const database = await seededPostgres();
    const postgres = postgresTier(database.url!);
    const c = chain({ keyPrefix: uniquePrefix('safety'), shared: [postgres], memorySafetyTtlMs: 150 });
    try {
      await c.set('k', 'v', { ttl: 60_000 });
      expect((await c.get('k'))?.tier).toBe('memory');
      advanceClock(250);
      expect((await c.get('k'))?.tier).toBe('postgres');
    } finally {
      await c.close();
      await database.close();
    }
  });
});

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCache, type Cache } from '../../src/cache/create-cache.ts';
import { loadConfig } from '../../src/config.ts';
import { missingServer, ownRedis, type OwnedRedis } from '../helpers/servers.ts';
import { busProbe } from '../helpers/bus-probe.ts';
import { hasRedis, redisUrl, sharedCache, sleep, uniquePrefix } from '../helpers/cache.ts';
import { hasPostgres, seededPostgres, testLogger, type TestDatabase } from '../helpers/databases.ts';

// Keys as the response cache writes them: rc<version>|<schema>|<document>|<"operation">|<variables>|<scope>.
const entries = [
  { key: 'rc1|s1|d1|"Alpha"|{}|public', tags: ['Airport:1', 'type:Airport'] },
  { key: 'rc1|s1|d1|"Alpha"|{"iata":"JFK"}|public', tags: ['Airport:2', 'type:Airport'] },
  { key: 'rc1|s1|d2|"Beta"|{}|public', tags: ['Airline:1', 'type:Airline'] },
  // A variable whose text contains the operation's name must not match an operation pattern.
  { key: 'rc1|s1|d2|"Beta"|{"q":"|\\"Alpha\\"|"}|public', tags: ['Airline:2'] },
  { key: 'entity:flight:AA1', tags: [] },
  { key: 'entity:flight:AA2', tags: [] },
];

describe.skipIf(!hasRedis || !hasPostgres)('admin invalidation across memory, Redis, Postgres and another instance', () => {
  let database: TestDatabase;
  let a: Cache;
  let b: Cache;
  const prefix = uniquePrefix('invalidation');
  const otherPrefix = uniquePrefix('another-deployment');

  beforeAll(async () => {
    database = await seededPostgres();
    a = await sharedCache(database.url!, prefix);
    b = await sharedCache(database.url!, prefix);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.close();
    const probe = await busProbe(redisUrl!);
    await probe.removeKeys(prefix);
    await probe.removeKeys(otherPrefix);
    await probe.close();
  });

  /** Every entry in a's tiers, and read once by b (so b's memory holds each, copied from Redis). */
  beforeEach(async () => {
    await a.chain.purge({ all: true });
    await a.chain.setMany(entries.map(({ key, tags }) => ({ key, value: { key }, options: { ttl: 60_000, tags } })));
    // A write tells the other instances to forget the keys (not waited for): let that pass first.
    await sleep(300);
    const read = await b.chain.getMany(entries.map((e) => e.key));
    expect(read.map((hit) => hit?.tier)).toEqual(entries.map(() => 'redis'));
  });

  const inBMemory = () => entries.filter((e) => b.chain.peekMemory(e.key) !== undefined).map((e) => e.key);

  it('counts by tags exactly what it then deletes, and the other instance forgets them', async () => {
    const dry = await a.chain.purge({ tags: ['Airport:1', 'Airport:2'] }, { dryRun: true });
    expect(dry).toEqual({ dryRun: true, entries: 2, tiers: { memory: 2, redis: 2, postgres: 2 }, failed: {} });
    expect(inBMemory()).toHaveLength(6);

    const done = await a.chain.purge({ tags: ['Airport:1', 'Airport:2'] });
    expect(done).toEqual({ ...dry, dryRun: false });
    expect(inBMemory()).toEqual(entries.slice(2).map((e) => e.key));
    expect(await b.chain.get(entries[0]!.key)).toBeUndefined();
    expect(await a.chain.purge({ tags: ['Airport:1', 'Airport:2'] }, { dryRun: true })).toMatchObject({ entries: 0, tiers: { memory: 0, redis: 0, postgres: 0 } });
  });

  it('counts by a key pattern exactly what it then deletes, in every tier and in the other memory', async () => {
    const dry = await a.chain.purge({ patterns: ['rc1|*|"Alpha"|*'] }, { dryRun: true });
    // No key is stored hashed here (Redis cannot count them cheaply: absent).
    expect(dry).toEqual({ dryRun: true, entries: 2, tiers: { memory: 2, redis: 2, postgres: 2 }, failed: {}, hashedKeys: { memory: 0, postgres: 0 } });
    const done = await a.chain.purge({ patterns: ['rc1|*|"Alpha"|*'] });
    expect(done).toEqual({ ...dry, dryRun: false });
    expect(inBMemory()).toEqual(entries.slice(2).map((e) => e.key));
    // Served from nowhere: gone from Redis and Postgres too.
    expect(await b.chain.get(entries[0]!.key)).toBeUndefined();
    expect((await b.chain.get(entries[2]!.key))?.tier).toBe('memory');
  });

  it('treats glob metacharacters of the key itself as literal when escaped, and LIKE wildcards as characters', async () => {
    // `_` and `%` mean nothing in a pattern: nothing matches a key containing neither.
    expect((await a.chain.purge({ patterns: ['entity:flight:AA_'] }, { dryRun: true })).entries).toBe(0);
    expect((await a.chain.purge({ patterns: ['entity%'] }, { dryRun: true })).entries).toBe(0);
    expect((await a.chain.purge({ patterns: ['entity:flight:AA?'] }, { dryRun: true })).tiers).toEqual({ memory: 2, redis: 2, postgres: 2 });
    expect((await a.chain.purge({ patterns: ['rc1|s1|d2|"Beta"|\\{\\}|public'] }, { dryRun: true })).entries).toBe(1);
  });

  it('counts by keys exactly what it then deletes, and tells the other instance', async () => {
    const selection = { keys: ['entity:flight:AA1', 'entity:flight:nope'] };
    const dry = await a.chain.purge(selection, { dryRun: true });
    expect(dry).toEqual({ dryRun: true, entries: 1, tiers: { memory: 1, redis: 1, postgres: 1 }, failed: {} });
    expect(await a.chain.purge(selection)).toEqual({ ...dry, dryRun: false });
    expect(inBMemory()).not.toContain('entity:flight:AA1');
    expect(inBMemory()).toHaveLength(5);
  });

  it('a union of selections counts each entry once', async () => {
    const dry = await a.chain.purge({ tags: ['type:Airport'], patterns: ['rc1|s1|d1|*'], keys: [entries[0]!.key] }, { dryRun: true });
    expect(dry.entries).toBe(2);
    expect(dry.tiers).toEqual({ memory: 2, redis: 2, postgres: 2 });
  });

  it('keeps every part of a purge to its key spaces: no other key under the prefix, nor a deployment whose prefix extends it', async () => {
    const spaces = ['rc', 'entity:', '#'];
    // A rate limiter's budget under the same prefix, and a deployment at `<prefix>staging:`.
    const budget = 'ratelimit:api:1.2.3.4';
    await a.chain.set(budget, 3, { ttl: 60_000, tags: ['Airport:1'] });
    const staging = await sharedCache(database.url!, `${prefix}staging:`);
    try {
      await staging.chain.set('rc1|s1|d1|"Alpha"|{}|public', 'staging', { ttl: 60_000, tags: ['Airport:1'] });
      const hashed = `entity:flight:${'x'.repeat(600)}`;
      await a.chain.set(hashed, 'long', { ttl: 60_000 });
      for (const selection of [{ all: true }, { patterns: ['*'] }, { tags: ['Airport:1'] }, { keys: [budget] }]) {
        const within = await a.chain.purge({ ...selection, spaces }, { dryRun: true });
        const expected = 'all' in selection || 'patterns' in selection ? 7 : 'tags' in selection ? 1 : 0;
        expect(within.tiers, JSON.stringify(selection)).toEqual({ memory: expected, redis: expected, postgres: expected });
      }
      // Without spaces a pattern counts the budget and staging's entry; what it cannot read of hashed keys it says.
      expect(await a.chain.purge({ patterns: ['*'] }, { dryRun: true })).toMatchObject({ entries: 9, hashedKeys: { memory: 1, postgres: 1 } });
      expect(await a.chain.purge({ patterns: ['entity:*'], spaces }, { dryRun: true })).toMatchObject({ entries: 2, hashedKeys: { memory: 1, postgres: 1 } });

      expect((await a.chain.purge({ all: true, spaces })).tiers).toEqual({ memory: 7, redis: 7, postgres: 7 });
      expect(await a.chain.get(budget)).toMatchObject({ value: 3 });
      expect(await staging.chain.get('rc1|s1|d1|"Alpha"|{}|public')).toMatchObject({ value: 'staging' });
      await a.chain.delete(budget);
    } finally {
      await staging.chain.purge({ all: true });
      await staging.close();
    }
  });

  it("flushes every entry of its own prefix and none of another deployment's", async () => {
    const other = await sharedCache(database.url!, otherPrefix);
    try {
      await other.chain.set('planted', 'survives', { ttl: 60_000 });
      const dry = await a.chain.purge({ all: true }, { dryRun: true });
      expect(dry).toEqual({ dryRun: true, entries: 6, tiers: { memory: 6, redis: 6, postgres: 6 }, failed: {} });
      expect(await a.chain.purge({ all: true })).toEqual({ ...dry, dryRun: false });
      expect(inBMemory()).toEqual([]);
      expect(await b.chain.get(entries[0]!.key)).toBeUndefined();

      // The other deployment's entry is still in Redis and in Postgres.
      const reader = await sharedCache(database.url!, otherPrefix);
      try {
        expect(await reader.chain.get('planted')).toMatchObject({ value: 'survives', tier: 'redis' });
        expect(await reader.chain.purge({ all: true }, { dryRun: true })).toMatchObject({ tiers: { redis: 1, postgres: 1 } });
      } finally {
        await reader.close();
      }
      expect((await other.chain.purge({ all: true })).tiers).toMatchObject({ redis: 1, postgres: 1 });
    } finally {
      await other.close();
    }
  });
});

describe.skipIf(missingServer('redis'))('admin invalidation on a 3-node Redis Cluster', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'contrail-purge-cluster-'));
  const nodes: OwnedRedis[] = [];
  let cache: Cache;

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) nodes.push(await ownRedis(['--cluster-enabled', 'yes', '--cluster-config-file', path.join(dir, `nodes-${i}.conf`), '--dir', dir]));
    execFileSync('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'], { stdio: 'ignore' });
    for (const node of nodes) {
      for (let i = 0; !execFileSync('redis-cli', ['-p', String(node.port), 'cluster', 'info']).toString().includes('cluster_state:ok'); i++) {
        if (i > 200) throw new Error('cluster did not come up');
        await sleep(50);
      }
    }
    const env = { REDIS_URL: nodes.map((n) => n.url).join(','), REDIS_CLUSTER: 'true', CACHE_KEY_PREFIX: uniquePrefix('purge-cluster') };
    cache = await createCache({ config: loadConfig(env).cache, logger: testLogger });
  }, 60_000);
  afterAll(async () => {
    await cache?.close();
    for (const node of nodes) await node.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('finds and deletes keys on every node, by pattern and by keys, with equal dry-run counts', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `airport:${i}`);
    await cache.chain.setMany(keys.map((key, i) => ({ key, value: i, options: { ttl: 60_000, tags: [`Airport:${i % 3}`] } })));
    const owners = new Set(keys.map((key) => execFileSync('redis-cli', ['-p', String(nodes[0]!.port), 'cluster', 'keyslot', cache.chain.keyPrefix + key]).toString()));
    expect(owners.size).toBeGreaterThan(1);
    const byTag = await cache.chain.purge({ tags: ['Airport:0'] }, { dryRun: true });
    expect(byTag.tiers).toEqual({ memory: 10, redis: 10 });
    expect(await cache.chain.purge({ tags: ['Airport:0'] })).toEqual({ ...byTag, dryRun: false });
    const dry = await cache.chain.purge({ patterns: ['airport:1*'], keys: ['airport:2'] }, { dryRun: true });
    // airport:1 and 10–19 but 12, 15 and 18 (gone with Airport:0 above): 8; plus airport:2.
    expect(dry).toEqual({ dryRun: true, entries: 9, tiers: { memory: 9, redis: 9 }, failed: {}, hashedKeys: { memory: 0 } });
    expect(await cache.chain.purge({ patterns: ['airport:1*'], keys: ['airport:2'] })).toEqual({ ...dry, dryRun: false });
    expect(await cache.chain.purge({ all: true })).toMatchObject({ entries: 11, tiers: { memory: 11, redis: 11 } });
  });
});

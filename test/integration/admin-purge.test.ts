import { createClient } from '@keyv/redis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Cache } from '../../src/cache/create-cache.ts';
import type { Gateway } from '../../src/gateway.ts';
import { hasRedis, redisUrl, sharedCache, uniquePrefix } from '../helpers/cache.ts';
import { hasPostgres, seededPostgres, type TestDatabase } from '../helpers/databases.ts';
import { graphql, testGateway } from '../helpers/gateway.ts';
import { bearer, token } from '../helpers/tokens.ts';
import { removeSharedKeys } from '../helpers/contrail-server.ts';

const airportName = 'query AirportName($iata: String!) { airport(iata: $iata) { name } }';

// What else lives under a deployment's prefix in the same Redis (src/server.ts, src/warming/lease.ts).
const foreign = ['ratelimit:api:1.2.3.4', 'warming:lease:popular:2026-01-01T02:00:00.000Z'];

describe.skipIf(!hasRedis || !hasPostgres)('admin purges: only the cache’s own keys, long keys included', () => {
  let database: TestDatabase;
  let cache: Cache;
  let staging: Cache;
  let gateway: Gateway;
  let redis: ReturnType<typeof createClient>;
  let admin: Record<string, string>;
  const prefix = uniquePrefix('admin-purge');
  // Another deployment whose prefix starts with this one's.
  const stagingPrefix = `${prefix}staging:`;

  beforeAll(async () => {
    database = await seededPostgres();
    cache = await sharedCache(database.url!, prefix);
    staging = await sharedCache(database.url!, stagingPrefix);
    gateway = testGateway(database, { cache: cache.chain });
    redis = createClient({ url: redisUrl! });
    redis.on('error', () => undefined);
    await redis.connect();
    admin = bearer(await token({ sub: 'ops', role: 'admin' }));
  });
  afterAll(async () => {
    await redis?.close();
    await cache?.close();
    await staging?.close();
    await database?.close();
    // Every key containing the prefix: the planted ones, staging's and the tag times.
    await removeSharedKeys(prefix);
  });

  async function rest(method: string, path: string, body: unknown) {
    const response = await gateway.fetch(`http://contrail.test${path}`, { method, headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: await response.json() };
  }

  beforeEach(async () => {
    await cache.chain.purge({ all: true });
    for (const key of foreign) await redis.set(prefix + key, '7');
  });

  it('flushes and purges by `*` the response, entity and persisted-query entries, and no budget, lease or other deployment', async () => {
    const ours = ['rc2|s|d|"A"|{}|public', 'entity:flight:AA1', 'apq:abc', `entity:flight:${'x'.repeat(600)}`];
    await cache.chain.setMany(ours.map((key) => ({ key, value: key, options: { ttl: 60_000 } })));
    await staging.chain.set('rc2|s|d|"A"|{}|public', 'staging', { ttl: 60_000 });

    const counted = { entries: 4, tiers: { memory: 4, redis: 4, postgres: 4 }, failed: {} };
    expect((await rest('DELETE', '/admin/cache', { dryRun: true })).body).toMatchObject({ dryRun: true, ...counted });
    expect((await rest('POST', '/admin/cache/invalidate', { pattern: '*', dryRun: true })).body).toMatchObject({ dryRun: true, ...counted });
    // A key outside the cache's spaces is not the cache's, even named exactly.
    expect((await rest('POST', '/admin/cache/invalidate', { keys: foreign, dryRun: true })).body).toMatchObject({ entries: 0, tiers: { memory: 0, redis: 0, postgres: 0 } });

    expect((await rest('DELETE', '/admin/cache', { confirm: prefix })).body).toMatchObject({ dryRun: false, ...counted });
    expect(await Promise.all(foreign.map((key) => redis.get(prefix + key)))).toEqual(['7', '7']);
    expect(await staging.chain.get('rc2|s|d|"A"|{}|public')).toMatchObject({ value: 'staging' });
    expect(await cache.chain.getMany(ours)).toEqual(ours.map(() => undefined));

    // And by pattern.
    await cache.chain.setMany(ours.map((key) => ({ key, value: key, options: { ttl: 60_000 } })));
    expect((await rest('POST', '/admin/cache/invalidate', { pattern: '*' })).body).toMatchObject({ dryRun: false, ...counted });
    expect(await Promise.all(foreign.map((key) => redis.get(prefix + key)))).toEqual(['7', '7']);
    expect(await staging.chain.get('rc2|s|d|"A"|{}|public')).toMatchObject({ value: 'staging' });
  });

  it('purges an operation by name when its variables made the key too long to store as it is, and says what a pattern cannot see', async () => {
    // An argument long enough that the key (over 512 characters) is stored as its hash.
    const iata = 'JFK';
    const padding = 'p'.repeat(600);
    const long = { variables: { iata, padding }, operationName: 'AirportName' };
    const first = await graphql(gateway, airportName, long);
    expect(first.body.errors).toBeUndefined();
    expect(first.body.extensions.cache.hit).toBe(false);
    expect((await graphql(gateway, airportName, long)).body.extensions.cache.hit).toBe(true);
    // One entry, stored hashed: no key under the prefix holds the operation's name.
    const keys: string[] = [];
    for await (const batch of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 1000 })) keys.push(...batch);
    expect(keys.filter((key) => !foreign.some((f) => key === prefix + f)).map((key) => key.slice(prefix.length, prefix.length + 1))).toEqual(['#']);

    // The operation's pattern cannot read it, and says how many keys it could not read.
    const byPattern = await rest('POST', '/admin/cache/invalidate', { pattern: 'rc*|"AirportName"|*', dryRun: true });
    expect(byPattern.body).toMatchObject({ entries: 0, hashedKeys: { memory: 1, postgres: 1 } });

    const byName = (dryRun: boolean) =>
      graphql(gateway, `mutation { invalidateCache(input: { operationName: "AirportName", dryRun: ${dryRun} }) { dryRun entries tiers { tier entries } tags hashedKeys { tier } } }`, { headers: admin });
    const dry = (await byName(true)).body.data.invalidateCache;
    expect(dry).toEqual({
      dryRun: true,
      entries: 1,
      tiers: [
        { tier: 'memory', entries: 1 },
        { tier: 'redis', entries: 1 },
        { tier: 'postgres', entries: 1 },
      ],
      tags: [],
      hashedKeys: [{ tier: 'memory' }, { tier: 'postgres' }],
    });
    const done = (await byName(false)).body.data.invalidateCache;
    expect(done).toEqual({ ...dry, dryRun: false, tags: ['op:AirportName'], hashedKeys: [{ tier: 'memory' }, { tier: 'postgres' }] });
    expect((await graphql(gateway, airportName, long)).body.extensions.cache.hit).toBe(false);
  });
});

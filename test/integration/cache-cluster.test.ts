import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCache, type Cache } from '../../src/cache/create-cache.ts';
import { loadConfig } from '../../src/config.ts';
import { testLogger } from '../helpers/databases.ts';
import { sleep, uniquePrefix } from '../helpers/cache.ts';
import { missingServer, ownRedis, type OwnedRedis } from '../helpers/servers.ts';

describe.skipIf(missingServer('redis'))('the Redis tier on a 3-node Redis Cluster', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'contrail-cluster-'));
  const nodes: OwnedRedis[] = [];
  const caches: Cache[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 3; i++) {
      nodes.push(
        await ownRedis(['--cluster-enabled', 'yes', '--cluster-config-file', path.join(dir, `nodes-${i}.conf`), '--dir', dir]),
      );
    }
    execFileSync('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'], {
      stdio: 'ignore',
    });
    // Slots are assigned; wait until every node agrees the cluster is up.
    for (const node of nodes) {
      for (let i = 0; ; i++) {
        const info = execFileSync('redis-cli', ['-p', String(node.port), 'cluster', 'info']).toString();
        if (info.includes('cluster_state:ok')) break;
        if (i > 200) throw new Error('cluster did not come up');
        await sleep(50);
      }
    }
    const env = {
      REDIS_URL: nodes.map((n) => n.url).join(','),
      REDIS_CLUSTER: 'true',
      CACHE_KEY_PREFIX: uniquePrefix('cluster'),
      CACHE_MEMORY_SAFETY_TTL_MS: '1',
    };
    for (let i = 0; i < 2; i++) caches.push(await createCache({ config: loadConfig(env).cache, logger: testLogger }));
  }, 60_000);

  afterAll(async () => {
    for (const cache of caches) await cache.close();
    for (const node of nodes) await node.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores and reads keys spread over every node, one by one and in batches', async () => {
    const [a, b] = caches as [Cache, Cache];
    const keys = Array.from({ length: 30 }, (_, i) => `airport:${i}`);
    await a.chain.setMany(keys.map((key, i) => ({ key, value: i, options: { ttl: 60_000 } })));
    const found = await b.chain.getMany(keys);
    expect(found.map((f) => f?.value)).toEqual(keys.map((_, i) => i));
    expect(found.every((f) => f?.tier === 'redis')).toBe(true);
    const owners = new Set(keys.map((key) => execFileSync('redis-cli', ['-p', String(nodes[0]!.port), 'cluster', 'keyslot', key]).toString()));
    expect(owners.size).toBeGreaterThan(1);
  });

  it('invalidates tags for every instance, and the bus reaches them', async () => {
    const [a, b] = caches as [Cache, Cache];
    await a.chain.set('airport:JFK', 'v1', { ttl: 60_000, tags: ['Airport:JFK'] });
    expect((await b.chain.get('airport:JFK'))?.value).toBe('v1');
    await a.chain.invalidateTags(['Airport:JFK']);
    // b holds the entry in memory: the bus message, not a Redis read, is what hides it there.
    await sleep(50);
    expect(await b.chain.get('airport:JFK')).toBeUndefined();
    // Heartbeats and acks work across a cluster's nodes too.
    expect(b.chain.stats().bus).toEqual({ healthy: true, peers: 1, ackTimeouts: 0 });
    expect(b.chain.stats().tiers.redis).toMatchObject({ errors: 0, breaker: 'closed' });
  });
});

import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCache, type Cache } from '../../src/cache/create-cache.ts';
import { loadConfig } from '../../src/config.ts';
import { hasPostgres, seededPostgres, testLogger, type TestDatabase } from '../helpers/databases.ts';
import { hasRedis, redisUrl, sleep, uniquePrefix } from '../helpers/cache.ts';

/** Another gateway process sharing this one's Redis and Postgres. */
function startPeer(env: Record<string, string>) {
  const child: ChildProcess = fork(path.join(import.meta.dirname, '../helpers/cache-peer.ts'), {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 0;
  const pending = new Map<number, (reply: any) => void>();
  const ready = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (message: any) => {
      if (message.ready) resolve();
      else pending.get(message.id)?.(message);
    });
  });
  const ask = (op: string, key?: string): Promise<any> =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      child.send({ id, op, key });
    });
  return { ready, get: (key: string) => ask('get', key).then((r) => r.found), close: () => ask('close') };
}

describe.skipIf(!hasRedis || !hasPostgres)('the invalidation bus across processes', () => {
  let database: TestDatabase;
  let local: Cache;
  let peer: ReturnType<typeof startPeer>;
  const prefix = uniquePrefix('bus');

  beforeAll(async () => {
    database = await seededPostgres();
    const env = { REDIS_URL: redisUrl!, CACHE_KEY_PREFIX: prefix, CACHE_PRUNE_INTERVAL_MS: '0' };
    local = await createCache({ config: loadConfig(env).cache, logger: testLogger, postgresUrl: database.url });
    peer = startPeer({ ...env, PEER_POSTGRES_URL: database.url! });
    await peer.ready;
  }, 60_000);
  afterAll(async () => {
    await peer?.close();
    await local?.close();
    await database?.close();
  });

  /** Milliseconds until the peer stops serving `key` from its memory. */
  async function untilPeerForgets(key: string, started: number): Promise<number> {
    for (;;) {
      const found = await peer.get(key);
      if (!found || found.tier !== 'memory') return performance.now() - started;
      if (performance.now() - started > 2_000) throw new Error('the peer still serves the entry after 2 s');
      await sleep(2);
    }
  }

  it('a tag invalidation here reaches the other process’s memory within 100 ms', async () => {
    await local.chain.set('airport:JFK', 'JFK v1', { ttl: 60_000, tags: ['Airport:JFK'] });
    // The write's own bus message (forget older copies of this key) must land before the peer caches it.
    await sleep(50);
    expect(await peer.get('airport:JFK')).toEqual({ value: 'JFK v1', tier: 'redis' });
    expect(await peer.get('airport:JFK')).toEqual({ value: 'JFK v1', tier: 'memory' });

    const started = performance.now();
    await local.chain.invalidateTags(['Airport:JFK']);
    expect(await untilPeerForgets('airport:JFK', started)).toBeLessThan(100);
    expect(await peer.get('airport:JFK')).toBeNull();
  });

  it('a delete and an overwrite here reach the other process’s memory within 100 ms', async () => {
    await local.chain.set('k', 'first', { ttl: 60_000 });
    await sleep(50);
    await peer.get('k');
    expect(await peer.get('k')).toEqual({ value: 'first', tier: 'memory' });

    let started = performance.now();
    await local.chain.set('k', 'second', { ttl: 60_000 });
    expect(await untilPeerForgets('k', started)).toBeLessThan(100);
    expect((await peer.get('k')).value).toBe('second');

    started = performance.now();
    await local.chain.delete('k');
    expect(await untilPeerForgets('k', started)).toBeLessThan(100);
    expect(await peer.get('k')).toBeNull();
  });
});

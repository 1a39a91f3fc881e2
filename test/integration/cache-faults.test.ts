import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CacheChain } from '../../src/cache/chain.ts';

import { createCache } from '../../src/cache/create-cache.ts';
import { loadConfig } from '../../src/config.ts';
import { chain, postgresTier, redisTier, sleep, uniquePrefix } from '../helpers/cache.ts';
import { testLogger } from '../helpers/databases.ts';
import { missingServer, ownPostgres, ownRedis, type OwnedPostgres, type OwnedRedis } from '../helpers/servers.ts';
import { postgresDatabase } from '../../src/db/database.ts';
import pg from 'pg';

const TIMEOUT = 100;
const guard = { timeoutMs: TIMEOUT, failureThreshold: 3, resetAfterMs: 300 };

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => process.off('unhandledRejection', onUnhandled));
afterEach(() => expect(unhandled).toEqual([]));

/** Runs `call` and returns how long it took; it must resolve, whatever the tier does. */
async function timed<T>(call: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await call();
  return { ms: performance.now() - started, result };
}

async function eventually(what: string, check: () => Promise<boolean>, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`not within ${timeoutMs} ms: ${what}`);
}

describe.skipIf(missingServer('redis'))('when Redis fails', () => {
  let redis: OwnedRedis;
  let c: CacheChain;
  const prefix = uniquePrefix('faults');

  beforeAll(async () => {
    redis = await ownRedis();
    const { tier } = await redisTier(redis.url);
    c = chain({ keyPrefix: prefix, shared: [tier], guard });
  });
  afterAll(async () => {
    await c?.close();
    await redis?.stop();
  });

  it('frozen (SIGSTOP): calls resolve within the timeout, then the open breaker skips Redis in microseconds', async () => {
    await c.set('before', 'v', { ttl: 60_000 });
    redis.freeze();
    try {
      const first = await Promise.all(Array.from({ length: 3 }, (_, i) => timed(() => c.get(`frozen${i}`))));
      for (const { ms, result } of first) {
        expect(result).toBeUndefined();
        expect(ms).toBeLessThan(TIMEOUT + 150);
      }
      expect(c.stats().tiers.redis).toMatchObject({ breaker: 'open' });
      const later = await timed(() => c.get('frozen-later'));
      expect(later.ms).toBeLessThan(20);
      const write = await timed(() => c.set('during', 'kept in memory', { ttl: 60_000 }));
      expect(write.ms).toBeLessThan(20);
      expect((await c.get('during'))?.value).toBe('kept in memory');
      expect(c.stats().tiers.redis!.timeouts).toBeGreaterThanOrEqual(1);
    } finally {
      redis.thaw();
    }
    await eventually('Redis answers again through the chain', async () => {
      await c.set('after-thaw', 1, { ttl: 60_000 });
      return c.stats().tiers.redis!.breaker === 'closed';
    });
  });

  it('frozen under a full instance (with its bus): writes, reads and invalidations still return promptly', async () => {
    const config = loadConfig({ REDIS_URL: redis.url, CACHE_KEY_PREFIX: uniquePrefix('frozen-bus'), CACHE_TIER_TIMEOUT_MS: String(TIMEOUT) }).cache;
    const cache = await createCache({ config, logger: testLogger });
    try {
      redis.freeze();
      const calls: (() => Promise<unknown>)[] = [
        () => cache.chain.set('k', 'v', { ttl: 60_000, tags: ['T'] }),
        () => cache.chain.get('other'),
        () => cache.chain.invalidateTags(['T']),
        () => cache.chain.delete('k'),
      ];
      for (const call of calls) expect((await timed(call)).ms).toBeLessThan(TIMEOUT + 150);
    } finally {
      redis.thaw();
      await cache.close();
    }
  });

  it('killed: a miss within a few ms; restarted on the same port, it serves again by itself', async () => {
    await redis.kill();
    await c.get('warm-up-the-breaker-1');
    await c.get('warm-up-the-breaker-2');
    await c.get('warm-up-the-breaker-3');
    const { ms, result } = await timed(() => c.get('dead'));
    expect(result).toBeUndefined();
    expect(ms).toBeLessThan(TIMEOUT + 50);

    await redis.start();
    const { tier: reader } = await redisTier(redis.url);
    const other = chain({ keyPrefix: prefix, shared: [reader], guard });
    try {
      await eventually('a write reaches the restarted Redis', async () => {
        await c.set('revived', 'yes', { ttl: 60_000 });
        return (await other.get('revived'))?.tier === 'redis';
      });
    } finally {
      await other.close();
    }
  });
});

describe.skipIf(missingServer('postgres'))('when Postgres fails', () => {
  let postgres: OwnedPostgres;
  let c: CacheChain;

  beforeAll(async () => {
    postgres = await ownPostgres();
    const migrator = postgresDatabase(new pg.Pool({ connectionString: postgres.url }), { logger: testLogger });
    await migrator.migrate();
    await migrator.close();
    c = chain({ keyPrefix: uniquePrefix('pg-faults'), shared: [postgresTier(postgres.url, TIMEOUT)], guard, memorySafetyTtlMs: 1 });
  }, 60_000);
  afterAll(async () => {
    await c?.close();
    await postgres?.destroy();
  });

  it('restarted: idle connections it kills do not crash the process, and the tier comes back', async () => {
    await c.set('k', 'v', { ttl: 60_000 });
    await sleep(5);
    expect((await c.get('k'))?.tier).toBe('postgres');
    await postgres.stop();
    const { ms, result } = await timed(() => c.get('k'));
    expect(result).toBeUndefined();
    expect(ms).toBeLessThan(TIMEOUT + 150);
    await postgres.start();
    await eventually('reads come from Postgres again', async () => (await c.get('k'))?.tier === 'postgres');
  });

  it('frozen: calls resolve within the timeout and the breaker opens', async () => {
    postgres.freeze();
    try {
      for (let i = 0; i < 4; i++) {
        const { ms } = await timed(() => c.get(`frozen${i}`));
        expect(ms).toBeLessThan(TIMEOUT + 150);
      }
      expect(c.stats().tiers.postgres).toMatchObject({ breaker: 'open' });
    } finally {
      postgres.thaw();
    }
    await eventually('Postgres answers again', async () => {
      await c.set('thawed', 1, { ttl: 60_000 });
      await sleep(2);
      return (await c.get('thawed'))?.tier === 'postgres';
    });
  });
});


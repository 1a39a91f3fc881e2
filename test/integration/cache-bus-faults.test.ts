import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCache, type Cache } from '../../src/cache/create-cache.ts';
import { loadConfig } from '../../src/config.ts';
import { sleep, uniquePrefix } from '../helpers/cache.ts';
import { advanceClock } from '../helpers/clock.ts';
import { testLogger } from '../helpers/databases.ts';
import { missingServer, ownRedis, type OwnedRedis } from '../helpers/servers.ts';

const HEARTBEAT = 150;
const TIER_TIMEOUT = 100;
const ACK_TIMEOUT = 150;
const SAFETY_TTL = 300;

async function timed<T>(call: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await call();
  return { ms: performance.now() - started, result };
}

async function eventually(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > timeoutMs) throw new Error(`not within ${timeoutMs} ms: ${what}`);
    await sleep(5);
  }
  return performance.now() - started;
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => process.on('unhandledRejection', onUnhandled));
afterAll(() => process.off('unhandledRejection', onUnhandled));
afterEach(() => expect(unhandled).toEqual([]));
afterEach(() => {
  vi.useRealTimers();
});

describe.skipIf(missingServer('redis'))('the invalidation bus when its Redis fails', () => {
  let redis: OwnedRedis;
  let a: Cache;
  let b: Cache;

  beforeAll(async () => {
    redis = await ownRedis();
    const config = loadConfig({
      REDIS_URL: redis.url,
      CACHE_KEY_PREFIX: uniquePrefix('bus-faults'),
      CACHE_TIER_TIMEOUT_MS: String(TIER_TIMEOUT),
      CACHE_BUS_HEARTBEAT_MS: String(HEARTBEAT),
      CACHE_INVALIDATION_ACK_TIMEOUT_MS: String(ACK_TIMEOUT),
      CACHE_MEMORY_SAFETY_TTL_MS: String(SAFETY_TTL),
    }).cache;
    a = await createCache({ config, logger: testLogger });
    b = await createCache({ config, logger: testLogger });
    await eventually('each instance knows the other', () => a.chain.stats().bus!.peers === 1 && b.chain.stats().bus!.peers === 1);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.stop();
  });

  it('frozen: an invalidation with a live peer resolves within the larger of the tier and ack timeouts, and counts the peer as silent', async () => {
    const before = a.chain.stats().bus!.ackTimeouts;
    redis.freeze();
    try {
      const { ms } = await timed(() => a.chain.invalidateTags(['Airport:FROZEN']));
      expect(ms).toBeLessThan(Math.max(TIER_TIMEOUT, ACK_TIMEOUT) + 100);
      expect(a.chain.stats().bus!.ackTimeouts).toBe(before + 1);
    } finally {
      redis.thaw();
    }
    await eventually('both buses are healthy again', () => a.chain.stats().bus!.healthy && b.chain.stats().bus!.healthy);
  });

  it('frozen: an instance notices within three heartbeats that it hears nothing, drops its memory, and comes back after the thaw', async () => {
    await eventually('both buses are healthy and know each other', () => a.chain.stats().bus!.peers === 1 && b.chain.stats().bus!.peers === 1);
    await a.chain.set('kept', 'v', { ttl: 60_000 });
    expect(a.chain.peekMemory('kept')?.value).toBe('v');
    redis.freeze();
    try {
      const noticed = await eventually('the bus is deemed lost', () => !a.chain.stats().bus!.healthy);
      expect(noticed).toBeLessThan(3 * HEARTBEAT + HEARTBEAT + 100);
      // What it kept may have missed an invalidation meanwhile.
      expect(a.chain.peekMemory('kept')).toBeUndefined();
      expect(a.chain.stats().bus!.peers).toBe(0);
    } finally {
      redis.thaw();
    }
    const back = await eventually('the bus is back', () => a.chain.stats().bus!.healthy && a.chain.stats().bus!.peers === 1);
    expect(back).toBeLessThan(2 * HEARTBEAT + 500);
  });

  it('killed: memory is dropped, what is stored meanwhile lives at most the safety TTL, and after a restart invalidations are acknowledged again', async () => {
    await eventually('both buses are healthy and know each other', () => a.chain.stats().bus!.peers === 1 && b.chain.stats().bus!.peers === 1);
    await a.chain.set('before', 'v', { ttl: 60_000 });
    await redis.kill();
    await eventually('the bus is lost', () => !a.chain.stats().bus!.healthy);
    expect(a.chain.peekMemory('before')).toBeUndefined();
    // Without a bus nothing is waited for.
    expect((await timed(() => a.chain.invalidateTags(['Airport:DOWN']))).ms).toBeLessThan(TIER_TIMEOUT + 50);

    await a.chain.set('during', 'v', { ttl: 60_000 });
    expect(a.chain.peekMemory('during')?.value).toBe('v');
    // Memory expiry reads Date: the clock moves past the safety TTL instead of the test waiting it out.
    advanceClock(SAFETY_TTL + 1);
    expect(a.chain.peekMemory('during')).toBeUndefined();
    vi.useRealTimers();

    await redis.start();
    await eventually('both buses are back and know each other', () => a.chain.stats().bus!.peers === 1 && b.chain.stats().bus!.peers === 1);
    await eventually('the Redis tier answers again', async () => {
      await b.chain.set('after', 'v', { ttl: 60_000, tags: ['Airport:AFTER'] });
      return (await a.chain.get('after'))?.tier === 'redis';
    });
    expect(a.chain.peekMemory('after')?.value).toBe('v');
    const before = b.chain.stats().bus!.ackTimeouts;
    await b.chain.invalidateTags(['Airport:AFTER']);
    expect(a.chain.peekMemory('after')).toBeUndefined();
    expect(b.chain.stats().bus!.ackTimeouts).toBe(before);
  });
});

import { PGlite } from '@electric-sql/pglite';
import { inject } from 'vitest';
import { CacheChain, type CacheChainOptions } from '../../src/cache/chain.ts';
import { MemoryTier } from '../../src/cache/memory-tier.ts';
import { servePgliteOnLoopback } from '../../src/cache/pglite-socket.ts';
import { createPostgresTier } from '../../src/cache/postgres-tier.ts';
import { createRedisTier } from '../../src/cache/redis-tier.ts';
import { createCache, type Cache } from '../../src/cache/create-cache.ts';
import { pgliteDatabase } from '../../src/db/database.ts';
import { testLogger } from './databases.ts';

export const redisUrl = inject('redisUrl');
export const hasRedis = redisUrl !== null;

/** A prefix no other test file or run shares: the shared Redis is never flushed. */
export function uniquePrefix(name: string): string {
  return `test:${name}:${process.pid}:${Math.random().toString(36).slice(2, 8)}:`;
}

export const tierDefaults = { timeoutMs: 200, logger: testLogger };

export function memoryTier(overrides: Partial<ConstructorParameters<typeof MemoryTier>[0]> = {}) {
  return new MemoryTier({ maxBytes: 16 * 1024 * 1024, maxEntryBytes: 1024 * 1024, logger: testLogger, ...overrides });
}

export async function redisTier(url = redisUrl!) {
  return createRedisTier({ url, connectTimeoutMs: 500, logger: testLogger });
}

/** An in-process PGlite with the migrations applied, served on a loopback port. */
export async function pgliteOnSocket() {
  const client = await PGlite.create('memory://');
  const handle = pgliteDatabase(client, { logger: testLogger });
  await handle.migrate();
  const server = await servePgliteOnLoopback(client);
  return {
    url: server.url,
    async close() {
      await server.close();
      await handle.close();
    },
  };
}

export function postgresTier(url: string, timeoutMs = tierDefaults.timeoutMs) {
  return createPostgresTier({ url, timeoutMs, logger: testLogger });
}

export function chain(options: Partial<CacheChainOptions> & Pick<CacheChainOptions, 'keyPrefix'>) {
  return new CacheChain({
    memory: memoryTier(),
    shared: [],
    logger: testLogger,
    guard: { timeoutMs: 200, failureThreshold: 3, resetAfterMs: 300 },
    compressAboveBytes: 8192,
    memorySafetyTtlMs: 5000,
    maxLifetimeMs: 24 * 3600 * 1000,
    ...options,
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A cache as one gateway instance builds it, on the shared Redis (tiers and bus) and the test
 * database's Postgres: instances made with the same prefix share entries and invalidations.
 */
export function sharedCache(postgresUrl: string, prefix: string): Promise<Cache> {
  return createCache({
    config: {
      redis: { url: redisUrl!, cluster: false },
      keyPrefix: prefix,
      memoryMaxBytes: 8 * 1024 * 1024,
      memoryMaxEntryBytes: 1024 * 1024,
      memorySafetyTtlMs: 5000,
      tierTimeoutMs: 500,
      breakerFailures: 5,
      breakerResetMs: 1000,
      compressAboveBytes: 65536,
      maxLifetimeMs: 24 * 3600 * 1000,
      pruneIntervalMs: 0,
      busHeartbeatMs: 200,
      invalidationAckTimeoutMs: 2000,
    },
    logger: testLogger,
    postgresUrl,
  });
}

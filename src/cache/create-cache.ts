import { randomUUID } from 'node:crypto';
import type { CacheConfig } from '../config.ts';
import type { Logger } from '../logger.ts';
import { createRedisBus } from './bus.ts';
import { CacheChain } from './chain.ts';
import { MemoryTier } from './memory-tier.ts';
import { createPostgresTier, type PostgresTier } from './postgres-tier.ts';
import { createRedisTier } from './redis-tier.ts';
import type { SharedTier } from './tier.ts';

export interface CacheDeps {
  config: CacheConfig;
  logger: Logger;
  /** The Postgres the L3 tier uses (a server, or PGlite behind pglite-socket); absent: no L3. */
  postgresUrl?: string;
}

export interface Cache {
  chain: CacheChain;
  /** The L3 tier, for the prune job and `contrail cache prune`. */
  postgres?: PostgresTier;
  close(): Promise<void>;
}

/**
 * Builds the chain the config describes: memory always; Redis (and its bus) with a Redis URL;
 * Postgres with a Postgres URL. Shared tiers that are down at start-up are misses until they
 * come back, never a failed start.
 */
export async function createCache({ config, logger, postgresUrl }: CacheDeps): Promise<Cache> {
  const memory = new MemoryTier({ maxBytes: config.memoryMaxBytes, maxEntryBytes: config.memoryMaxEntryBytes, logger });
  const shared: SharedTier[] = [];
  const connectTimeoutMs = Math.max(config.tierTimeoutMs, 1000);
  const redis = config.redis ? await createRedisTier({ ...config.redis, connectTimeoutMs, logger }) : undefined;
  if (redis) shared.push(redis.tier);
  const postgres = postgresUrl ? createPostgresTier({ url: postgresUrl, timeoutMs: config.tierTimeoutMs, logger }) : undefined;
  if (postgres) shared.push(postgres);

  const chain = new CacheChain({
    memory,
    shared,
    logger,
    keyPrefix: config.keyPrefix,
    guard: { timeoutMs: config.tierTimeoutMs, failureThreshold: config.breakerFailures, resetAfterMs: config.breakerResetMs },
    compressAboveBytes: config.compressAboveBytes,
    memorySafetyTtlMs: config.memorySafetyTtlMs,
    maxLifetimeMs: config.maxLifetimeMs,
  });
  if (redis) {
    chain.attachBus(
      await createRedisBus({
        connection: redis.connection,
        channel: `${config.keyPrefix}invalidations`,
        instanceId: randomUUID(),
        logger,
        connectTimeoutMs,
        heartbeatMs: config.busHeartbeatMs,
        ackTimeoutMs: config.invalidationAckTimeoutMs,
        onMessage: chain.onBusMessage,
        onLost: chain.onBusLost,
        onResubscribed: chain.onBusResubscribed,
      }),
    );
  }

  let pruneTimer: NodeJS.Timeout | undefined;
  if (postgres && config.pruneIntervalMs > 0) {
    pruneTimer = setInterval(() => {
      postgres
        .prune()
        .then((removed) => (removed.entries || removed.tags) && logger.debug(removed, 'cache pruned'))
        .catch((err: Error) => logger.warn({ err: err.message }, 'cache prune failed'));
    }, config.pruneIntervalMs);
    pruneTimer.unref();
  }

  return {
    chain,
    postgres,
    async close() {
      clearInterval(pruneTimer);
      await chain.close();
    },
  };
}

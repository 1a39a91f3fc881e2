// Another gateway process for the bus tests: builds its cache from the environment and answers
// the parent's requests over IPC. Start it with `startCachePeer` (below, in the parent).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRedisBus } from '../../src/cache/bus.ts';
import { CacheChain } from '../../src/cache/chain.ts';
import { createCache, type Cache, type CacheConfig } from '../../src/cache/create-cache.ts';
import { MemoryTier } from '../../src/cache/memory-tier.ts';
import { createRedisTier } from '../../src/cache/redis-tier.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger, type Logger } from '../../src/logger.ts';

type Op = 'get' | 'set' | 'invalidate' | 'stats' | 'close';
interface Request {
  id: number;
  op: Op;
  key?: string;
  value?: unknown;
  tags?: string[];
}

/**
 * The cache createCache builds from Redis alone, except that bus messages take `delayMs` to be
 * applied: a process slow to hear, which an invalidation that does not wait would outrun.
 */
async function slowToHear(config: CacheConfig, logger: Logger, delayMs: number): Promise<Cache> {
  const { tier, connection } = await createRedisTier({ ...config.redis!, connectTimeoutMs: 1000, logger });
  const chain = new CacheChain({
    memory: new MemoryTier({ maxBytes: config.memoryMaxBytes, maxEntryBytes: config.memoryMaxEntryBytes, logger }),
    shared: [tier],
    logger,
    keyPrefix: config.keyPrefix,
    guard: { timeoutMs: config.tierTimeoutMs, failureThreshold: config.breakerFailures, resetAfterMs: config.breakerResetMs },
    compressAboveBytes: config.compressAboveBytes,
    memorySafetyTtlMs: config.memorySafetyTtlMs,
    maxLifetimeMs: config.maxLifetimeMs,
  });
  chain.attachBus(
    await createRedisBus({
      connection,
      channel: `${config.keyPrefix}invalidations`,
      instanceId: `slow-${process.pid}`,
      connectTimeoutMs: 1000,
      logger,
      heartbeatMs: config.busHeartbeatMs,
      ackTimeoutMs: config.invalidationAckTimeoutMs,
      onMessage: async (message) => {
        await new Promise((resolve) => setTimeout(resolve, delayMs));
        chain.onBusMessage(message);
      },
      onLost: chain.onBusLost,
      onResubscribed: chain.onBusResubscribed,
    }),
  );
  return { chain, close: () => chain.close() };
}

async function serve() {
  const config = loadConfig();
  const logger = createLogger('silent');
  const delayMs = Number(process.env.PEER_BUS_DELAY_MS ?? 0);
  const cache = delayMs
    ? await slowToHear(config.cache, logger, delayMs)
    : await createCache({ config: config.cache, logger, postgresUrl: process.env.PEER_POSTGRES_URL });
  process.on('message', async ({ id, op, key, value, tags }: Request) => {
    if (op === 'get') {
      const found = await cache.chain.get(key!);
      process.send!({ id, found: found ? { value: found.value, tier: found.tier } : null });
    } else if (op === 'set') {
      await cache.chain.set(key!, value, { ttl: 60_000, tags });
      process.send!({ id });
    } else if (op === 'invalidate') {
      await cache.chain.invalidateTags(tags!);
      process.send!({ id });
    } else if (op === 'stats') {
      process.send!({ id, stats: cache.chain.stats() });
    } else {
      await cache.close();
      process.send!({ id }, () => process.exit(0));
    }
  });
  process.send!({ ready: true });
}

export interface CachePeer {
  pid: number;
  ready: Promise<void>;
  get(key: string): Promise<{ value: unknown; tier: string } | null>;
  set(key: string, value: unknown, tags?: string[]): Promise<void>;
  invalidate(tags: string[]): Promise<void>;
  stats(): Promise<ReturnType<Awaited<ReturnType<typeof createCache>>['chain']['stats']>>;
  close(): Promise<void>;
  kill(signal?: NodeJS.Signals): void;
  exited: Promise<void>;
}

/**
 * A second cache process sharing the caller's Redis (and Postgres, with PEER_POSTGRES_URL in
 * `env`; with PEER_BUS_DELAY_MS it uses Redis alone and applies bus messages that much later).
 */
export function startCachePeer(env: Record<string, string>): CachePeer {
  const child = fork(fileURLToPath(import.meta.url), {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env, CACHE_PEER_CHILD: '1' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let nextId = 0;
  const pending = new Map<number, (reply: any) => void>();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`cache peer exited (${code}) before it was ready`)));
    child.on('message', (message: any) => {
      if (message.ready) resolve();
      else {
        pending.get(message.id)?.(message);
        pending.delete(message.id);
      }
    });
  });
  ready.catch(() => undefined);
  const ask = (request: Omit<Request, 'id'>): Promise<any> =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      child.send({ ...request, id });
    });
  return {
    pid: child.pid!,
    ready,
    exited,
    get: (key) => ask({ op: 'get', key }).then((r) => r.found),
    set: (key, value, tags) => ask({ op: 'set', key, value, tags }).then(() => undefined),
    invalidate: (tags) => ask({ op: 'invalidate', tags }).then(() => undefined),
    stats: () => ask({ op: 'stats' }).then((r) => r.stats),
    close: () => (child.exitCode === null && child.signalCode === null ? ask({ op: 'close' }).then(() => exited) : Promise.resolve()),
    kill: (signal = 'SIGKILL') => child.kill(signal),
  };
}

if (process.env.CACHE_PEER_CHILD === '1' && process.send) await serve();

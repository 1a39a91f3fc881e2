import KeyvRedis, { createClient, createCluster } from '@keyv/redis';
import type { Logger } from '../logger.ts';
import { withTimeout } from '../resilience/timeout.ts';
import { KeyvTier, readHead, sharedKeyv, type KeyStore, type TagStore } from './keyv-tier.ts';
import type { ScannedKey } from './tier.ts';

/** What Contrail uses of a node-redis client or cluster (their generic types do not unify). */
export interface RedisConnection {
  readonly isReady: boolean;
  connect(): Promise<unknown>;
  close(): Promise<unknown>;
  destroy(): void;
  on(event: string, listener: (...args: any[]) => void): unknown;
  once(event: string, listener: (...args: any[]) => void): unknown;
  mGet(keys: string[]): Promise<(string | null)[]>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  publish(channel: string, message: string): Promise<unknown>;
  duplicate(): RedisConnection;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  get(key: string): Promise<string | null>;
  getRange(key: string, start: number, end: number): Promise<string>;
  exists(key: string): Promise<number>;
  unlink(key: string): Promise<number>;
  /** A single node's keys, cursor batch by batch; a cluster has none (see `masters`). */
  scanIterator?(options: { MATCH: string; COUNT: number }): AsyncIterable<string[]>;
  /** A cluster's master nodes, each reached through `nodeClient`. */
  readonly masters?: readonly unknown[];
  nodeClient?(node: unknown): Promise<RedisConnection>;
}

export interface RedisTierOptions {
  /** redis://host:port — or several, comma-separated, for a Redis Cluster's seed nodes. */
  url: string;
  cluster?: boolean;
  connectTimeoutMs: number;
  logger: Logger;
  /**
   * The chain's key prefix: it names the newest-invalidation time (tags come prefixed already),
   * so deployments sharing a Redis do not slow each other's reads. Default: none.
   */
  keyPrefix?: string;
}

// Raise the stored times only (the tag's, and the newest of all): two instances invalidating
// at once must not lower them. Both keys share the {tags} hash slot.
const RAISE_TAG_TIME = `
for i = 1, 2 do
  local current = redis.call('GET', KEYS[i])
  if not current or tonumber(current) < tonumber(ARGV[1]) then
    redis.call('SET', KEYS[i], ARGV[1], 'PX', ARGV[2])
  end
end
return 1`;

/**
 * A node-redis client that fails fast while Redis is away: no offline queue (commands would
 * wait forever), bounded connect time, and reconnection in the background.
 */
export function createRedisConnection({ url, cluster, connectTimeoutMs, logger }: RedisTierOptions): RedisConnection {
  const socket = {
    connectTimeout: connectTimeoutMs,
    reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2000),
  };
  const connection = (
    cluster
      ? createCluster({
          rootNodes: url.split(',').map((u) => ({ url: u.trim() })),
          defaults: { socket, disableOfflineQueue: true },
        })
      : createClient({ url, socket, disableOfflineQueue: true })
  ) as unknown as RedisConnection;
  // Without a listener an 'error' event would crash the process.
  connection.on('error', (err: Error) => logger.debug({ tier: 'redis', err: err.message }, 'redis connection error'));
  return connection;
}

function redisTagStore(connection: RedisConnection, keyPrefix: string): TagStore {
  // One hash slot for every tag key ({tags}), so MGET works on a cluster too. Tags arrive
  // prefixed by the chain.
  const tagKey = (tag: string) => `{tags}:${tag}`;
  const latestKey = `{tags}:${keyPrefix}#latest`;
  return {
    async times(tags) {
      if (tags.length === 0) return [];
      const values = await connection.mGet(tags.map(tagKey));
      return values.map((v) => (v == null ? undefined : Number(v)));
    },
    async latest() {
      const [value] = await connection.mGet([latestKey]);
      return value == null ? 0 : Number(value);
    },
    async invalidate(tags, at, lifetimeMs) {
      await Promise.all(
        tags.map((tag) => connection.eval(RAISE_TAG_TIME, { keys: [tagKey(tag), latestKey], arguments: [String(at), String(Math.ceil(lifetimeMs))] })),
      );
    },
  };
}

/** How much of a value a head read fetches first: the header line of nearly every entry. */
const HEAD_BYTES = 4096;
/** Keys handled per round of pipelined commands. */
const BATCH = 1000;

async function chunked<T, R>(items: readonly T[], each: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += BATCH) out.push(...(await each(items.slice(i, i + BATCH))));
  return out;
}

/**
 * Keys by SCAN on every node (a cluster's masters one by one: SCAN only sees its own node),
 * and one command per key elsewhere: keys of one batch may hash to different cluster slots,
 * and node-redis pipelines concurrent commands anyway. Never KEYS, never FLUSHDB.
 */
function redisKeyStore(connection: RedisConnection): KeyStore {
  const nodes = async (): Promise<RedisConnection[]> =>
    connection.masters && connection.nodeClient ? Promise.all(connection.masters.map((m) => connection.nodeClient!(m))) : [connection];
  const head = async (key: string): Promise<ScannedKey | undefined> => {
    let text = await connection.getRange(key, 0, HEAD_BYTES - 1);
    if (!text) return undefined;
    if (!text.includes('\n') && text.length >= HEAD_BYTES) text = (await connection.get(key)) ?? '';
    return { key, head: readHead(text) };
  };
  return {
    async *scan({ glob, heads }) {
      for (const node of await nodes()) {
        if (!node.scanIterator) throw new Error('this Redis client cannot SCAN');
        for await (const keys of node.scanIterator({ MATCH: glob.redisMatch, COUNT: BATCH })) {
          // SCAN's MATCH is Redis' own glob: the compiled one decides, as in every tier.
          const matched = keys.filter((key) => glob.test(key));
          if (!matched.length) continue;
          if (!heads) yield matched.map((key) => ({ key }));
          else yield (await Promise.all(matched.map(head))).filter((found): found is ScannedKey => found !== undefined);
        }
      }
    },
    async present(keys) {
      const found = await chunked(keys, (chunk) => Promise.all(chunk.map((key) => connection.exists(key))));
      return keys.filter((_, i) => found[i]! > 0);
    },
    async remove(keys) {
      const removed = await chunked(keys, (chunk) => Promise.all(chunk.map((key) => connection.unlink(key))));
      return removed.reduce((sum, n) => sum + n, 0);
    },
    // Counting needs a SCAN of the whole keyspace: not cheap.
    countPrefix: async () => undefined,
  };
}

/**
 * Closes gracefully when Redis answers; a connection that is reconnecting to a dead or frozen
 * server would wait for it forever, so after a short grace it is destroyed.
 */
export async function closeRedis(connection: RedisConnection, graceMs = 500): Promise<void> {
  const closed = await withTimeout(connection.close(), graceMs).then(
    () => true,
    () => false,
  );
  if (!closed) {
    try {
      connection.destroy();
    } catch {
      // already closed
    }
  }
}

/** host:port of each node, without credentials: what a log line may show of a Redis URL. */
export function redisAddress(url: string): string {
  return url
    .split(',')
    .map((u) => {
      try {
        const parsed = new URL(u.trim());
        return `${parsed.hostname}:${parsed.port || 6379}`;
      } catch {
        return '(unparsable URL)';
      }
    })
    .join(',');
}

/**
 * Connects, waiting at most `timeoutMs`: null once connected, else why not. node-redis'
 * connect() does not settle while it retries a closed port, nor while a server accepts and
 * never answers; the client keeps reconnecting in the background either way.
 */
export async function connectWithin(connection: RedisConnection, timeoutMs: number): Promise<string | null> {
  try {
    await withTimeout(connection.connect(), timeoutMs);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** L2: Keyv + @keyv/redis over our own fail-fast connection. */
export async function createRedisTier(options: RedisTierOptions): Promise<{ tier: KeyvTier; connection: RedisConnection }> {
  const connection = createRedisConnection(options);
  // A Redis that is down at start-up is a tier that misses until it comes back (health:
  // degraded), not a failed start nor a hang: said once, and once more when it answers.
  const problem = await connectWithin(connection, options.connectTimeoutMs);
  if (problem) {
    const address = redisAddress(options.url);
    options.logger.warn({ tier: 'redis', address, reason: problem }, `Redis at REDIS_URL (${address}) is not reachable: starting without it; it is picked up when it answers`);
    connection.once('ready', () => options.logger.info({ tier: 'redis', address }, 'Redis is reachable: the Redis tier is back'));
  }
  const adapter = new KeyvRedis(connection as never, {
    throwOnConnectError: true,
    throwOnErrors: true,
    connectionTimeout: options.connectTimeoutMs,
    useUnlink: true,
  });
  const keyv = sharedKeyv(adapter, 'redis', options.logger);
  const close = () => closeRedis(connection);
  const tier = new KeyvTier('redis', keyv, redisTagStore(connection, options.keyPrefix ?? ''), options.logger, close, redisKeyStore(connection));
  return { tier, connection };
}

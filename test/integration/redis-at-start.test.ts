import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createCache, type Cache } from '../../src/cache/create-cache.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { sleep, uniquePrefix } from '../helpers/cache.ts';
import { freePort, missingServer, ownRedis, type OwnedRedis } from '../helpers/servers.ts';

/** A logger whose lines the test reads. */
function capturingLogger() {
  const lines: { level: number; msg: string }[] = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, warnings: () => lines.filter((l) => l.level === 40).map((l) => l.msg), lines };
}

async function eventually(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`not within ${timeoutMs} ms: ${what}`);
}

const cacheFor = (url: string, logger: ReturnType<typeof capturingLogger>['logger']) =>
  createCache({ config: loadConfig({ REDIS_URL: url, CACHE_KEY_PREFIX: uniquePrefix('at-start'), CACHE_TIER_TIMEOUT_MS: '100' }).cache, logger });

describe.skipIf(missingServer('redis'))('a Redis that is not there at start-up', () => {
  let redis: OwnedRedis | undefined;
  const opened: Cache[] = [];
  const sockets: Socket[] = [];
  let silent: Server | undefined;
  afterAll(async () => {
    for (const cache of opened) await cache.close();
    await redis?.stop();
    for (const socket of sockets) socket.destroy();
    silent?.close();
  });

  it('starts within the connect timeout with Redis down, warns once naming REDIS_URL, and picks Redis up when it appears', async () => {
    redis = await ownRedis();
    await redis.stop();
    const { logger, warnings } = capturingLogger();
    const started = performance.now();
    const cache = await cacheFor(redis.url, logger);
    opened.push(cache);
    // The connect timeout is 1 s (at least); it used to wait forever.
    expect(performance.now() - started).toBeLessThan(3000);
    expect(warnings()).toEqual([expect.stringMatching(/^Redis at REDIS_URL \(127\.0\.0\.1:\d+\) is not reachable: starting without it/)]);
    expect(warnings().join('\n')).not.toContain('redis://');
    expect((await cache.chain.ping()).redis).toBe(false);
    // Answers still flow from memory.
    await cache.chain.set('k', 'v', { ttl: 60_000 });
    expect((await cache.chain.get('k'))?.value).toBe('v');

    await redis.start();
    await eventually('the Redis tier answers', async () => (await cache.chain.ping()).redis === true);
    await eventually('the bus is listening', () => cache.chain.stats().bus?.healthy === true);
    // One start-up warning about Redis (the calls made meanwhile are the breaker's to report).
    expect(warnings().filter((w) => /REDIS_URL/.test(w))).toHaveLength(1);
  });

  it('starts within the connect timeout when Redis accepts connections and never answers', async () => {
    const port = await freePort();
    silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent!.listen(port, '127.0.0.1', resolve));
    const { logger, warnings } = capturingLogger();
    const started = performance.now();
    const cache = await cacheFor(`redis://127.0.0.1:${port}`, logger);
    opened.push(cache);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(warnings()).toEqual([expect.stringMatching(/REDIS_URL/)]);
    expect((await cache.chain.ping()).redis).toBe(false);
  });
});

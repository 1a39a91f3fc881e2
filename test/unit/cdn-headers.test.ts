import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCdnHeaders, headerSafeTag, UNPURGEABLE } from '../../plugins/response-cache/cdn-tags.ts';
import { cacheControl, decodeStored, encodeStored, type Meta } from '../../plugins/response-cache/http-caching.ts';
import { defaultTtlPolicy } from '../../plugins/response-cache/ttl-policy.ts';
import { createCdnPurge, type CdnPurge } from '../../src/cdn/purge.ts';
import { ConfigError, loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { chain, sleep, uniquePrefix } from '../helpers/cache.ts';
import { stopClock } from '../helpers/clock.ts';
import { seededPglite, testLogger, type TestDatabase } from '../helpers/databases.ts';
import { graphql, testGateway } from '../helpers/gateway.ts';
import { bearer, token } from '../helpers/tokens.ts';

const meta = (scope: Meta['scope'], ageSeconds: number, ttlSeconds: number): Meta => ({ hit: true, tier: 'memory', ageSeconds, ttlSeconds, scope, stale: false });

describe('CDN tags in header-safe form', () => {
  it('keeps a tag of safe characters as it is', () => {
    expect(headerSafeTag('Airport:3797')).toBe('Airport:3797');
    expect(headerSafeTag('Flight:BA117:2026-11-21')).toBe('Flight:BA117:2026-11-21');
    expect(headerSafeTag('type:Airport')).toBe('type:Airport');
  });

  it('writes spaces, commas, percent signs and non-ASCII as %XX of their UTF-8 bytes', () => {
    expect(headerSafeTag('City:São Paulo')).toBe('City:S%C3%A3o%20Paulo');
    expect(headerSafeTag('a,b%c')).toBe('a%2Cb%25c');
    expect(headerSafeTag('x{"y"}\n')).toBe('x%7B%22y%22%7D%0A');
  });

  it('names a tag longer than 1024 bytes by its digest, the same every time', () => {
    const long = `Route:${'x'.repeat(1100)}`;
    expect(headerSafeTag(long)).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(headerSafeTag(long)).toBe(headerSafeTag(long));
    expect(headerSafeTag(`Route:${'x'.repeat(1018)}`)).toHaveLength(1024);
  });

  it('keeps an entry\'s tags sorted, once each, space-separated — or UNPURGEABLE when over the bound, or none when off', () => {
    const cdn = createCdnHeaders({ maxTagHeaderBytes: 40 });
    expect(cdn.tagLine(['type:Airport', 'Airport:2', 'Airport:10', 'Airport:2'])).toBe('Airport:10 Airport:2 type:Airport');
    expect(cdn.tagLine(['type:Airport', 'Airport:2', 'Airport:10', 'Airport:11'])).toBe(UNPURGEABLE);
    expect(createCdnHeaders({ maxTagHeaderBytes: 0 }).tagLine(['Airport:2'])).toBe('');
  });

  it('sends Surrogate-Key with spaces and Cache-Tag with commas', () => {
    const headers: Record<string, string> = {};
    createCdnHeaders().addTo(headers, 'W/"e"', 'Airport:10 type:Airport');
    expect(headers).toEqual({ 'surrogate-key': 'Airport:10 type:Airport', 'cache-tag': 'Airport:10,type:Airport' });
    const none: Record<string, string> = {};
    createCdnHeaders().addTo(none, 'W/"f"', UNPURGEABLE);
    expect(none).toEqual({});
  });
});

describe('CDN settings', () => {
  it('default to s-maxage at max-age, 4096-byte tag headers and no webhook', () => {
    const config = loadConfig({});
    expect(config.responseCache.cdn).toEqual({ sMaxAgeFactor: 1, maxTagHeaderBytes: 4096 });
    expect(config.cdnPurge).toBeUndefined();
  });

  it('are read from the environment', () => {
    const config = loadConfig({ CDN_S_MAXAGE_FACTOR: '2.5', CDN_TAG_HEADER_MAX_BYTES: '0', CDN_PURGE_URL: 'https://purge.example.com/hook', CDN_PURGE_TOKEN: 't', CDN_PURGE_BATCH_MS: '0' });
    expect(config.responseCache.cdn).toEqual({ sMaxAgeFactor: 2.5, maxTagHeaderBytes: 0 });
    expect(config.cdnPurge).toEqual({ url: 'https://purge.example.com/hook', token: 't', batchMs: 0 });
  });

  it('refuse a negative factor, tag headers over 16 KB and a webhook that is not http(s)', () => {
    expect(() => loadConfig({ CDN_S_MAXAGE_FACTOR: '-1' })).toThrow(ConfigError);
    expect(() => loadConfig({ CDN_TAG_HEADER_MAX_BYTES: '16385' })).toThrow(/CDN_TAG_HEADER_MAX_BYTES/);
    expect(() => loadConfig({ CDN_PURGE_URL: 'ftp://purge.example.com' })).toThrow(/CDN_PURGE_URL/);
  });
});

describe('stored answers', () => {
  it('round-trip with their tag line', () => {
    const stored = { etag: 'W/"abc"', tagLine: 'Airport:1 type:Airport', body: '{"data":{"a":"x\\ny"}}' };
    expect(decodeStored(encodeStored(stored))).toEqual(stored);
    expect(decodeStored(encodeStored({ ...stored, tagLine: '' }))).toEqual({ ...stored, tagLine: '' });
  });

  it('of the first format (etag, then the body) are skipped: they have no tags for a CDN', () => {
    expect(decodeStored('W/"abc"\n{"data":{"a":1}}')).toBeNull();
    expect(decodeStored('no newline')).toBeNull();
    expect(decodeStored(42)).toBeNull();
  });
});

describe('Cache-Control with s-maxage', () => {
  it('gives PUBLIC answers s-maxage as a multiple of their whole lifetime, left out where it equals max-age', () => {
    expect(cacheControl('PUBLIC', meta('PUBLIC', 100, 3500), 2, 'Airport:1')).toBe('public, max-age=3600, s-maxage=7200');
    expect(cacheControl('PUBLIC', meta('PUBLIC', 100, 3500), 0.5, 'Airport:1')).toBe('public, max-age=3600, s-maxage=1800');
    expect(cacheControl('PUBLIC', meta('PUBLIC', 100, 3500), 1, 'Airport:1')).toBe('public, max-age=3600');
    expect(cacheControl('PUBLIC', meta('PUBLIC', 100, 3500), 0, 'Airport:1')).toBe('public, max-age=3600');
  });

  it('gives an answer a CDN could not purge s-maxage=0, whatever the factor', () => {
    expect(cacheControl('PUBLIC', meta('PUBLIC', 0, 600), 3, UNPURGEABLE)).toBe('public, max-age=600, s-maxage=0');
    expect(cacheControl('PUBLIC', meta('PUBLIC', 0, 600), 0, UNPURGEABLE)).toBe('public, max-age=600, s-maxage=0');
  });

  it('never gives a non-PUBLIC answer s-maxage', () => {
    expect(cacheControl('PRIVATE', meta('PRIVATE', 0, 300), 2, 'UserQuotes:u1')).toBe('private, max-age=300');
    expect(cacheControl('AUTHENTICATED', meta('AUTHENTICATED', 0, 300), 2, 'Airport:1')).toBe('private, max-age=300');
  });
});

describe('the gateway\'s CDN headers', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await seededPglite();
  });
  afterAll(() => database.close());

  const gatewayWith = (cdn: { sMaxAgeFactor?: number; maxTagHeaderBytes?: number }) =>
    testGateway(database, { cache: chain({ keyPrefix: uniquePrefix('cdn') }), responseCache: { enabled: true, ttl: defaultTtlPolicy, extensions: true, cdn } });
  const airport = 'query Airport($iata: String!) { airport(iata: $iata) { id iata name } }';

  afterEach(() => vi.useRealTimers());

  it('are the same on a miss and on the hit after it', async () => {
    stopClock();
    const gateway = gatewayWith({ sMaxAgeFactor: 2 });
    const miss = await graphql(gateway, airport, { variables: { iata: 'HEL' } });
    const hit = await graphql(gateway, airport, { variables: { iata: 'HEL' } });
    expect(hit.body.extensions.cache.hit).toBe(true);
    const id = miss.body.data.airport.id;
    for (const answer of [miss, hit]) {
      expect(answer.headers.get('cache-control')).toBe('public, max-age=43200, s-maxage=86400');
      expect(answer.headers.get('surrogate-key')).toBe(`Airport:${id} type:Airport`);
      expect(answer.headers.get('cache-tag')).toBe(`Airport:${id},type:Airport`);
    }
    expect(hit.headers.get('etag')).toBe(miss.headers.get('etag'));
  });

  it('leave the tags out of an answer with more than fit, and tell a CDN to revalidate it', async () => {
    const gateway = gatewayWith({ sMaxAgeFactor: 2, maxTagHeaderBytes: 20 });
    for (let i = 0; i < 2; i++) {
      const answer = await graphql(gateway, airport, { variables: { iata: 'TLL' } });
      expect(answer.headers.get('cache-control')).toMatch(/^public, max-age=\d+, s-maxage=0$/);
      expect(answer.headers.get('surrogate-key')).toBeNull();
      expect(answer.headers.get('cache-tag')).toBeNull();
    }
  });

  it('are never on a PRIVATE answer', async () => {
    const gateway = gatewayWith({ sMaxAgeFactor: 2 });
    const user = bearer(await token({ sub: 'u1' }));
    for (let i = 0; i < 2; i++) {
      const answer = await graphql(gateway, '{ viewer { id } }', { headers: user });
      expect(answer.headers.get('cache-control')).toBe('private, max-age=300');
      expect(answer.headers.get('surrogate-key')).toBeNull();
      expect(answer.headers.get('cache-tag')).toBeNull();
    }
  });
});

/** A webhook receiver: records every request; answers each with the next status given (200 after). */
async function receiver(statuses: number[] = []) {
  const requests: { authorization?: string; body: { tags?: string[]; surrogateKeys?: string[]; all?: true } }[] = [];
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    requests.push({ authorization: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString()) });
    res.writeHead(statuses.shift() ?? 200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/purge`, requests, close: () => new Promise((r) => server.close(r)) };
}

function recordingLogger() {
  const lines: { level: number; msg: string; [key: string]: unknown }[] = [];
  const logger = createLogger('warn', new Writable({ write: (chunk, _, done) => (lines.push(JSON.parse(chunk.toString())), done()) }));
  return { logger, lines };
}

async function until(condition: () => boolean) {
  for (let i = 0; i < 200 && !condition(); i++) await sleep(25);
  expect(condition()).toBe(true);
}

describe('the purge webhook', () => {
  let purge: CdnPurge | undefined;
  afterEach(() => purge?.close());

  it('sends the tags of invalidations within one window in one POST, each once, with the bearer token', async () => {
    const hook = await receiver();
    purge = createCdnPurge({ url: hook.url, token: 't0ken', batchMs: 50, logger: testLogger });
    purge.enqueue(['Airport:1', 'type:Airport']);
    purge.enqueue(['Airport:1', 'City:São Paulo']);
    await until(() => hook.requests.length > 0);
    await sleep(150);
    expect(hook.requests).toEqual([
      { authorization: 'Bearer t0ken', body: { tags: ['Airport:1', 'type:Airport', 'City:São Paulo'], surrogateKeys: ['Airport:1', 'type:Airport', 'City:S%C3%A3o%20Paulo'] } },
    ]);
    await hook.close();
  });

  it('tells the CDN to drop everything after a flush, once, in place of the tags queued before it', async () => {
    const hook = await receiver();
    purge = createCdnPurge({ url: hook.url, batchMs: 50, logger: testLogger });
    purge.enqueue(['Airport:1']);
    purge.enqueueAll();
    purge.enqueueAll();
    await purge.flush();
    purge.enqueue(['Airport:2']);
    await purge.flush();
    expect(hook.requests.map((r) => r.body)).toEqual([{ all: true }, { tags: ['Airport:2'], surrogateKeys: ['Airport:2'] }]);
    await hook.close();
  });

  it('splits more tags than a POST holds over several', async () => {
    const hook = await receiver();
    purge = createCdnPurge({ url: hook.url, batchMs: 10, maxBatchTags: 2, logger: testLogger });
    purge.enqueue(['a', 'b', 'c']);
    await purge.flush();
    expect(hook.requests.map((r) => r.body.tags)).toEqual([['a', 'b'], ['c']]);
    await hook.close();
  });

  it('retries a 500 and a 503, then stops retrying once one succeeds', async () => {
    const hook = await receiver([500, 503]);
    const { logger, lines } = recordingLogger();
    purge = createCdnPurge({ url: hook.url, batchMs: 10, retryBaseMs: 10, logger });
    purge.enqueue(['Airport:1']);
    await purge.flush();
    expect(hook.requests.map((r) => r.body.tags)).toEqual([['Airport:1'], ['Airport:1'], ['Airport:1']]);
    expect(lines.map((l) => l.msg)).toEqual(['CDN purge failed: retrying', 'CDN purge failed: retrying']);
    await hook.close();
  });

  it('gives up after its attempts, or at once on a 4xx, and logs it without the token', async () => {
    const hook = await receiver([500, 500, 400]);
    const { logger, lines } = recordingLogger();
    purge = createCdnPurge({ url: hook.url, token: 'secret-token', batchMs: 10, retryBaseMs: 10, maxAttempts: 2, logger });
    purge.enqueue(['Airport:1']);
    await purge.flush();
    purge.enqueue(['Airport:2']);
    await purge.flush();
    expect(hook.requests.map((r) => r.body.tags)).toEqual([['Airport:1'], ['Airport:1'], ['Airport:2']]);
    expect(lines.filter((l) => l.level === 50).map((l) => [l.msg, l.tags, l.sample])).toEqual([
      ['CDN purge gave up: the CDN may serve these answers until their s-maxage', 1, ['Airport:1']],
      ['CDN purge gave up: the CDN may serve these answers until their s-maxage', 1, ['Airport:2']],
    ]);
    expect(JSON.stringify(lines)).not.toContain('secret-token');
    await hook.close();
  });

  it('holds at most maxQueuedTags waiting, and says so when it drops some', async () => {
    const hook = await receiver();
    const { logger, lines } = recordingLogger();
    purge = createCdnPurge({ url: hook.url, batchMs: 10, maxQueuedTags: 2, logger });
    purge.enqueue(['a', 'b', 'c', 'd']);
    await purge.flush();
    expect(hook.requests.map((r) => r.body.tags)).toEqual([['a', 'b']]);
    expect(lines.map((l) => [l.msg, l.dropped])).toEqual([['CDN purge queue full: invalidated tags dropped, the CDN may serve them until their s-maxage', 1]]);
    await hook.close();
  });

  it('sends what is queued when closed, before the window ends', async () => {
    const hook = await receiver();
    purge = createCdnPurge({ url: hook.url, batchMs: 60_000, logger: testLogger });
    purge.enqueue(['Airport:9']);
    await purge.close();
    expect(hook.requests.map((r) => r.body.tags)).toEqual([['Airport:9']]);
    purge.enqueue(['Airport:10']);
    await purge.flush();
    expect(hook.requests).toHaveLength(1);
    await hook.close();
  });
});

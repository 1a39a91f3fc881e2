import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partners } from '../../drizzle/schema/index.ts';
import { createAuthenticator } from '../../src/auth/authenticator.ts';
import { createPartner } from '../../src/auth/partner-keys.ts';
import type { Cache } from '../../src/cache/create-cache.ts';
import { createEdgeServer } from '../../src/http/edge.ts';
import { createLogger } from '../../src/logger.ts';
import { loadConfig } from '../../src/config.ts';
import { startServer } from '../../src/server.ts';
import { defaultRateLimits, type RateLimit, type RateLimitOptions } from '../../src/rate-limit/create-rate-limit.ts';
import { startRateLimit } from '../../src/rate-limit/start-rate-limit.ts';
import { hasRedis, redisUrl, sharedCache, sleep, uniquePrefix } from '../helpers/cache.ts';
import { hasPostgres, seededPostgres, testLogger, type TestDatabase } from '../helpers/databases.ts';
import { graphql, testAuthConfig, testGateway, type GraphQLResult } from '../helpers/gateway.ts';
import { missingServer, ownRedis, type OwnedRedis } from '../helpers/servers.ts';
import { bearer, token } from '../helpers/tokens.ts';
import { removeSharedKeys } from '../helpers/contrail-server.ts';

const airport = 'query Airport($iata: String!) { airport(iata: $iata) { iata name } }';
const createQuote = 'mutation Create($input: QuoteInput!) { createQuote(input: $input) { id } }';
const twoQuotes = 'mutation Two($input: QuoteInput!) { a: createQuote(input: $input) { id } b: createQuote(input: $input) { id } }';
const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
const quoteInput = { flight: 'DL1', date: tomorrow, coverage: 200, delayThresholdMinutes: 120 };

let codes = 0;
/** An IATA code no request in this file asked for yet: its answer is a miss. */
const freshCode = () => {
  const n = codes++;
  return String.fromCharCode(65 + ((n / 676) | 0), 65 + ((n / 26) % 26 | 0), 65 + (n % 26));
};

const remaining = (result: GraphQLResult) => result.headers.get('ratelimit-remaining');

interface Instance {
  url: string;
  rateLimit: RateLimit;
  /** Requests the edge handed to Yoga (the fast path answered the others). */
  yogaCalls(): number;
  close(): Promise<void>;
}

/** A log that tests read: pino's JSON lines, parsed. */
function recordingLogger() {
  const lines: { level: number; msg: string }[] = [];
  return { lines, logger: createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) }) };
}

describe.skipIf(!hasRedis || !hasPostgres)('rate limits where cache hits cost less', () => {
  let database: TestDatabase;
  const prefix = uniquePrefix('rate-limit');
  const closers: (() => Promise<void>)[] = [];

  /** One gateway instance as the server builds it — edge, admission, fast path, Yoga — on a cache shared through Redis. */
  async function instance({
    options = {},
    redis = redisUrl!,
    keyPrefix = prefix,
    logger = testLogger,
    admission = true,
  }: { options?: Partial<RateLimitOptions>; redis?: string; keyPrefix?: string; logger?: typeof testLogger; admission?: boolean } = {}): Promise<Instance> {
    const cache: Cache = await sharedCache(database.url!, prefix);
    const authenticate = createAuthenticator(testAuthConfig, database.db);
    const limiting = await startRateLimit({
      options: { ...defaultRateLimits, partnerLimitCacheMs: 0, fields: { 'Mutation.createQuote': { points: 2, durationSeconds: 3600 } }, ...options },
      redis: { url: redis, cluster: false },
      keyPrefix: `${keyPrefix}ratelimit`,
      timeoutMs: 200,
      db: database.db,
      authenticate,
      logger,
    });
    const gateway = testGateway(database, { cache: cache.chain, authenticate, rateLimit: limiting.rateLimit });
    let calls = 0;
    const server: Server = createEdgeServer({
      maxBodyBytes: 1 << 20,
      maxUrlLength: 16 * 1024,
      fastPath: gateway.fastPath,
      admit: admission ? limiting.rateLimit.admit : undefined,
      gateway: {
        fetch(url, init, serverContext) {
          calls++;
          return gateway.fetch(url, init, serverContext as never);
        },
      },
      logger: testLogger,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const close = async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await limiting.close();
      await cache.close();
    };
    closers.push(close);
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`, rateLimit: limiting.rateLimit, yogaCalls: () => calls, close };
  }

  /** A partner with `perMinute` points, and its key's header. */
  async function partner(name: string, perMinute: number) {
    const created = await createPartner(database.db, `${name}-${prefix}`);
    await database.db.update(partners).set({ rateLimitPerMinute: perMinute }).where(eq(partners.id, created.partner.id));
    return { headers: { 'x-api-key': created.key }, key: created.key };
  }

  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    database = await seededPostgres();
    a = await instance();
    b = await instance();
    // Anonymous callers warm the entry partners then hit (PUBLIC answers are shared).
    expect((await graphql(a.url, airport, { variables: { iata: 'SEA' } })).body.extensions.cache.hit).toBe(false);
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await database?.close();
    await removeSharedKeys(prefix);
  });

  it('gives a partner with 30 points per minute exactly 30 fast-path hits (1 point each), then a 429', async () => {
    const p = await partner('hits', 30);
    const before = a.yogaCalls();
    const left: (string | null)[] = [];
    for (let i = 0; i < 30; i++) {
      const result = await graphql(a.url, airport, { variables: { iata: 'SEA' }, headers: p.headers });
      expect(result.status).toBe(200);
      expect(result.body.extensions.cache.hit).toBe(true);
      left.push(remaining(result));
    }
    expect(left).toEqual(Array.from({ length: 30 }, (_, i) => String(29 - i)));
    // Every one answered before Yoga: the fast path's hits pay too.
    expect(a.yogaCalls()).toBe(before);

    const refused = await graphql(a.url, airport, { variables: { iata: 'SEA' }, headers: p.headers });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit-limit')).toBe('30');
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    const reset = Number(refused.headers.get('ratelimit-reset'));
    expect(reset).toBeGreaterThan(0);
    expect(reset).toBeLessThanOrEqual(60);
    expect(refused.headers.get('retry-after')).toBe(String(reset));
    expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
    expect(refused.body.errors).toEqual([{ message: expect.stringMatching(/30 points per minute/), extensions: { code: 'RATE_LIMITED' } }]);
    expect(refused.text).not.toMatch(/stack|at \//);
    expect(a.yogaCalls()).toBe(before);
  });

  it('gives the same partner budget only 3 misses (10 points each), the 4th refused on arrival', async () => {
    const p = await partner('misses', 30);
    const before = a.yogaCalls();
    database.queries.length = 0;
    const left: (string | null)[] = [];
    for (let i = 0; i < 3; i++) {
      const result = await graphql(a.url, airport, { variables: { iata: freshCode() }, headers: p.headers });
      expect(result.status).toBe(200);
      expect(result.body.extensions.cache.hit).toBe(false);
      left.push(remaining(result));
    }
    expect(left).toEqual(['20', '10', '0']);
    expect(a.yogaCalls()).toBe(before + 3);
    // Each executed: one airport read apiece (what a refused miss, below, never does).
    expect(database.queries.filter((q) => /airports/.test(q.sql)).length).toBe(3);

    const refused = await graphql(a.url, airport, { variables: { iata: freshCode() }, headers: p.headers });
    expect(refused.status).toBe(429);
    expect(refused.body.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(a.yogaCalls()).toBe(before + 3);
  });

  it('refuses a miss whose execution does not fit with a 429 from Yoga before it executes, and gives its points back', async () => {
    const p = await partner('mixed', 30);
    for (let i = 0; i < 25; i++) expect((await graphql(a.url, airport, { variables: { iata: 'SEA' }, headers: p.headers })).status).toBe(200);
    database.queries.length = 0;
    const before = a.yogaCalls();

    const refused = await graphql(a.url, airport, { variables: { iata: freshCode() }, headers: p.headers });
    expect(a.yogaCalls()).toBe(before + 1);
    expect(refused.status).toBe(429);
    expect(refused.body.errors).toEqual([{ message: expect.stringMatching(/Rate limit exceeded/), extensions: { code: 'RATE_LIMITED' } }]);
    // Arrival cost 1 of the 5 left; the 9 more executing would cost were refused and given back.
    expect(refused.headers.get('ratelimit-remaining')).toBe('4');
    expect(refused.headers.get('ratelimit-limit')).toBe('30');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(refused.headers.get('cache-control')).toBe('no-store');
    // Nothing executed: no airport was read.
    expect(database.queries.filter((q) => /airports/.test(q.sql))).toEqual([]);

    // A GET hit answered by Yoga's cache plugin costs 1 too: the 4 points left are 4 hits.
    const left: (string | null)[] = [];
    for (let i = 0; i < 4; i++) {
      const result = await graphql(a.url, airport, { variables: { iata: 'SEA' }, headers: p.headers, method: 'GET' });
      expect(result.body.extensions.cache.hit).toBe(true);
      left.push(remaining(result));
    }
    expect(left).toEqual(['3', '2', '1', '0']);
    expect((await graphql(a.url, airport, { variables: { iata: 'SEA' }, headers: p.headers })).status).toBe(429);
  });

  it('shares one budget between two gateway instances on the same Redis', async () => {
    const p = await partner('shared', 30);
    const left: (string | null)[] = [];
    for (let i = 0; i < 30; i++) {
      const result = await graphql(i % 2 ? b.url : a.url, airport, { variables: { iata: 'SEA' }, headers: p.headers });
      expect(result.status).toBe(200);
      left.push(remaining(result));
    }
    expect(left).toEqual(Array.from({ length: 30 }, (_, i) => String(29 - i)));
    expect((await graphql(a.url, airport, { variables: { iata: 'SEA' }, headers: p.headers })).status).toBe(429);
    expect((await graphql(b.url, airport, { variables: { iata: 'SEA' }, headers: p.headers })).status).toBe(429);
  });

  it('charges a key that does not verify to the address, never to the partner it names', async () => {
    const p = await partner('named', 30);
    const forged = { 'x-api-key': `${p.key.slice(0, 15)}${'A'.repeat(p.key.length - 15)}` };
    for (let i = 0; i < 5; i++) {
      const result = await graphql(a.url, airport, { variables: { iata: 'SEA' }, headers: forged });
      expect(result.status).toBe(401);
      expect(result.headers.get('ratelimit-limit')).toBe(String(defaultRateLimits.anonymousPerMinute));
    }
    expect(remaining(await graphql(a.url, airport, { variables: { iata: 'SEA' }, headers: p.headers }))).toBe('29');
  });

  it('refuses random API keys once the address budget is spent, without looking them up', async () => {
    const limited = await instance({ options: { anonymousPerMinute: 3 }, keyPrefix: `${prefix}random-keys:` });
    const random = () => `ctr_${Math.random().toString(36).slice(2, 12).padEnd(10, '0')}_${'A'.repeat(43)}`;
    const lookups = () => database.queries.filter((q) => /"partners"/.test(q.sql)).length;
    database.queries.length = 0;
    const answers: [number, number][] = [];
    for (let i = 0; i < 5; i++) {
      const { status } = await graphql(limited.url, airport, { variables: { iata: 'SEA' }, headers: { 'x-api-key': random() } });
      answers.push([status, lookups()]);
    }
    // Two lookups per key that fitted the address budget — admission's, then Yoga's auth plugin's
    // (these tests remember no key) — and none for the keys refused.
    expect(answers).toEqual([[401, 2], [401, 4], [401, 6], [429, 6], [429, 6]]);
  });

  it('charges an anonymous caller for /admin too, and refuses it once the address budget is spent', async () => {
    const limited = await instance({ options: { anonymousPerMinute: 3 }, keyPrefix: `${prefix}admin-flood:` });
    const base = limited.url.replace(/\/graphql$/, '');
    const answers: [number, string | null][] = [];
    for (let i = 0; i < 4; i++) {
      const response = await fetch(`${base}/admin/cache/stats`);
      await response.arrayBuffer();
      answers.push([response.status, response.headers.get('ratelimit-remaining')]);
    }
    expect(answers.map(([, left]) => left)).toEqual(['2', '1', '0', '0']);
    expect(answers.at(-1)![0]).toBe(429);
    expect(answers.slice(0, 3).every(([status]) => status === 401 || status === 403)).toBe(true);
    // Probes are never limited.
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
  });

  it('charges the whole miss cost to an operation that reached Yoga without admission', async () => {
    const unadmitted = await instance({ keyPrefix: `${prefix}unadmitted:`, admission: false });
    const miss = await graphql(unadmitted.url, airport, { variables: { iata: freshCode() } });
    expect(miss.body.extensions.cache.hit).toBe(false);
    expect(miss.headers.get('ratelimit-limit')).toBe(String(defaultRateLimits.anonymousPerMinute));
    expect(remaining(miss)).toBe(String(defaultRateLimits.anonymousPerMinute - defaultRateLimits.missCost));
    const p = await partner('unadmitted', 30);
    const answers: [number, string | null][] = [];
    for (let i = 0; i < 4; i++) {
      const result = await graphql(unadmitted.url, airport, { variables: { iata: freshCode() }, headers: p.headers });
      answers.push([result.status, remaining(result)]);
    }
    // 10 points per miss from the partner's 30: the fourth is refused before it executes.
    expect(answers).toEqual([[200, '20'], [200, '10'], [200, '0'], [429, '0']]);
  });

  it('limits signed-in users per user, and never admins or services', async () => {
    const user = bearer(await token({ sub: `limits-user-${prefix}` }));
    const hit = await graphql(a.url, airport, { variables: { iata: 'SEA' }, headers: user });
    expect(hit.headers.get('ratelimit-limit')).toBe(String(defaultRateLimits.userPerMinute));
    expect(remaining(hit)).toBe(String(defaultRateLimits.userPerMinute - 1));
    for (const role of ['admin', 'service']) {
      const result = await graphql(a.url, airport, { variables: { iata: freshCode() }, headers: bearer(await token({ sub: 'ops', role })) });
      expect(result.status).toBe(200);
      expect(result.headers.get('ratelimit-limit')).toBeNull();
    }
  });

  it('allows createQuote twice per hour per user, counting every selection, and refuses the third with a 429', async () => {
    const u1 = bearer(await token({ sub: `quoter-1-${prefix}` }));
    const u2 = bearer(await token({ sub: `quoter-2-${prefix}` }));
    for (let i = 0; i < 2; i++) {
      const result = await graphql(a.url, createQuote, { variables: { input: quoteInput }, headers: u1 });
      expect(result.body.errors?.[0]?.extensions?.code).not.toBe('RATE_LIMITED');
    }
    const refused = await graphql(b.url, createQuote, { variables: { input: quoteInput }, headers: u1 });
    expect(refused.status).toBe(429);
    expect(refused.body.errors).toEqual([{ message: expect.stringMatching(/Mutation\.createQuote allows 2 points/), extensions: { code: 'RATE_LIMITED' } }]);
    expect(refused.headers.get('ratelimit-limit')).toBe('2');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3500);

    // Another user has their own budget: two selections in one operation spend both points.
    expect((await graphql(a.url, twoQuotes, { variables: { input: quoteInput }, headers: u2 })).body.errors?.[0]?.extensions?.code).not.toBe('RATE_LIMITED');
    expect((await graphql(a.url, createQuote, { variables: { input: quoteInput }, headers: u2 })).status).toBe(429);
  });

  it('believes X-Forwarded-For only from a trusted proxy, and only its right-most untrusted entry', async () => {
    const options = { anonymousPerMinute: 5 };
    const direct = await instance({ options, keyPrefix: `${prefix}direct:` });
    const proxied = await instance({ options: { ...options, trustedProxies: ['127.0.0.1/32'] }, keyPrefix: `${prefix}proxied:` });
    const ask = (target: Instance, forwardedFor: string) => graphql(target.url, airport, { variables: { iata: 'SEA' }, headers: { 'x-forwarded-for': forwardedFor } });

    // Not behind a trusted proxy: every claimed address is the peer's one budget.
    const directly = [];
    for (let i = 1; i <= 6; i++) directly.push((await ask(direct, `198.51.100.${i}`)).status);
    expect(directly).toEqual([200, 200, 200, 200, 200, 429]);

    const proxiedStatuses = [];
    for (let i = 0; i < 6; i++) proxiedStatuses.push((await ask(proxied, '198.51.100.1')).status);
    expect(proxiedStatuses).toEqual([200, 200, 200, 200, 200, 429]);
    // Another client behind the proxy has its own budget.
    expect(remaining(await ask(proxied, '198.51.100.2'))).toBe('4');
    // An entry the client prepended buys nothing: the proxy's entry is the client.
    expect((await ask(proxied, '203.0.113.77, 198.51.100.1')).status).toBe(429);
  });

  it('is wired into the server: `contrail serve` limits by the environment', async () => {
    const server = await startServer(
      loadConfig({
        DATABASE_URL: database.url!,
        REDIS_URL: redisUrl!,
        CACHE_KEY_PREFIX: `${prefix}server:`,
        RATE_LIMIT_ANONYMOUS_PER_MINUTE: '12',
        RATE_LIMIT_MISS_COST: '5',
        BACKFILL_ON_START: 'off',
        PORT: '0',
        HOST: '127.0.0.1',
      }),
      testLogger,
    );
    closers.push(() => server.close());
    const ask = () => graphql(server.url, airport, { variables: { iata: 'SEA' } });
    // A miss (5), then hits (1 each) until the 12 points are spent.
    const left: (string | null)[] = [];
    for (let i = 0; i < 8; i++) left.push(remaining(await ask()));
    expect(left).toEqual(['7', '6', '5', '4', '3', '2', '1', '0']);
    expect((await ask()).status).toBe(429);
  });

  describe('with the rate limits on a Redis the test owns', () => {
    let redis: OwnedRedis | undefined;
    const skip = missingServer('redis');

    beforeAll(async () => {
      if (!skip) redis = await ownRedis();
    });
    afterAll(async () => redis?.stop());

    it.skipIf(skip)('limits in-process while Redis is down, logs the outage once, counts every fallback, and shares again once it is back', async () => {
      const { lines, logger } = recordingLogger();
      const owned = await instance({ redis: redis!.url, keyPrefix: `${prefix}owned:`, logger });
      const p = await partner('outage', 30);
      for (let i = 0; i < 10; i++) expect((await graphql(owned.url, airport, { variables: { iata: 'SEA' }, headers: p.headers })).status).toBe(200);
      expect(owned.rateLimit.stats().fallbacks).toBe(0);

      await redis!.stop();
      // In-process counts start afresh: 30 points, whatever Redis had counted.
      const statuses: number[] = [];
      const left: (string | null)[] = [];
      for (let i = 0; i < 31; i++) {
        const result = await graphql(owned.url, airport, { variables: { iata: 'SEA' }, headers: p.headers });
        statuses.push(result.status);
        left.push(remaining(result));
      }
      expect(statuses).toEqual([...Array<number>(30).fill(200), 429]);
      expect(left).toEqual([...Array.from({ length: 30 }, (_, i) => String(29 - i)), '0']);
      expect(owned.rateLimit.stats().fallbacks).toBe(31);
      expect(owned.rateLimit.stats().refused.admission).toBe(1);
      const outage = (l: { msg: string }) => /Redis is not answering/.test(l.msg);
      expect(lines.filter(outage).length).toBe(1);

      await redis!.start();
      let back: GraphQLResult | undefined;
      for (let i = 0; i < 100 && back?.status !== 200; i++) {
        back = await graphql(owned.url, airport, { variables: { iata: 'SEA' }, headers: p.headers });
        if (back.status !== 200) await sleep(100);
      }
      // The restarted Redis kept nothing: the budget counts from its first take.
      expect(remaining(back!)).toBe('29');
      expect(lines.filter((l) => /Redis answers again/.test(l.msg)).length).toBe(1);
      expect(lines.filter(outage).length).toBe(1);
    });
  });
});

import { createHash } from 'node:crypto';
import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { queryLog, warmingRuns } from '../../drizzle/schema/operations.ts';
import { keyBase } from '../../plugins/response-cache/key.ts';
import { createAuthenticator } from '../../src/auth/authenticator.ts';
import type { Cache } from '../../src/cache/create-cache.ts';
import type { Gateway } from '../../src/gateway.ts';
import type { RunningServer } from '../../src/server.ts';
import { AirportWeatherDocument, ReferenceCountriesDocument } from '../../schema/generated/graphql.ts';
import { createWarming, type Warming } from '../../src/warming/index.ts';
import { createSlotLease, postgresLease } from '../../src/warming/lease.ts';
import { createQueryLogSink, type QueryLogSink } from '../../src/warming/query-log.ts';
import { createServiceIdentity } from '../../src/warming/service-identity.ts';
import { createWarmer } from '../../src/warming/warmer.ts';
import { removeSharedKeys, startTestServer } from '../helpers/contrail-server.ts';
import { chain, hasRedis, redisUrl, sharedCache, sleep, uniquePrefix } from '../helpers/cache.ts';
import { hasPostgres, seededPostgres, testLogger, type TestDatabase } from '../helpers/databases.ts';
import { graphql, testAuthConfig, testGateway } from '../helpers/gateway.ts';
import { bearer, token } from '../helpers/tokens.ts';
import { startTestSandbox, type TestSandbox } from '../helpers/upstreams.ts';

const airport = 'query Airport($iata: String!) { airport(iata: $iata) { iata name } }';

describe.skipIf(!hasRedis || !hasPostgres)('cache warming', () => {
  let database: TestDatabase;
  let sandbox: TestSandbox;
  let cacheA: Cache;
  let cacheB: Cache;
  let gatewayA: Gateway;
  let gatewayB: Gateway;
  let log: QueryLogSink;
  const identity = createServiceIdentity();
  const prefix = uniquePrefix('warming');

  beforeAll(async () => {
    database = await seededPostgres();
    sandbox = await startTestSandbox(database);
    cacheA = await sharedCache(database.url!, prefix);
    cacheB = await sharedCache(database.url!, prefix);
    log = createQueryLogSink({ db: database.db, logger: testLogger, sampleRate: 1, flushIntervalMs: 20 });
    const authenticate = identity.wrap(createAuthenticator(testAuthConfig, database.db));
    gatewayA = testGateway(database, { cache: cacheA.chain, entities: sandbox.entities(cacheA.chain), authenticate, queryLog: log });
    gatewayB = testGateway(database, { cache: cacheB.chain, entities: sandbox.entities(cacheB.chain), authenticate });
  }, 60_000);
  afterAll(async () => {
    await log?.close();
    await cacheA?.close();
    await cacheB?.close();
    await sandbox?.close();
    await database?.close();
    await removeSharedKeys(prefix);
  });
  beforeEach(async () => {
    await log.flush();
    await database.db.delete(queryLog);
  });

  const rows = () => database.db.select().from(queryLog);
  const byIata = <R extends { variables: unknown }>(list: R[]) => [...list].sort((a, b) => String((a.variables as { iata?: string }).iata).localeCompare(String((b.variables as { iata?: string }).iata)));

  it('runs partial when an upstream is down: the replays it needs fail, the others warm', async () => {
    // A gateway whose upstreams do not answer (testGateway's default) and a cache of its own.
    const down = testGateway(database, { cache: chain({ keyPrefix: uniquePrefix('warming-down') }), authenticate: identity.wrap(createAuthenticator(testAuthConfig, database.db)) });
    const warmer = createWarmer({ db: database.db, fetch: (url, init) => down.fetch(url, init), identity, logger: testLogger });
    const run = await warmer.warm({ trigger: 'test', groups: ['routes', 'reference'], routes: 1, flightDays: 1 });
    const failures = (run.detail!.failures as { task: string; error: string }[]).map((f) => f.task.replace(/\d{4}-\d{2}-\d{2}/, 'DATE'));
    expect(run).toMatchObject({ trigger: 'test', status: 'partial', keysWarmed: 4, errors: 3 });
    // The busiest route (most airlines flying it direct) in the reference data: ORD-ATL.
    expect(failures.sort()).toEqual(['route:ORD-ATL:flights:DATE', 'route:ORD-ATL:weather:ATL', 'route:ORD-ATL:weather:ORD']);
    expect((run.detail!.failures as { error: string }[])[0]!.error).toMatch(/UPSTREAM_UNAVAILABLE/);
    expect(run.detail!.groups).toEqual({ routes: { planned: 4, ok: 1, failed: 3 }, reference: { planned: 3, ok: 3, failed: 0 } });
    const [recorded] = await database.db.select().from(warmingRuns).where(eq(warmingRuns.id, run.id));
    expect(recorded).toMatchObject({ status: 'partial', keysWarmed: 4, errors: 3 });
    expect(recorded!.durationMs).toBe(recorded!.finishedAt!.getTime() - recorded!.startedAt.getTime());
    await warmer.close();
  });

  it('fills the caches: the next request is a memory hit on the warming instance and a Redis hit on another', async () => {
    // What users asked for, through another gateway: logged, not cached on either instance.
    const other = testGateway(database, { queryLog: log });
    for (const iata of ['SFO', 'SFO', 'BOS']) expect((await graphql(other, airport, { variables: { iata } })).body.errors).toBeUndefined();
    await log.flush();
    expect(byIata(await rows()).map((r) => [r.operationName, r.variables, r.count, r.scopeClass])).toEqual([
      [null, { iata: 'BOS' }, 1, 'PUBLIC'],
      [null, { iata: 'SFO' }, 2, 'PUBLIC'],
    ]);

    const warmer = createWarmer({ db: database.db, fetch: (url, init) => gatewayA.fetch(url, init), identity, logger: testLogger, queryLog: log });
    const run = await warmer.warm({ trigger: 'test', routes: 1, flightDays: 1 });
    expect(run.detail!.failures).toEqual([]);
    // 2 popular, 4 for the route (flights today, pattern, weather at both ends), 3 reference lists.
    expect(run).toMatchObject({ status: 'success', keysWarmed: 9, errors: 0 });
    expect(run.detail!.groups).toEqual({ popular: { planned: 2, ok: 2, failed: 0 }, routes: { planned: 4, ok: 4, failed: 0 }, reference: { planned: 3, ok: 3, failed: 0 } });
    expect(await warmer.lastRun()).toMatchObject({ id: run.id, status: 'success' });

    for (const iata of ['SFO', 'BOS']) {
      expect((await graphql(gatewayA, airport, { variables: { iata } })).body.extensions.cache).toMatchObject({ hit: true, tier: 'memory' });
      expect((await graphql(gatewayB, airport, { variables: { iata } })).body.extensions.cache).toMatchObject({ hit: true, tier: 'redis' });
    }
    // The warmer's own operations, sent as the app sends them (with their names: part of the key).
    const countries = ReferenceCountriesDocument.toString();
    expect((await graphql(gatewayA, countries, { operationName: 'ReferenceCountries' })).body.extensions.cache).toMatchObject({ hit: true, tier: 'memory' });
    expect((await graphql(gatewayB, countries, { operationName: 'ReferenceCountries' })).body.extensions.cache).toMatchObject({ hit: true, tier: 'redis' });
    const weather = AirportWeatherDocument.toString();
    expect((await graphql(gatewayB, weather, { variables: { iata: 'ORD' }, operationName: 'AirportWeather' })).body.extensions.cache).toMatchObject({ hit: true, tier: 'redis' });

    // The replays were not counted as popularity; the one hit of each above on A (which logs) was.
    await log.flush();
    expect(byIata(await rows()).map((r) => [r.variables, r.count])).toEqual([
      [{ iata: 'BOS' }, 2],
      [{ iata: 'SFO' }, 3],
    ]);
    await warmer.close();
  });

  it('never logs a PRIVATE operation, nor a failed one; counts executions and hits', async () => {
    const user = bearer(await token({ sub: 'warming-user' }));
    const mine = await graphql(gatewayA, 'query Mine { myQuotes(first: 5) { edges { node { id } } } }', { headers: user });
    const one = await graphql(gatewayA, 'query One($id: ID!) { userQuote(id: $id) { id } }', { variables: { id: '1' }, headers: user });
    expect([mine.body.errors, one.body.errors, mine.body.extensions.cache.scope]).toEqual([undefined, undefined, 'PRIVATE']);
    expect((await graphql(gatewayA, airport, { variables: { iata: 'no such code' } })).body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    // A miss (through Yoga) and two hits (told by the response cache): three.
    for (let i = 0; i < 3; i++) await graphql(gatewayA, airport, { variables: { iata: 'DEN' } });
    await log.flush();
    const logged = await rows();
    expect(logged.map((r) => [r.operationName, r.variables, r.count])).toEqual([[null, { iata: 'DEN' }, 3]]);
    expect(await database.db.select({ n: sql<number>`count(*)::int` }).from(queryLog).where(sql`${queryLog.document} ~ 'myQuotes|userQuote'`)).toEqual([{ n: 0 }]);
  });

  it('samples: a sampled request counts as 1/rate, an unsampled execution only registers its document once, unsampled hits are not counted', async () => {
    const randoms = [0.1, 0.9, 0.9, 0.2, 0.9, 0.1, 0.5];
    const sampled = createQueryLogSink({ db: database.db, logger: testLogger, sampleRate: 0.25, flushIntervalMs: 20, random: () => randoms.shift()! });
    const entry = (iata: string) => ({ document: airport, operationName: 'Airport', variables: { iata }, scope: 'PUBLIC' as const });
    // JFK four times: sampled (4), registered already (nothing), nothing, sampled (4).
    for (let i = 0; i < 4; i++) sampled.record(entry('JFK'));
    // LHR once, not sampled: registered with a count of 0 …
    sampled.record(entry('LHR'));
    await sampled.flush();
    // … then a hit on its cache key, sampled (+4), and one not sampled.
    const documentId = createHash('sha256').update(airport).digest('base64url');
    const key = `${keyBase({ version: '2', schemaHash: 'x', documentId, operationName: 'Airport', variables: { iata: 'LHR' } })}|public`;
    sampled.observe({ outcome: 'hit', tier: 'memory', scope: 'PUBLIC', operationName: 'Airport', key, path: 'fast' });
    sampled.observe({ outcome: 'hit', tier: 'memory', scope: 'PUBLIC', operationName: 'Airport', key, path: 'fast' });
    await sampled.close();
    expect(randoms).toEqual([]);
    expect(byIata(await rows()).map((r) => [r.variables, r.count])).toEqual([
      [{ iata: 'JFK' }, 8],
      [{ iata: 'LHR' }, 4],
    ]);
  });

  it('keeps at most maxRows rows, the most used', async () => {
    const bounded = createQueryLogSink({ db: database.db, logger: testLogger, sampleRate: 1, maxRows: 3, flushIntervalMs: 10_000 });
    const times: Record<string, number> = { AAA: 5, BBB: 4, CCC: 3, DDD: 2, EEE: 1 };
    for (const [iata, n] of Object.entries(times)) for (let i = 0; i < n; i++) bounded.record({ document: airport, operationName: 'Airport', variables: { iata }, scope: 'PUBLIC' });
    await bounded.close();
    const kept = await database.db.select({ variables: queryLog.variables, count: queryLog.count }).from(queryLog).orderBy(asc(queryLog.count));
    expect(kept).toEqual([
      { variables: { iata: 'CCC' }, count: 3 },
      { variables: { iata: 'BBB' }, count: 4 },
      { variables: { iata: 'AAA' }, count: 5 },
    ]);
  });

  it('leases a schedule slot to one of two instances racing for it, in Redis and in Postgres', async () => {
    const slot = new Date('2030-01-01T02:00:00.000Z');
    const redis = { url: redisUrl!, cluster: false, keyPrefix: prefix };
    const [one, two] = await Promise.all([createSlotLease({ db: database.db, logger: testLogger, redis }), createSlotLease({ db: database.db, logger: testLogger, redis })]);
    const raced = await Promise.all([one.claim('race', slot, {}), two.claim('race', slot, {})]);
    expect(raced.filter(Boolean)).toHaveLength(1);
    expect(await one.claim('race', slot, {})).toBeNull();
    expect(await two.claim('race', new Date('2030-01-02T02:00:00.000Z'), {})).not.toBeNull();
    await one.close();
    await two.close();

    const pg = await Promise.all([postgresLease(database.db).claim('race-pg', slot, {}), postgresLease(database.db).claim('race-pg', slot, {})]);
    expect(pg.filter(Boolean)).toHaveLength(1);
    expect(await postgresLease(database.db).claim('race-pg', slot, {})).toBeNull();
    const runs = await database.db
      .select({ trigger: warmingRuns.trigger, n: sql<number>`count(*)::int` })
      .from(warmingRuns)
      .where(sql`${warmingRuns.detail}->>'slot' = ${slot.toISOString()}`)
      .groupBy(warmingRuns.trigger)
      .orderBy(warmingRuns.trigger);
    expect(runs).toEqual([
      { trigger: 'schedule:race', n: 1 },
      { trigger: 'schedule:race-pg', n: 1 },
    ]);
  });

  it('two instances on the same schedule warm each slot once between them', async () => {
    const instances: Warming[] = [gatewayA, gatewayB].map((gateway) =>
      createWarming({
        db: database.db,
        fetch: (url, init) => gateway.fetch(url, init),
        identity,
        logger: testLogger,
        // Every second, warming nothing: the test is who runs each slot.
        options: { warmer: { limit: 0, routes: 0 }, schedules: { popular: '* * * * * *', reference: null } },
        redis: { url: redisUrl!, cluster: false, keyPrefix: prefix },
      }),
    );
    const since = new Date();
    for (const warming of instances) warming.start();
    await sleep(3500);
    await Promise.all(instances.map((w) => w.close()));
    const slots = await database.db
      .select({ slot: sql<string>`${warmingRuns.detail}->>'slot'`, n: sql<number>`count(*)::int`, status: sql<string>`min(${warmingRuns.status})` })
      .from(warmingRuns)
      .where(sql`${warmingRuns.trigger} = 'schedule:popular' and ${warmingRuns.startedAt} >= ${since.toISOString()}`)
      .groupBy(sql`1`);
    expect(slots.length).toBeGreaterThanOrEqual(2);
    expect(slots.every((s) => s.n === 1 && s.status === 'success')).toBe(true);
  }, 15_000);
});

// Where only trusted documents are accepted (PERSISTED_ONLY=all), an anonymous caller's text is
// refused, and hash-naming clients read the manifest's text: warming must fill that entry.
const startups = [
  { persistedOnly: 'off', ask: { query: ReferenceCountriesDocument.toString() } },
  { persistedOnly: 'all', ask: { extensions: { persistedQuery: { version: 1, sha256Hash: (ReferenceCountriesDocument as unknown as { __meta__: { hash: string } }).__meta__.hash } } } },
] as const;

describe.skipIf(!hasRedis || !hasPostgres).each(startups)('warming at start-up, through the real server (PERSISTED_ONLY=$persistedOnly)', ({ persistedOnly, ask }) => {
  let database: TestDatabase;
  let server: RunningServer;
  const prefix = uniquePrefix('warming-start');

  beforeAll(async () => {
    database = await seededPostgres();
    server = await startTestServer(database, prefix, {
      PERSISTED_ONLY: persistedOnly,
      ENABLE_CACHE_WARMING_ON_STARTUP: 'true',
      CACHE_WARMING_STARTUP_DELAY: '200',
      WARMING_ROUTES: '1',
      WARMING_FLIGHT_DAYS: '1',
      WARMING_SCHEDULES: 'off',
      // Two busy cores can delay a start-up's own heartbeats past three intervals: the bus then
      // (rightly) clears memory when it hears them again, which is not what this test is about.
      CACHE_BUS_HEARTBEAT_MS: '5000',
    });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await database?.close();
    await removeSharedKeys(prefix);
  });

  it('listens at once, warms in the background after the delay, and serves the warmed answers from memory (on node:http)', async () => {
    // Ready before the run: the run starts 200 ms after listening.
    expect((await fetch(new URL('/health/live', server.url))).status).toBe(200);
    if (persistedOnly === 'all') {
      const refused = await graphql(server.url, ReferenceCountriesDocument.toString(), { operationName: 'ReferenceCountries' });
      expect([refused.status, refused.body.errors[0].extensions.code]).toEqual([400, 'PERSISTED_QUERY_ONLY']);
    }
    let run: typeof warmingRuns.$inferSelect | undefined;
    for (let i = 0; i < 300 && run?.status !== 'success' && run?.status !== 'partial' && run?.status !== 'failed'; i++) {
      await sleep(100);
      [run] = await database.db.select().from(warmingRuns).where(eq(warmingRuns.trigger, 'startup'));
    }
    // No query log yet: 4 route replays and 3 reference lists.
    expect(run).toMatchObject({ status: 'success', keysWarmed: 7, errors: 0 });
    const hit = await graphql(server.url, 'query' in ask ? ask.query : undefined, { operationName: 'ReferenceCountries', ...('extensions' in ask ? { extensions: ask.extensions } : {}) });
    expect(hit.body.errors).toBeUndefined();
    expect(hit.body.extensions.cache).toMatchObject({ hit: true, tier: 'memory' });
  }, 40_000);
});

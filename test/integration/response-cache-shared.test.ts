import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startServer, type RunningServer } from '../../src/server.ts';
import { removeSharedKeys } from '../helpers/contrail-server.ts';
import { hasRedis, redisUrl, sleep, uniquePrefix } from '../helpers/cache.ts';
import { hasPostgres, seededPostgres, testLogger, type TestDatabase } from '../helpers/databases.ts';
import { graphql, testJwtSecret } from '../helpers/gateway.ts';
import { freePort, missingServer, ownRedis, type OwnedRedis } from '../helpers/servers.ts';
import { bearer, token } from '../helpers/tokens.ts';

const root = path.resolve(import.meta.dirname, '../..');
const airportQuery = 'query Airport($iata: String!) { airport(iata: $iata) { iata name } }';

/** `contrail serve` in a process of its own. */
async function serveInAnotherProcess(env: Record<string, string>): Promise<{ url: string; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['src/contrail.mjs', 'serve'], {
    cwd: root,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}/graphql`;
  for (let i = 0; ; i++) {
    if (await fetch(new URL('/health/live', url)).then((r) => r.ok, () => false)) return { url, child };
    if (i > 300 || child.exitCode !== null) throw new Error('the second gateway did not start');
    await sleep(100);
  }
}

describe.skipIf(!hasRedis || !hasPostgres)('two gateway processes sharing Redis and Postgres', () => {
  let database: TestDatabase;
  let local: RunningServer;
  let other: { url: string; child: ChildProcess };
  const prefix = uniquePrefix('gateways');

  beforeAll(async () => {
    database = await seededPostgres();
    const env = {
      DATABASE_URL: database.url!,
      REDIS_URL: redisUrl!,
      CACHE_KEY_PREFIX: prefix,
      JWT_SECRET: testJwtSecret,
      // Two busy cores may take longer than the default 250 ms to acknowledge; the bound is tested in cache-bus.test.ts.
      CACHE_INVALIDATION_ACK_TIMEOUT_MS: '2000',
    };
    local = await startServer(loadConfig({ ...env, PORT: '0', HOST: '127.0.0.1' }), testLogger);
    other = await serveInAnotherProcess(env);
  }, 60_000);
  afterAll(async () => {
    other?.child.kill('SIGTERM');
    await local?.close();
    await database?.close();
    await removeSharedKeys(prefix);
  });

  it('a correction made through one gateway is what the other serves next', async () => {
    const cached = await graphql(other.url, airportQuery, { variables: { iata: 'SEA' } });
    expect((await graphql(other.url, airportQuery, { variables: { iata: 'SEA' } })).body.extensions.cache).toMatchObject({ hit: true, tier: 'memory' });
    expect((await graphql(local.url, airportQuery, { variables: { iata: 'SEA' } })).body.extensions.cache).toMatchObject({ hit: true, tier: 'redis' });

    const admin = bearer(await token({ sub: 'ops', role: 'admin' }));
    const mutation = 'mutation { updateAirport(iata: "SEA", input: { city: "Seattle–Tacoma" }) { city } }';
    expect((await graphql(local.url, mutation, { headers: admin })).body.data.updateAirport.city).toBe('Seattle–Tacoma');

    await sleep(100);
    const fresh = await graphql(other.url, 'query Airport($iata: String!) { airport(iata: $iata) { iata name city } }', { variables: { iata: 'SEA' } });
    expect(fresh.body.data.airport.city).toBe('Seattle–Tacoma');
    const same = await graphql(other.url, airportQuery, { variables: { iata: 'SEA' } });
    expect(same.body.extensions.cache.hit).toBe(false);
    expect(same.body.data).toEqual(cached.body.data);
  });

  it('a read fired at the other gateway the moment a correction is answered here returns the correction (10 rounds)', async () => {
    const admin = bearer(await token({ sub: 'ops', role: 'admin' }));
    const cityOf = 'query AirportCity($iata: String!) { airport(iata: $iata) { iata city } }';
    const served: string[] = [];
    for (let round = 0; round < 10; round++) {
      // The other gateway holds the current answer in its memory.
      await graphql(other.url, cityOf, { variables: { iata: 'PDX' } });
      expect((await graphql(other.url, cityOf, { variables: { iata: 'PDX' } })).body.extensions.cache).toMatchObject({ hit: true, tier: 'memory' });

      const city = `Portland ${round}`;
      const mutation = `mutation { updateAirport(iata: "PDX", input: { city: "${city}" }) { city } }`;
      expect((await graphql(local.url, mutation, { headers: admin })).body.data.updateAirport.city).toBe(city);
      served.push((await graphql(other.url, cityOf, { variables: { iata: 'PDX' } })).body.data.airport.city);
    }
    expect(served).toEqual(Array.from({ length: 10 }, (_, round) => `Portland ${round}`));
  });
});

describe.skipIf(!hasRedis || !hasPostgres)('hits answered on node:http before Yoga (the fast path)', () => {
  let database: TestDatabase;
  let server: RunningServer;
  const prefix = uniquePrefix('fast');
  beforeAll(async () => {
    database = await seededPostgres();
    const env = { DATABASE_URL: database.url!, REDIS_URL: redisUrl!, CACHE_KEY_PREFIX: prefix, JWT_SECRET: testJwtSecret, PORT: '0', HOST: '127.0.0.1' };
    server = await startServer(loadConfig(env), testLogger);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await database?.close();
    await removeSharedKeys(prefix);
  });

  it('answers a hit with the same bytes, headers and 304 the plugin would', async () => {
    const miss = await graphql(server.url, airportQuery, { variables: { iata: 'LAX' } });
    const hit = await graphql(server.url, airportQuery, { variables: { iata: 'LAX' } });
    expect(hit.body.data).toEqual(miss.body.data);
    expect(hit.body.extensions.cache).toMatchObject({ hit: true, tier: 'memory' });
    expect(hit.headers.get('etag')).toBe(miss.headers.get('etag'));
    expect(hit.headers.get('cache-control')).toMatch(/^public, max-age=\d+$/);
    const notModified = await graphql(server.url, airportQuery, { variables: { iata: 'LAX' }, headers: { 'if-none-match': hit.headers.get('etag')! } });
    expect(notModified.status).toBe(304);
  });

  it('keeps private answers private and bad credentials refused', async () => {
    const alice = bearer(await token({ sub: 'alice' }));
    const bob = bearer(await token({ sub: 'bob' }));
    for (let i = 0; i < 2; i++) {
      expect((await graphql(server.url, '{ viewer { id } }', { headers: alice })).body.data.viewer.id).toBe('alice');
      expect((await graphql(server.url, '{ viewer { id } }', { headers: bob })).body.data.viewer.id).toBe('bob');
    }
    const forged = await graphql(server.url, '{ viewer { id } }', { headers: bearer(await token({ sub: 'alice' }, { secret: 'z'.repeat(40) })) });
    expect(forged.status).toBe(401);
    const garbage = await fetch(server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(garbage.status).toBe(400);
    const huge = await graphql(server.url, `{ ${'a '.repeat(600_000)}}`);
    expect(huge.status).toBe(413);
    expect(huge.body.errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe.skipIf(missingServer('redis') || !hasPostgres)('a gateway whose Redis stops mid-test', () => {
  let database: TestDatabase;
  let redis: OwnedRedis;
  let server: RunningServer;

  beforeAll(async () => {
    database = await seededPostgres();
    redis = await ownRedis();
    server = await startServer(
      loadConfig({ DATABASE_URL: database.url!, REDIS_URL: redis.url, PORT: '0', HOST: '127.0.0.1', CACHE_KEY_PREFIX: uniquePrefix('redis-stops') }),
      testLogger,
    );
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await redis?.stop();
    await database?.close();
  });

  it('keeps answering from memory and Postgres, and no error reaches the client', async () => {
    await graphql(server.url, airportQuery, { variables: { iata: 'DEN' } });
    await redis.kill();
    for (const iata of ['DEN', 'DEN', 'ORD', 'ORD', 'ATL', 'MIA', 'DEN']) {
      const { status, body } = await graphql(server.url, airportQuery, { variables: { iata } });
      expect(status).toBe(200);
      expect(body.errors).toBeUndefined();
      expect(body.data.airport.iata).toBe(iata);
    }
    const health = await (await fetch(new URL('/health', server.url))).json();
    expect(health.status).toBe('degraded');
    expect(health.tiers.redis.status).toBe('down');
  });
});

import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CacheChain } from '../../src/cache/chain.ts';
import type { Gateway } from '../../src/gateway.ts';
import { defaultTtlPolicy } from '../../plugins/response-cache/ttl-policy.ts';
import { chain, uniquePrefix } from '../helpers/cache.ts';
import { advanceClock, stopClock } from '../helpers/clock.ts';
import { seededPglite, type TestDatabase } from '../helpers/databases.ts';
import { graphql, testGateway } from '../helpers/gateway.ts';
import { bearer, token } from '../helpers/tokens.ts';

let database: TestDatabase;
let cache: CacheChain;
let gateway: Gateway;

beforeAll(async () => {
  database = await seededPglite();
});
afterAll(() => database.close());
beforeEach(() => {
  cache = chain({ keyPrefix: uniquePrefix('rc') });
  gateway = testGateway(database, { cache });
  database.queries.length = 0;
});
afterEach(() => {
  vi.useRealTimers();
});

const airportQuery = 'query Airport($iata: String!) { airport(iata: $iata) { iata name city } }';

describe('the response cache', () => {
  it('answers a repeated query from memory, with the cache extension and HTTP caching headers', async () => {
    // The clock stands still, so the hit's age is exactly 0.
    stopClock();
    const first = await graphql(gateway, airportQuery, { variables: { iata: 'JFK' } });
    expect(first.body.extensions.cache).toMatchObject({ hit: false, tier: 'origin', scope: 'PUBLIC', stale: false });
    expect(database.queries.map((q) => q.params)).toEqual([['JFK']]);
    const second = await graphql(gateway, airportQuery, { variables: { iata: 'JFK' } });
    expect(second.body.data).toEqual(first.body.data);
    expect(second.body.extensions.cache).toMatchObject({ hit: true, tier: 'memory', scope: 'PUBLIC', stale: false });
    // The hit ran no statement.
    expect(database.queries).toHaveLength(1);
    // A PUBLIC entry lives the Airport hint of 43 200 s, whoever asked first.
    expect(second.headers.get('cache-control')).toBe('public, max-age=43200');
    expect(second.headers.get('vary')).toBe('Authorization, X-Api-Key');
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(second.headers.get('age')).toBe('0');
  });

  it('answers 304 Not Modified to a matching If-None-Match', async () => {
    const first = await graphql(gateway, airportQuery, { variables: { iata: 'LHR' } });
    const again = await graphql(gateway, airportQuery, { variables: { iata: 'LHR' }, headers: { 'if-none-match': first.headers.get('etag')! } });
    expect(again.status).toBe(304);
    expect(again.text).toBe('');
  });

  describe('HTTP caching (RFC 9111, RFC 9110)', () => {
    it('sends the entry\'s whole lifetime as max-age beside its Age, so a downstream cache counts the age once', async () => {
      stopClock();
      await graphql(gateway, airportQuery, { variables: { iata: 'OSL' } });
      advanceClock(1_500);
      const hit = await graphql(gateway, airportQuery, { variables: { iata: 'OSL' } });
      expect(hit.body.extensions.cache).toMatchObject({ hit: true, age: 1 });
      expect(hit.headers.get('age')).toBe('1');
      expect(hit.headers.get('cache-control')).toBe('public, max-age=43200');
    });

    it('uses a weak ETag, the same for the miss and the hit whose bytes differ by extensions.cache', async () => {
      const miss = await graphql(gateway, airportQuery, { variables: { iata: 'ARN' } });
      const hit = await graphql(gateway, airportQuery, { variables: { iata: 'ARN' } });
      expect(miss.headers.get('etag')).toMatch(/^W\/"[\w-]+"$/);
      expect(hit.headers.get('etag')).toBe(miss.headers.get('etag'));
    });

    it('honours If-None-Match with a weak tag, a strong one, a list and *', async () => {
      const etag = (await graphql(gateway, airportQuery, { variables: { iata: 'CPH' } })).headers.get('etag')!;
      const opaque = etag.replace(/^W\//, '');
      for (const header of [etag, opaque, `"nope", ${etag}`, `W/"nope",${opaque}`, '*']) {
        expect((await graphql(gateway, airportQuery, { variables: { iata: 'CPH' }, headers: { 'if-none-match': header } })).status).toBe(304);
      }
      expect((await graphql(gateway, airportQuery, { variables: { iata: 'CPH' }, headers: { 'if-none-match': 'W/"nope"' } })).status).toBe(200);
    });

    it('gives a PUBLIC entry one lifetime whoever missed first; a PRIVATE one its role\'s', async () => {
      const user = bearer(await token({ sub: 'lifetime-user' }));
      const service = bearer(await token({ sub: 'svc', role: 'service' }));
      await graphql(gateway, airportQuery, { variables: { iata: 'HEL' }, headers: user });
      await graphql(gateway, airportQuery, { variables: { iata: 'TLL' } });
      for (const headers of [{}, user, service]) {
        expect((await graphql(gateway, airportQuery, { variables: { iata: 'HEL' }, headers })).headers.get('cache-control')).toBe('public, max-age=43200');
        expect((await graphql(gateway, airportQuery, { variables: { iata: 'TLL' }, headers })).headers.get('cache-control')).toBe('public, max-age=43200');
      }
      // Viewer: 300 s; a service's own entry 0.5 × that (at least 30 s).
      expect((await graphql(gateway, '{ viewer { id } }', { headers: user })).headers.get('cache-control')).toBe('private, max-age=300');
      expect((await graphql(gateway, '{ viewer { id } }', { headers: service })).headers.get('cache-control')).toBe('private, max-age=150');
    });
  });

  it('keys on the variables, whatever their order', async () => {
    const query = 'query($iata: String!, $first: Int) { airport(iata: $iata) { routesFrom(first: $first) { stops } } }';
    await graphql(gateway, query, { variables: { iata: 'JFK', first: 2 } });
    expect((await graphql(gateway, query, { variables: { first: 2, iata: 'JFK' } })).body.extensions.cache.hit).toBe(true);
    expect((await graphql(gateway, query, { variables: { iata: 'JFK', first: 3 } })).body.extensions.cache.hit).toBe(false);
  });

  it('executes once for 50 concurrent identical misses', async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, () => graphql(gateway, airportQuery, { variables: { iata: 'CDG' } })));
    expect(new Set(answers.map((a) => JSON.stringify(a.body.data))).size).toBe(1);
    expect(database.queries.map((q) => q.params)).toEqual([['CDG']]);
    expect(answers.filter((a) => a.body.extensions.cache.hit === false).length).toBe(50);
  });

  it('keeps one entry for a PUBLIC query, whoever asks', async () => {
    const users = await Promise.all(Array.from({ length: 50 }, (_, i) => token({ sub: `user-${i}` })));
    await graphql(gateway, airportQuery, { variables: { iata: 'SFO' } });
    await Promise.all(users.map((jwt) => graphql(gateway, airportQuery, { variables: { iata: 'SFO' }, headers: bearer(jwt) })));
    expect(cache.stats().memory.entries).toBe(1);
    expect(database.queries.map((q) => q.params)).toEqual([['SFO']]);
  });

  it('gives each of 200 concurrent users only their own PRIVATE answer', async () => {
    const users = await Promise.all(Array.from({ length: 200 }, (_, i) => token({ sub: `user-${i}`, name: `User ${i}` })));
    const ask = () => Promise.all(users.map((jwt) => graphql(gateway, '{ viewer { id name } }', { headers: bearer(jwt) })));
    for (const round of [await ask(), await ask()]) {
      round.forEach((answer, i) => expect(answer.body.data.viewer).toEqual({ id: `user-${i}`, name: `User ${i}` }));
    }
    expect(cache.stats().memory.entries).toBe(200);
    expect((await graphql(gateway, '{ viewer { id name } }', { headers: bearer(users[7]!) })).headers.get('cache-control')).toMatch(/^private, max-age=/);
  });

  it('never caches a PRIVATE answer for an anonymous caller, nor lets a forged token read one', async () => {
    const jwt = await token({ sub: 'victim' });
    await graphql(gateway, '{ viewer { id } }', { headers: bearer(jwt) });
    const anonymous = await graphql(gateway, '{ viewer { id } }');
    expect(anonymous.body.data.viewer.id).toBeNull();
    expect(anonymous.headers.get('cache-control')).toBe('no-store');
    const forged = await graphql(gateway, '{ viewer { id } }', { headers: bearer(await token({ sub: 'victim' }, { secret: 'f'.repeat(40) })) });
    expect(forged.status).toBe(401);
    expect(JSON.stringify(forged.body)).not.toContain('victim');
  });

  it('neither stores nor serves streamed (SSE) answers', async () => {
    const sse = await graphql(gateway, airportQuery, { variables: { iata: 'NRT' }, headers: { accept: 'text/event-stream' } });
    expect(sse.headers.get('content-type')).toContain('text/event-stream');
    expect(sse.text).toContain('event: next');
    expect(cache.stats().memory.entries).toBe(0);
    expect((await graphql(gateway, airportQuery, { variables: { iata: 'NRT' } })).body.extensions.cache.hit).toBe(false);
  });

  it('never caches introspection or answers with errors', async () => {
    const introspection = await graphql(gateway, '{ __schema { queryType { name } } }');
    expect(introspection.headers.get('cache-control')).toBe('no-store');
    const failed = await graphql(gateway, airportQuery, { variables: { iata: 'J1' } });
    expect(failed.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(failed.headers.get('cache-control')).toBe('no-store');
    expect(cache.stats().memory.entries).toBe(0);
  });

  it('lets admins and services skip the read with Cache-Control: no-cache or ?nocache=1, and nobody else', async () => {
    await graphql(gateway, airportQuery, { variables: { iata: 'AMS' } });
    const anonymous = await graphql(gateway, airportQuery, { variables: { iata: 'AMS' }, headers: { 'cache-control': 'no-cache' } });
    expect(anonymous.body.extensions.cache.hit).toBe(true);
    const user = await graphql(gateway, airportQuery, { variables: { iata: 'AMS' }, headers: { 'cache-control': 'no-cache', ...bearer(await token({ sub: 'u' })) } });
    expect(user.body.extensions.cache.hit).toBe(true);
    const admin = await graphql(gateway, airportQuery, { variables: { iata: 'AMS' }, headers: { 'cache-control': 'no-cache', ...bearer(await token({ sub: 'a', role: 'admin' })) } });
    expect(admin.body.extensions.cache.hit).toBe(false);
    const service = await graphql(gateway, airportQuery, { variables: { iata: 'AMS' }, headers: bearer(await token({ sub: 's', role: 'service' })), searchParams: { nocache: '1' } });
    expect(service.body.extensions.cache.hit).toBe(false);
  });

  it('serves fresh data after an admin corrects an airport the cache holds', async () => {
    const before = await graphql(gateway, airportQuery, { variables: { iata: 'BOS' } });
    expect((await graphql(gateway, airportQuery, { variables: { iata: 'BOS' } })).body.extensions.cache.hit).toBe(true);
    const admin = bearer(await token({ sub: 'ops', role: 'admin' }));
    const mutation = 'mutation($iata: String!, $name: String!) { updateAirport(iata: $iata, input: { name: $name }) { iata name } }';
    const updated = await graphql(gateway, mutation, { variables: { iata: 'BOS', name: 'Boston Logan (corrected)' }, headers: admin });
    expect(updated.body.data.updateAirport).toEqual({ iata: 'BOS', name: 'Boston Logan (corrected)' });
    const after = await graphql(gateway, airportQuery, { variables: { iata: 'BOS' } });
    expect(after.body.data.airport.name).toBe('Boston Logan (corrected)');
    expect(after.body.extensions.cache.hit).toBe(false);
    expect(before.body.data.airport.name).not.toBe('Boston Logan (corrected)');
  });

  it('refuses the mutation to anyone but an admin', async () => {
    const mutation = 'mutation { updateAirport(iata: "BOS", input: { name: "x" }) { name } }';
    expect((await graphql(gateway, mutation)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await graphql(gateway, mutation, { headers: bearer(await token({ sub: 'u' })) })).body.errors[0].extensions.code).toBe('FORBIDDEN');
  });
});

describe('persisted queries and GET', () => {
  const query = '{ airport(iata: "MAD") { iata name } }';
  const persistedQuery = { version: 1, sha256Hash: createHash('sha256').update(query).digest('hex') };
  const json = { accept: 'application/json' };

  it('asks for the query the first time, then answers the hash alone, cached, over GET', async () => {
    const unknown = await graphql(gateway, undefined, { method: 'GET', extensions: { persistedQuery }, headers: json });
    expect(unknown.body.errors[0]).toMatchObject({ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });
    const registered = await graphql(gateway, query);
    expect(registered.body.data.airport.iata).toBe('MAD');
    const registering = await graphql(gateway, query, { extensions: { persistedQuery } });
    expect(registering.status).toBe(200);
    const byHash = await graphql(gateway, undefined, { method: 'GET', extensions: { persistedQuery }, headers: json });
    expect(byHash.body.data.airport).toEqual({ iata: 'MAD', name: registered.body.data.airport.name });
    expect(byHash.body.extensions.cache.hit).toBe(true);
    expect(byHash.headers.get('cache-control')).toMatch(/^public, max-age=/);
  });

  it('work with the response cache off: the hash alone is answered once the query was sent', async () => {
    const uncached = testGateway(database, { cache, responseCache: { enabled: false, ttl: defaultTtlPolicy, extensions: true } });
    const unknown = await graphql(uncached, undefined, { extensions: { persistedQuery }, headers: json });
    expect(unknown.body.errors).toEqual([expect.objectContaining({ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } })]);
    expect((await graphql(uncached, query, { extensions: { persistedQuery }, headers: json })).body.data.airport.iata).toBe('MAD');
    const byHash = await graphql(uncached, undefined, { extensions: { persistedQuery }, headers: json });
    expect(byHash.body.data.airport.iata).toBe('MAD');
    expect(byHash.body.extensions?.cache).toBeUndefined();
    const lying = await graphql(uncached, '{ countries { code } }', { extensions: { persistedQuery }, headers: json });
    expect([lying.status, lying.body.errors[0].extensions.code]).toEqual([400, 'PERSISTED_QUERY_HASH_MISMATCH']);
  });

  it('refuses a hash that does not match its query', async () => {
    const lying = await graphql(gateway, '{ countries { code } }', { extensions: { persistedQuery } });
    expect(lying.status).toBe(400);
    expect(lying.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_HASH_MISMATCH');
  });

  it('answers GET queries from the cache, and refuses mutations over GET', async () => {
    await graphql(gateway, query, { method: 'GET', headers: json });
    const again = await graphql(gateway, query, { method: 'GET', headers: json });
    expect(again.body.extensions.cache.hit).toBe(true);
    const admin = bearer(await token({ sub: 'a', role: 'admin' }));
    const mutation = await graphql(gateway, 'mutation { updateAirport(iata: "MAD", input: { name: "x" }) { name } }', { method: 'GET', headers: { ...json, ...admin } });
    expect(mutation.status).toBe(405);
  });
});

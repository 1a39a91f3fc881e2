import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CacheChain } from '../../src/cache/chain.ts';
import { chain, sleep, uniquePrefix } from '../helpers/cache.ts';
import { seededPglite, type TestDatabase } from '../helpers/databases.ts';
import { testGateway, type TestGateway } from '../helpers/gateway.ts';
import { defaultTtlPolicy } from '../../plugins/response-cache/ttl-policy.ts';
import { bearer, token } from '../helpers/tokens.ts';

let database: TestDatabase;
let cache: CacheChain;
let api: TestGateway;

beforeAll(async () => {
  database = await seededPglite();
});
afterAll(() => database.close());
beforeEach(() => {
  cache = chain({ keyPrefix: uniquePrefix('rc') });
  api = testGateway(database, { cache });
  database.queries.length = 0;
});

const airportQuery = 'query Airport($iata: String!) { airport(iata: $iata) { iata name city } }';

async function post(query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}, path = '/graphql') {
  const response = await api.gateway.fetch(`http://contrail.test${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

describe('the response cache', () => {
  it('answers a repeated query from memory, with the cache extension and HTTP caching headers', async () => {
    const first = await post(airportQuery, { iata: 'JFK' });
    expect(first.body.extensions.cache).toMatchObject({ hit: false, tier: 'origin', scope: 'PUBLIC', stale: false });
    const statements = database.queries.length;
    const second = await post(airportQuery, { iata: 'JFK' });
    expect(second.body.data).toEqual(first.body.data);
    expect(second.body.extensions.cache).toMatchObject({ hit: true, tier: 'memory', scope: 'PUBLIC', stale: false });
    expect(database.queries.length).toBe(statements);
    // A PUBLIC entry lives the Airport hint of 43 200 s, whoever asked first.
    expect(second.headers.get('cache-control')).toBe('public, max-age=43200');
    expect(second.headers.get('vary')).toBe('Authorization, X-Api-Key');
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(Number(second.headers.get('age'))).toBeGreaterThanOrEqual(0);
  });

  it('answers 304 Not Modified to a matching If-None-Match', async () => {
    const first = await post(airportQuery, { iata: 'LHR' });
    const again = await post(airportQuery, { iata: 'LHR' }, { 'if-none-match': first.headers.get('etag')! });
    expect(again.status).toBe(304);
    expect(again.body).toBeNull();
  });

  describe('HTTP caching (RFC 9111, RFC 9110)', () => {
    it('sends the entry\'s whole lifetime as max-age beside its Age, so a downstream cache counts the age once', async () => {
      await post(airportQuery, { iata: 'OSL' });
      await sleep(1100);
      const hit = await post(airportQuery, { iata: 'OSL' });
      expect(hit.body.extensions.cache.hit).toBe(true);
      expect(Number(hit.headers.get('age'))).toBeGreaterThanOrEqual(1);
      expect(hit.headers.get('cache-control')).toBe('public, max-age=43200');
    });

    it('uses a weak ETag, the same for the miss and the hit whose bytes differ by extensions.cache', async () => {
      const miss = await post(airportQuery, { iata: 'ARN' });
      const hit = await post(airportQuery, { iata: 'ARN' });
      expect(miss.headers.get('etag')).toMatch(/^W\/"[\w-]+"$/);
      expect(hit.headers.get('etag')).toBe(miss.headers.get('etag'));
    });

    it('honours If-None-Match with a weak tag, a strong one, a list and *', async () => {
      const etag = (await post(airportQuery, { iata: 'CPH' })).headers.get('etag')!;
      const opaque = etag.replace(/^W\//, '');
      for (const header of [etag, opaque, `"nope", ${etag}`, `W/"nope",${opaque}`, '*']) {
        expect((await post(airportQuery, { iata: 'CPH' }, { 'if-none-match': header })).status).toBe(304);
      }
      expect((await post(airportQuery, { iata: 'CPH' }, { 'if-none-match': 'W/"nope"' })).status).toBe(200);
    });

    it('gives a PUBLIC entry one lifetime whoever missed first; a PRIVATE one its role\'s', async () => {
      const user = bearer(await token({ sub: 'lifetime-user' }));
      const service = bearer(await token({ sub: 'svc', role: 'service' }));
      await post(airportQuery, { iata: 'HEL' }, user);
      await post(airportQuery, { iata: 'TLL' });
      for (const headers of [{}, user, service]) {
        expect((await post(airportQuery, { iata: 'HEL' }, headers)).headers.get('cache-control')).toBe('public, max-age=43200');
        expect((await post(airportQuery, { iata: 'TLL' }, headers)).headers.get('cache-control')).toBe('public, max-age=43200');
      }
      // Viewer: 300 s; a service's own entry 0.5 × that (at least 30 s).
      expect((await post('{ viewer { id } }', {}, user)).headers.get('cache-control')).toBe('private, max-age=300');
      expect((await post('{ viewer { id } }', {}, service)).headers.get('cache-control')).toBe('private, max-age=150');
    });
  });

  it('keys on the variables, whatever their order', async () => {
    const query = 'query($iata: String!, $first: Int) { airport(iata: $iata) { routesFrom(first: $first) { stops } } }';
    await post(query, { iata: 'JFK', first: 2 });
    expect((await post(query, { first: 2, iata: 'JFK' })).body.extensions.cache.hit).toBe(true);
    expect((await post(query, { iata: 'JFK', first: 3 })).body.extensions.cache.hit).toBe(false);
  });

  it('executes once for 50 concurrent identical misses', async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, () => post(airportQuery, { iata: 'CDG' })));
    expect(new Set(answers.map((a) => JSON.stringify(a.body.data))).size).toBe(1);
    expect(database.queries.length).toBe(1);
    expect(answers.filter((a) => a.body.extensions.cache.hit === false).length).toBe(50);
  });

  it('keeps one entry for a PUBLIC query, whoever asks', async () => {
    const users = await Promise.all(Array.from({ length: 50 }, (_, i) => token({ sub: `user-${i}` })));
    await post(airportQuery, { iata: 'SFO' });
    await Promise.all(users.map((jwt) => post(airportQuery, { iata: 'SFO' }, bearer(jwt))));
    expect(cache.stats().memory.entries).toBe(1);
    expect(database.queries.length).toBe(1);
  });

  it('gives each of 200 concurrent users only their own PRIVATE answer', async () => {
    const users = await Promise.all(Array.from({ length: 200 }, (_, i) => token({ sub: `user-${i}`, name: `User ${i}` })));
    const ask = () => Promise.all(users.map((jwt) => post('{ viewer { id name } }', {}, bearer(jwt))));
    for (const round of [await ask(), await ask()]) {
      round.forEach((answer, i) => expect(answer.body.data.viewer).toEqual({ id: `user-${i}`, name: `User ${i}` }));
    }
    expect(cache.stats().memory.entries).toBe(200);
    expect((await post('{ viewer { id name } }', {}, bearer(users[7]!))).headers.get('cache-control')).toMatch(/^private, max-age=/);
  });

  it('never caches a PRIVATE answer for an anonymous caller, nor lets a forged token read one', async () => {
    const jwt = await token({ sub: 'victim' });
    await post('{ viewer { id } }', {}, bearer(jwt));
    const anonymous = await post('{ viewer { id } }');
    expect(anonymous.body.data.viewer.id).toBeNull();
    expect(anonymous.headers.get('cache-control')).toBe('no-store');
    const forged = await post('{ viewer { id } }', {}, bearer(await token({ sub: 'victim' }, { secret: 'f'.repeat(40) })));
    expect(forged.status).toBe(401);
    expect(JSON.stringify(forged.body)).not.toContain('victim');
  });

  it('neither stores nor serves streamed (SSE) answers', async () => {
    const sse = await api.gateway.fetch('http://contrail.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: airportQuery, variables: { iata: 'NRT' } }),
    });
    expect(sse.headers.get('content-type')).toContain('text/event-stream');
    expect(await sse.text()).toContain('event: next');
    expect(cache.stats().memory.entries).toBe(0);
    expect((await post(airportQuery, { iata: 'NRT' })).body.extensions.cache.hit).toBe(false);
  });

  it('never caches introspection or answers with errors', async () => {
    const introspection = await post('{ __schema { queryType { name } } }');
    expect(introspection.headers.get('cache-control')).toBe('no-store');
    const failed = await post(airportQuery, { iata: 'J1' });
    expect(failed.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(failed.headers.get('cache-control')).toBe('no-store');
    expect(cache.stats().memory.entries).toBe(0);
  });

  it('lets admins and services skip the read with Cache-Control: no-cache or ?nocache=1, and nobody else', async () => {
    await post(airportQuery, { iata: 'AMS' });
    const anonymous = await post(airportQuery, { iata: 'AMS' }, { 'cache-control': 'no-cache' });
    expect(anonymous.body.extensions.cache.hit).toBe(true);
    const user = await post(airportQuery, { iata: 'AMS' }, { 'cache-control': 'no-cache', ...bearer(await token({ sub: 'u' })) });
    expect(user.body.extensions.cache.hit).toBe(true);
    const admin = await post(airportQuery, { iata: 'AMS' }, { 'cache-control': 'no-cache', ...bearer(await token({ sub: 'a', role: 'admin' })) });
    expect(admin.body.extensions.cache.hit).toBe(false);
    const service = await post(airportQuery, { iata: 'AMS' }, bearer(await token({ sub: 's', role: 'service' })), '/graphql?nocache=1');
    expect(service.body.extensions.cache.hit).toBe(false);
  });

  it('serves fresh data after an admin corrects an airport the cache holds', async () => {
    const before = await post(airportQuery, { iata: 'BOS' });
    expect((await post(airportQuery, { iata: 'BOS' })).body.extensions.cache.hit).toBe(true);
    const admin = bearer(await token({ sub: 'ops', role: 'admin' }));
    const mutation = 'mutation($iata: String!, $name: String!) { updateAirport(iata: $iata, input: { name: $name }) { iata name } }';
    const updated = await post(mutation, { iata: 'BOS', name: 'Boston Logan (corrected)' }, admin);
    expect(updated.body.data.updateAirport).toEqual({ iata: 'BOS', name: 'Boston Logan (corrected)' });
    const after = await post(airportQuery, { iata: 'BOS' });
    expect(after.body.data.airport.name).toBe('Boston Logan (corrected)');
    expect(after.body.extensions.cache.hit).toBe(false);
    expect(before.body.data.airport.name).not.toBe('Boston Logan (corrected)');
  });

  it('refuses the mutation to anyone but an admin', async () => {
    const mutation = 'mutation { updateAirport(iata: "BOS", input: { name: "x" }) { name } }';
    expect((await post(mutation)).body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await post(mutation, {}, bearer(await token({ sub: 'u' })))).body.errors[0].extensions.code).toBe('FORBIDDEN');
  });
});

describe('persisted queries and GET', () => {
  const query = '{ airport(iata: "MAD") { iata name } }';
  const hash = createHash('sha256').update(query).digest('hex');
  const extensions = JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } });

  async function get(params: Record<string, string>, headers: Record<string, string> = {}) {
    const response = await api.gateway.fetch(`http://contrail.test/graphql?${new URLSearchParams(params)}`, { headers: { accept: 'application/json', ...headers } });
    return { status: response.status, headers: response.headers, body: await response.json() };
  }

  it('asks for the query the first time, then answers the hash alone, cached, over GET', async () => {
    const unknown = await get({ extensions });
    expect(unknown.body.errors[0]).toMatchObject({ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });
    const registered = await post(query, {}, {});
    expect(registered.body.data.airport.iata).toBe('MAD');
    const registering = await api.gateway.fetch('http://contrail.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, extensions: JSON.parse(extensions) }),
    });
    expect(registering.status).toBe(200);
    const byHash = await get({ extensions });
    expect(byHash.body.data.airport).toEqual({ iata: 'MAD', name: registered.body.data.airport.name });
    expect(byHash.body.extensions.cache.hit).toBe(true);
    expect(byHash.headers.get('cache-control')).toMatch(/^public, max-age=/);
  });

  it('work with the response cache off: the hash alone is answered once the query was sent', async () => {
    const uncached = testGateway(database, { cache, responseCache: { enabled: false, ttl: defaultTtlPolicy, extensions: true } });
    const ask = async (body: Record<string, unknown>) => {
      const response = await uncached.gateway.fetch('http://contrail.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    };
    const persisted = JSON.parse(extensions);
    expect((await ask({ extensions: persisted })).body.errors).toEqual([expect.objectContaining({ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } })]);
    expect((await ask({ query, extensions: persisted })).body.data.airport.iata).toBe('MAD');
    const byHash = await ask({ extensions: persisted });
    expect(byHash.body.data.airport.iata).toBe('MAD');
    expect(byHash.body.extensions?.cache).toBeUndefined();
    const lying = await ask({ query: '{ countries { code } }', extensions: persisted });
    expect([lying.status, lying.body.errors[0].extensions.code]).toEqual([400, 'PERSISTED_QUERY_HASH_MISMATCH']);
  });

  it('refuses a hash that does not match its query', async () => {
    const response = await api.gateway.fetch('http://contrail.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ countries { code } }', extensions: JSON.parse(extensions) }),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).errors[0].extensions.code).toBe('PERSISTED_QUERY_HASH_MISMATCH');
  });

  it('answers GET queries from the cache, and refuses mutations over GET', async () => {
    await get({ query });
    const again = await get({ query });
    expect(again.body.extensions.cache.hit).toBe(true);
    const mutation = await get({ query: 'mutation { updateAirport(iata: "MAD", input: { name: "x" }) { name } }' }, bearer(await token({ sub: 'a', role: 'admin' })));
    expect(mutation.status).toBe(405);
  });
});

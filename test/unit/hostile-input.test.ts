// Replays every hostile input found when the gateway was tried as an attacker would (issue 7):
// each is refused with a clear code before it costs anything, or answered correctly. The
// HTTP-level inputs (Host, request targets, body and URL sizes) are replayed against a real
// server in test/integration/http-edge.test.ts.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { specifiedDirectives } from 'graphql';
import type { CacheChain } from '../../src/cache/chain.ts';
import type { Gateway } from '../../src/gateway.ts';
import { chain, uniquePrefix } from '../helpers/cache.ts';
import { seededPglite, type TestDatabase } from '../helpers/databases.ts';
import { gatewayUrl, graphql, testGateway } from '../helpers/gateway.ts';
import { bearer, token } from '../helpers/tokens.ts';

let database: TestDatabase;
let cache: CacheChain;
let gateway: Gateway;

beforeAll(async () => {
  database = await seededPglite();
});
afterAll(() => database.close());
beforeEach(() => {
  cache = chain({ keyPrefix: uniquePrefix('hostile') });
  gateway = testGateway(database, { cache });
  database.queries.length = 0;
});

/** POSTs a body written by hand, as an attacker would (no GraphQL client sends these); returns status and text. */
async function sendRaw(headers: Record<string, string>, body: string | FormData) {
  const response = await gateway.fetch(gatewayUrl, { method: 'POST', headers, body });
  return { status: response.status, text: await response.text() };
}

/** A JSON body written by hand, and its parsed answer. */
async function send(json: string) {
  const answer = await sendRaw({ 'content-type': 'application/json' }, json);
  return { ...answer, body: JSON.parse(answer.text) };
}

const codesOf = (answer: { body: { errors?: { extensions?: { code?: string } }[] } }) => answer.body.errors?.map((e) => e.extensions?.code);

describe('query limits', () => {
  it('refuses the 171-byte query that once exhausted the heap, before one statement runs', async () => {
    const query = '{ airport(iata: "ATL") { routesFrom { destination { routesFrom { destination { routesFrom { destination { routesFrom { destination { iata } } } } } } } } } }';
    const heapBefore = process.memoryUsage().heapUsed;
    const answer = await graphql(gateway, query);
    expect(answer.status).toBe(400);
    expect(answer.body.errors).toEqual([
      { message: expect.stringMatching(/^Query cost limit of 10000 exceeded, found \d+\.$/), extensions: { code: 'COST_LIMIT_EXCEEDED', limit: 10_000 } },
    ]);
    expect(database.queries).toEqual([]);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
    // The gateway is still there.
    expect((await graphql(gateway, '{ airport(iata: "ATL") { iata } }')).body.data).toEqual({ airport: { iata: 'ATL' } });
  });

  it('allows the benchmark query: fifty routes with their airlines and destinations', async () => {
    const bench = 'query Bench($iata: String!) { airport(iata: $iata) { iata name city latitude longitude routesFrom(first: 50) { stops equipment airline { iata name country { name } } destination { iata name city latitude longitude } } } }';
    const answer = await graphql(gateway, bench, { variables: { iata: 'JFK' } });
    expect(answer.body.errors).toBeUndefined();
    expect(answer.body.data.airport.routesFrom).toHaveLength(50);
  });

  it('reads list multipliers from the arguments: a nested page of 500 costs what it asks for', async () => {
    const query = '{ airports(first: 100) { edges { node { routesFrom(first: 500) { destination { name } } } } } }';
    expect(codesOf(await graphql(gateway, query))).toEqual(['COST_LIMIT_EXCEEDED']);
    expect(database.queries).toEqual([]);
    const small = await graphql(gateway, '{ airports(first: 10) { edges { node { routesFrom(first: 5) { destination { name } } } } } }');
    expect(small.body.errors).toBeUndefined();
  });

  it.each([
    ['depth', `{ airport(iata: "JFK") { ${'routesFrom(first: 1) { origin { '.repeat(5)}iata${' } }'.repeat(5)} } }`, 'DEPTH_LIMIT_EXCEEDED', 10],
    ['aliases', `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: airport(iata: "JFK") { iata }`).join(' ')} }`, 'ALIAS_LIMIT_EXCEEDED', 15],
    ['directives', `{ airport(iata: "JFK") { ${Array.from({ length: 21 }, () => 'iata @include(if: true)').join(' ')} } }`, 'DIRECTIVE_LIMIT_EXCEEDED', 20],
    ['tokens', `{ airport(iata: "JFK") { ${'iata '.repeat(1000)} } }`, 'TOKEN_LIMIT_EXCEEDED', 1000],
  ])('refuses too many %s with a code naming the limit and its value', async (_, query, code, limit) => {
    const answer = await graphql(gateway, query);
    expect(answer.body.errors).toEqual([expect.objectContaining({ extensions: { code, limit } })]);
    expect(answer.body.errors[0].message).toContain(String(limit));
    expect(database.queries).toEqual([]);
  });
});

describe('inputs that used to crash or freeze the gateway', () => {
  it.each([
    ['a list literal 2,000 levels deep', JSON.stringify({ query: `{ airport(iata: ${'['.repeat(2000)}"JFK"${']'.repeat(2000)}) { name } }` }), 'TOKEN_LIMIT_EXCEEDED'],
    ['unknown fields 5,000 levels deep', JSON.stringify({ query: `{ ${'a { '.repeat(5000)}b${' }'.repeat(5000)} }` }), 'TOKEN_LIMIT_EXCEEDED'],
    ['inline fragments 5,000 levels deep', JSON.stringify({ query: `{ ${'... on Query { '.repeat(5000)}__typename${' }'.repeat(5000)} }` }), 'TOKEN_LIMIT_EXCEEDED'],
    [
      'variables 10,000 levels deep',
      `{"query":"query($s: String) { airports(search: $s) { edges { node { name } } } }","variables":{"s":${'['.repeat(10_000)}1${']'.repeat(10_000)}}}`,
      'VARIABLES_DEPTH_LIMIT_EXCEEDED',
    ],
  ])('answers %s with a 4xx and a code, no stack trace', async (_, body, code) => {
    const answer = await send(body);
    expect(answer.status).toBeGreaterThanOrEqual(200);
    expect(answer.status).toBeLessThan(500);
    expect(codesOf(answer)).toEqual([code]);
    expect(answer.text).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
  });

  it.each([
    ['100 KB', 'a'.repeat(100_000)],
    ['1 MB', 'a'.repeat(1_000_000)],
  ])('refuses a %s search term as BAD_USER_INPUT before any statement', async (_, search) => {
    const answer = await graphql(gateway, 'query($s: String) { airports(search: $s) { edges { node { name } } } }', { variables: { s: search } });
    expect(answer.body.errors).toEqual([expect.objectContaining({ message: 'Argument "search" must be at most 100 characters; received ' + search.length + '.', extensions: { code: 'BAD_USER_INPUT', argumentName: 'search' } })]);
    expect(database.queries).toEqual([]);
  });

  it.each([['a NUL byte', 'Lon\u0000don'], ['a lone surrogate', 'Lon\ud800don'], ['a control character', 'Lon\u001bdon']])(
    'refuses a search term holding %s as BAD_USER_INPUT, not INTERNAL_SERVER_ERROR',
    async (_, search) => {
      for (const field of ['airports', 'airlines']) {
        const answer = await graphql(gateway, `query($s: String) { ${field}(search: $s) { edges { node { name } } } }`, { variables: { s: search } });
        expect(answer.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', argumentName: 'search' } })]);
      }
      expect(database.queries).toEqual([]);
    },
  );

  it('quotes at most 40 characters of a malformed code back to the caller', async () => {
    const answer = await graphql(gateway, 'query($c: String!) { airport(iata: $c) { name } }', { variables: { c: 'X'.repeat(100_000) } });
    expect(answer.body.errors[0].message).toBe(`Argument "iata" must be a 3-character IATA airport code such as "JFK"; received "${'X'.repeat(40)}"… (100000 characters).`);
  });
});

describe('unexpected errors', () => {
  it('are masked as INTERNAL_SERVER_ERROR, without a stack or a path, even with NODE_ENV=development', async () => {
    const closed = await seededPglite();
    await closed.close();
    const broken = testGateway(closed);
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = 'development';
    try {
      const { body, text } = await graphql(broken, '{ airport(iata: "JFK") { name } }');
      expect(body.errors).toEqual([expect.objectContaining({ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: expect.any(String) } })]);
      expect(text).not.toMatch(/stack|originalError|\.ts:\d+|node_modules/);
    } finally {
      process.env.NODE_ENV = before;
    }
  });
});

describe('cache keys that used to collide', () => {
  it('refuses an identity that is not well-formed Unicode, so it never reaches a key', async () => {
    for (const sub of ['frank\udc00', 'eve\ud800']) {
      const answer = await graphql(gateway, '{ viewer { kind id } }', { headers: bearer(await token({ sub })) });
      expect(answer.status).toBe(401);
      expect(codesOf(answer)).toEqual(['UNAUTHENTICATED']);
    }
    const frank = await graphql(gateway, '{ viewer { kind id } }', { headers: bearer(await token({ sub: 'frank\ufffd' })) });
    expect(frank.body.data.viewer).toEqual({ kind: 'user', id: 'frank\ufffd' });
  });

  it('gives Infinity its own entry instead of null\'s: the uncached answer (an error) is what it gets', async () => {
    const query = 'query Routes($n: Int) { airport(iata: "JFK") { routesFrom(first: $n) { stops } } }';
    // Raw JSON: `1e400` only exists as text (it parses to Infinity).
    const withVariables = (variables: string) => send(`{"query":${JSON.stringify(query)},"variables":${variables}}`);
    const withNull = await withVariables('{"n":null}');
    expect(withNull.body.data.airport.routesFrom).toHaveLength(50);
    expect((await withVariables('{"n":null}')).body.extensions.cache.hit).toBe(true);
    const infinite = await withVariables('{"n":1e400}');
    expect(infinite.status).toBe(400);
    expect(infinite.body.data).toBeUndefined();
    expect(codesOf(infinite)).toEqual(['BAD_USER_INPUT']);
    expect(infinite.body.extensions?.cache).toBeUndefined();
  });
});

describe('mutations', () => {
  const read = 'query Airport($iata: String!) { airport(iata: $iata) { iata name } }';
  const admin = async () => bearer(await token({ sub: 'ops', role: 'admin' }));

  it('answer UNAUTHENTICATED to anonymous callers and FORBIDDEN to signed-in non-admins', async () => {
    const mutation = 'mutation { updateAirport(iata: "LHR", input: { name: "x" }) { __typename } }';
    expect(codesOf(await graphql(gateway, mutation))).toEqual(['UNAUTHENTICATED']);
    expect(codesOf(await graphql(gateway, mutation, { headers: bearer(await token({ sub: 'u1' })) }))).toEqual(['FORBIDDEN']);
  });

  // However the mutation arrives and whatever it selects, the resolver that writes invalidates.
  const deliveries: [string, (mutation: string, headers: Record<string, string>) => Promise<{ status: number; text: string }>][] = [
    ['JSON selecting only __typename', (m, h) => graphql(gateway, m, { headers: h })],
    ['application/graphql', (m, h) => sendRaw({ 'content-type': 'application/graphql', ...h }, m)],
    ['form-urlencoded', (m, h) => sendRaw({ 'content-type': 'application/x-www-form-urlencoded', ...h }, new URLSearchParams({ query: m }).toString())],
    [
      'multipart',
      (m, h) => {
        const form = new FormData();
        form.set('operations', JSON.stringify({ query: m }));
        form.set('map', '{}');
        return sendRaw(h, form);
      },
    ],
    ['JSON with Accept: text/event-stream', (m, h) => graphql(gateway, m, { headers: { accept: 'text/event-stream', ...h } })],
    ['JSON with Accept: multipart/mixed', (m, h) => graphql(gateway, m, { headers: { accept: 'multipart/mixed', ...h } })],
  ];

  it.each(deliveries)('invalidate what they changed when sent as %s', async (_, deliver) => {
    const iata = 'LHR';
    await graphql(gateway, read, { variables: { iata } });
    expect((await graphql(gateway, read, { variables: { iata } })).body.extensions.cache).toMatchObject({ hit: true, tier: 'memory' });
    const name = `Heathrow ${Math.random().toString(36).slice(2, 8)}`;
    const response = await deliver(`mutation { updateAirport(iata: "${iata}", input: { name: "${name}" }) { __typename } }`, await admin());
    expect(response.status).toBe(200);
    expect(response.text).toContain('Airport');
    const after = await graphql(gateway, read, { variables: { iata } });
    expect(after.body.data.airport.name).toBe(name);
    expect(after.body.extensions.cache.hit).toBe(false);
  });
});

describe('directives', () => {
  it('serves GraphQL\'s own directives, and not the internal @cacheControl', async () => {
    const answer = await graphql(gateway, '{ __schema { directives { name } } }');
    const names = answer.body.data.__schema.directives.map((d: { name: string }) => d.name);
    expect([...names].sort()).toEqual(specifiedDirectives.map((d) => d.name).sort());
    expect(names).toEqual(expect.arrayContaining(['include', 'skip', 'deprecated', 'specifiedBy']));
  });

  it('answers @include and @skip through the cache: different `if` values, different entries', async () => {
    const query = 'query Airport($full: Boolean!) { airport(iata: "CDG") { iata name @include(if: $full) city @skip(if: $full) } }';
    const full = { airport: { iata: 'CDG', name: 'Charles de Gaulle International Airport' } };
    const short = { airport: { iata: 'CDG', city: 'Paris' } };
    for (const round of [false, true]) {
      const a = await graphql(gateway, query, { variables: { full: true } });
      const b = await graphql(gateway, query, { variables: { full: false } });
      expect(a.body.data).toEqual(full);
      expect(b.body.data).toEqual(short);
      expect([a.body.extensions.cache.hit, b.body.extensions.cache.hit]).toEqual([round, round]);
    }
  });
});

// The limits issue 13 completes: page sizes and list lengths bounded before execution (and said
// in the schema), batches bounded, a ceiling on an answer's size, and a cache hit that pays for
// none of the checks again — through Yoga's response-cache plugin and through the fast path.
import type { Server } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { isObjectType } from 'graphql';
import { createSchema, createYoga } from 'graphql-yoga';
import type { CacheChain } from '../../src/cache/chain.ts';
import type { Gateway } from '../../src/gateway.ts';
import { createEdgeServer } from '../../src/http/edge.ts';
import { defaultLimits, useLimits } from '../../plugins/use-limits.ts';
import { operationCost } from '../../schema/cost.ts';
import { schema } from '../../schema/index.ts';
import { chain, uniquePrefix } from '../helpers/cache.ts';
import { seededPglite, testLogger, type TestDatabase } from '../helpers/databases.ts';
import { gatewayUrl, graphql, testGateway } from '../helpers/gateway.ts';

// The real cost function, counted: the work an accepted document pays for on every execution.
vi.mock('../../schema/cost.ts', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../schema/cost.ts')>();
  return { ...original, operationCost: vi.fn(original.operationCost) };
});

let database: TestDatabase;
let cache: CacheChain;
let gateway: Gateway;

beforeAll(async () => {
  database = await seededPglite();
});
afterAll(() => database.close());
beforeEach(() => {
  cache = chain({ keyPrefix: uniquePrefix('limits') });
  gateway = testGateway(database, { cache });
  database.queries.length = 0;
  vi.mocked(operationCost).mockClear();
});

const codesOf = (body: { errors?: { extensions?: { code?: string } }[] }) => body.errors?.map((e) => e.extensions?.code);

describe('page sizes', () => {
  it.each([
    ['a connection', '{ airports(first: 101) { edges { node { iata } } } }', 'first', 100],
    ['a connection paged backwards', '{ airports(last: 101, before: "x") { edges { node { iata } } } }', 'last', 100],
    ['a nested list', '{ airport(iata: "JFK") { routesFrom(first: 501) { stops } } }', 'first', 500],
    ['a country\'s airports', '{ country(code: "GB") { airports(first: 501) { iata } } }', 'first', 500],
    ['a flight search (nothing asked of the upstream)', '{ flights(from: "JFK", to: "LHR", date: "2026-01-01", first: 101) { edges { node { number } } } }', 'first', 100],
  ])('refuses a page above the maximum of %s as BAD_USER_INPUT naming the argument, before any statement', async (_, query, argumentName, limit) => {
    const answer = await graphql(gateway, query);
    expect(answer.body.errors).toEqual([
      { message: `Argument "${argumentName}" must be at most ${limit}; received ${limit + 1}.`, extensions: { code: 'BAD_USER_INPUT', argumentName, limit } },
    ]);
    expect(answer.body.data).toBeUndefined();
    expect(database.queries).toEqual([]);
  });

  it('reads a page size from the variables as from a literal', async () => {
    const query = 'query($n: Int) { airports(first: $n) { edges { node { iata } } } }';
    expect((await graphql(gateway, query, { variables: { n: 101 } })).body.errors).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', argumentName: 'first', limit: 100 } })]);
    // A default in the operation is a value too.
    expect(codesOf((await graphql(gateway, 'query($n: Int = 101) { airports(first: $n) { edges { node { iata } } } }')).body)).toEqual(['BAD_USER_INPUT']);
    const atMost = await graphql(gateway, query, { variables: { n: 100 } });
    expect(atMost.body.errors).toBeUndefined();
    expect(atMost.body.data.airports.edges).toHaveLength(100);
  });

  it('states its maximum in the description of every paging argument, and declares it where the limit reads it', () => {
    const paging: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith('__')) continue;
      for (const field of Object.values(type.getFields())) {
        for (const arg of field.args) {
          if (arg.name !== 'first' && arg.name !== 'last') continue;
          paging.push(`${type.name}.${field.name}(${arg.name})`);
          const { maximum } = arg.extensions as { maximum?: number };
          expect(maximum, `${type.name}.${field.name}(${arg.name})`).toBeGreaterThan(0);
          expect(arg.description, `${type.name}.${field.name}(${arg.name})`).toContain(`at most ${maximum}`);
        }
      }
    }
    // The sweep saw every paged field: connections and nested lists.
    expect(paging).toEqual(
      expect.arrayContaining(['Query.airports(first)', 'Query.airports(last)', 'Query.routes(first)', 'Query.flights(first)', 'Airport.routesFrom(first)', 'Country.airports(first)']),
    );
  });
});

describe('list arguments', () => {
  const codes = (n: number) => Array.from({ length: n }, (_, i) => `K${String(i).padStart(3, '0')}`);

  it('refuses weather for more airports than it declares (100), from a literal or a variable, before any statement', async () => {
    const literal = `{ weather(airports: ${JSON.stringify(codes(101))}) { raw } }`;
    const variable = 'query($a: [String!]!) { weather(airports: $a) { raw } }';
    for (const answer of [await graphql(gateway, literal), await graphql(gateway, variable, { variables: { a: codes(101) } })]) {
      expect(answer.body.errors).toEqual([
        { message: 'Argument "airports" may hold at most 100 items; received 101.', extensions: { code: 'BAD_USER_INPUT', argumentName: 'airports', limit: 100 } },
      ]);
    }
    expect(database.queries).toEqual([]);
    // 100 pass the limit (the airports are unknown: nulls).
    const hundred = await graphql(gateway, variable, { variables: { a: codes(100) } });
    expect(codesOf(hundred.body) ?? []).not.toContain('BAD_USER_INPUT');
  });

  it('states the bound in the argument\'s description', () => {
    const airports = schema.getQueryType()!.getFields().weather!.args.find((a) => a.name === 'airports')!;
    expect(airports.extensions).toMatchObject({ maxItems: 100 });
    expect(airports.description).toContain('at most 100');
  });

  describe('on a schema of its own', () => {
    const yoga = (maxListLength?: number) =>
      createYoga({
        schema: createSchema({
          typeDefs: /* GraphQL */ `
            input Filter { codes: [String!], nested: [Filter!] }
            type Query { count(values: [Int!], filter: Filter): Int! }
          `,
          resolvers: { Query: { count: (_: unknown, args: { values?: number[] }) => args.values?.length ?? 0 } },
        }),
        plugins: [useLimits({ maxListLength })],
        logging: false,
      });

    it(`bounds every list argument that declares nothing at maxListLength (default ${defaultLimits.maxListLength})`, async () => {
      const values = (n: number) => Array.from({ length: n }, (_, i) => i);
      expect((await graphql(yoga(), `{ count(values: ${JSON.stringify(values(50))}) }`)).body).toEqual({ data: { count: 50 } });
      expect((await graphql(yoga(), `{ count(values: ${JSON.stringify(values(51))}) }`)).body.errors).toEqual([
        expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', argumentName: 'values', limit: 50 } }),
      ]);
      expect((await graphql(yoga(3), '{ count(values: [1, 2, 3, 4]) }')).body.errors).toEqual([
        expect.objectContaining({ message: 'Argument "values" may hold at most 3 items; received 4.' }),
      ]);
    });

    it('finds lists inside input objects, and names them by their path', async () => {
      const query = 'query($f: Filter) { count(filter: $f) }';
      const deep = await graphql(yoga(2), query, { variables: { f: { nested: [{ codes: ['a', 'b', 'c'] }] } } });
      expect(deep.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', argumentName: 'filter.nested.codes', limit: 2 } })]);
      expect((await graphql(yoga(2), query, { variables: { f: { nested: [{ codes: ['a', 'b'] }] } } })).body).toEqual({ data: { count: 0 } });
    });
  });
});

describe('batches', () => {
  const body = (n: number) => JSON.stringify(Array.from({ length: n }, () => ({ query: '{ airport(iata: "JFK") { iata } }' })));
  const post = (target: Gateway, text: string) => target.fetch(gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });

  it('are refused with a clear 400 when batching is off (the default)', async () => {
    const response = await post(gateway, body(2));
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ errors: [{ message: 'Batching is not supported.', extensions: { code: 'BAD_REQUEST' } }] });
  });

  it('are answered up to the limit, and refused above it with 413 and a JSON message', async () => {
    const batching = testGateway(database, { cache, limits: { ...defaultLimits, maxBatchSize: 3 } });
    const within = await post(batching, body(3));
    expect(within.status).toBe(200);
    expect(await within.json()).toEqual(Array.from({ length: 3 }, () => ({ data: { airport: { iata: 'JFK' } } })));
    database.queries.length = 0;
    const over = await post(batching, body(4));
    expect(over.status).toBe(413);
    expect(over.headers.get('content-type')).toMatch(/json/);
    expect(await over.json()).toEqual({
      errors: [{ message: 'Batching is limited to 3 operations per request; received 4.', extensions: { code: 'BATCH_LIMIT_EXCEEDED', limit: 3 } }],
    });
    expect(database.queries).toEqual([]);
  });
});

describe('the size of an answer', () => {
  const big = '{ airports(first: 100) { edges { node { iata name city timezone } } } }';

  it('is capped: a larger answer is replaced by RESPONSE_TOO_LARGE and never cached', async () => {
    const capped = testGateway(database, { cache, limits: { ...defaultLimits, maxResponseBytes: 4096 } });
    const first = await graphql(capped, big);
    expect(first.body).toEqual({
      errors: [
        { message: 'The answer is larger than the limit of 4096 bytes: ask for fewer items or fields.', extensions: { code: 'RESPONSE_TOO_LARGE', limit: 4096 } },
      ],
    });
    expect(first.headers.get('cache-control')).toBe('no-store');
    // Not cached: asked again, it executes again.
    database.queries.length = 0;
    const again = await graphql(capped, big);
    expect(codesOf(again.body)).toEqual(['RESPONSE_TOO_LARGE']);
    expect(database.queries.length).toBeGreaterThan(0);
    // Below the ceiling, answers are cached as before.
    await graphql(capped, '{ airport(iata: "JFK") { iata } }');
    expect((await graphql(capped, '{ airport(iata: "JFK") { iata } }')).body.extensions.cache).toMatchObject({ hit: true });
  });

  it('passes by default (4 MiB) what the other limits allow', async () => {
    const answer = await graphql(gateway, big);
    expect(answer.body.errors).toBeUndefined();
    expect(answer.text.length).toBeGreaterThan(4096);
  });
});

describe('a cache hit of an accepted document', () => {
  let server: Server;
  let url: string;
  const fastPathAnswered: boolean[] = [];

  beforeEach(async () => {
    fastPathAnswered.length = 0;
    server = createEdgeServer({
      maxBodyBytes: 1024 * 1024,
      maxUrlLength: 16 * 1024,
      gateway,
      fastPath: async (req, res, body) => {
        const answered = await gateway.fastPath!(req, res, body);
        fastPathAnswered.push(answered);
        return answered;
      },
      logger: testLogger,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`;
  });
  afterEach(() => new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections()));

  it('pays for the checks once, at the miss: not again through the Yoga plugin, nor through the fast path', async () => {
    const query = '{ airports(first: 5) { edges { node { iata routesFrom(first: 2) { stops } } } } }';
    const miss = await graphql(gateway, query);
    expect(miss.body.extensions.cache).toMatchObject({ hit: false });
    expect(vi.mocked(operationCost)).toHaveBeenCalledTimes(1);

    const yogaHit = await graphql(gateway, query);
    expect(yogaHit.body.extensions.cache).toMatchObject({ hit: true });
    const fastHit = await graphql(url, query);
    expect(fastHit.body.extensions.cache).toMatchObject({ hit: true });
    expect(fastPathAnswered).toEqual([true]);
    expect(vi.mocked(operationCost)).toHaveBeenCalledTimes(1);
    expect(fastHit.body.data).toEqual(miss.body.data);
  });
});


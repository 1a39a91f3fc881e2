// What the gateway shows of itself: unexpected errors masked (INTERNAL_SERVER_ERROR and the
// request id of the log line that has the detail; the message too in development; never a
// stack), and introspection and GraphiQL, on unless NODE_ENV=production, configurable.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGraphQLError, createSchema, createYoga } from 'graphql-yoga';
import { createErrorMasking } from '../../plugins/use-error-masking.ts';
import { loadConfig } from '../../src/config.ts';
import { defaultExposure, type ExposureOptions } from '../../src/exposure.ts';
import type { Gateway } from '../../src/gateway.ts';
import { createLogger } from '../../src/logger.ts';
import { createEdgeServer } from '../../src/http/edge.ts';
import { seededPglite, testLogger, type TestDatabase } from '../helpers/databases.ts';
import { gatewayUrl, graphql, testGateway } from '../helpers/gateway.ts';

const STACK = /\n\s+at |node_modules|\.ts:\d+/;

let database: TestDatabase;
let broken: TestDatabase;

beforeAll(async () => {
  database = await seededPglite();
  // A database that fails every statement: what an unexpected error in a resolver looks like.
  broken = await seededPglite();
  await broken.close();
});
afterAll(() => database.close());

/** A gateway whose log lines the test reads. */
function gatewayWith(exposure: Partial<ExposureOptions>, over = database) {
  const lines: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
  const gateway = testGateway(over, { logger, exposure: { ...defaultExposure, ...exposure } });
  const logged = () => lines.map((line) => JSON.parse(line) as Record<string, any>);
  return { gateway, logged };
}

const failing = '{ airport(iata: "JFK") { name } }';

describe('an unexpected error in a resolver', () => {
  it('is answered in production as INTERNAL_SERVER_ERROR with the request id, and no detail', async () => {
    const { gateway, logged } = gatewayWith({ development: false }, broken);
    const answer = await graphql(gateway, failing, { headers: { 'x-request-id': 'req-7f3a' } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      data: { airport: null },
      errors: [{ message: 'Unexpected error.', locations: [{ line: 1, column: 3 }], path: ['airport'], extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'req-7f3a' } }],
    });
    // The log line the id finds has the detail.
    const line = logged().find((entry) => entry.reqId === 'req-7f3a');
    expect(line).toMatchObject({ level: 50, err: { message: expect.any(String), stack: expect.stringMatching(STACK) } });
    expect(answer.text).not.toContain(line!.err.message);
    expect(answer.text).not.toMatch(STACK);
  });

  it('gets an id of its own when the request came without one (or with one no edge makes), in the answer, its header and the log', async () => {
    const { gateway, logged } = gatewayWith({}, broken);
    for (const headers of [{}, { 'x-request-id': 'two words\u0007' }, { 'x-request-id': 'x'.repeat(200) }] as Record<string, string>[]) {
      const answer = await graphql(gateway, failing, { headers });
      const { requestId } = answer.body.errors[0].extensions;
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(answer.headers.get('x-request-id')).toBe(requestId);
      expect(logged().filter((entry) => entry.reqId === requestId)).toHaveLength(1);
    }
  });

  it('is answered in development with its message, still without a stack', async () => {
    const { gateway, logged } = gatewayWith({ development: true }, broken);
    const answer = await graphql(gateway, failing, { headers: { 'x-request-id': 'dev-1' } });
    const [error] = answer.body.errors;
    const { err } = logged().find((entry) => entry.reqId === 'dev-1')!;
    // The log adds the causes' messages (here "PGlite is closed").
    expect(err.message).toContain(error.message);
    expect(error.message).not.toBe('Unexpected error.');
    expect(error.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: 'dev-1' });
    expect(answer.text).not.toMatch(STACK);
  });

  it("carries the id the server's edge gave the request, which its answer's X-Request-Id header gives too", async () => {
    const { gateway, logged } = gatewayWith({}, broken);
    const server = createEdgeServer({
      maxBodyBytes: 1024 * 1024,
      maxUrlLength: 16 * 1024,
      gateway,
      requests: { begin: () => ({ requestId: 'edge-42' }), end: () => undefined },
      logger: testLogger,
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const answer = await graphql(`http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`, failing);
      expect(answer.headers.get('x-request-id')).toBe('edge-42');
      expect(answer.body.errors[0].extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: 'edge-42' });
      expect(logged().filter((entry) => entry.reqId === 'edge-42')).toHaveLength(1);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()).closeAllConnections());
    }
  });

  it('leaves errors made on purpose as they are, without a request id', async () => {
    const { gateway } = gatewayWith({});
    const answer = await graphql(gateway, '{ airport(iata: "J") { name } }');
    expect(answer.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', argumentName: 'iata' } })]);
  });
});

describe('an unexpected error outside execution', () => {
  const yoga = (development: boolean) => {
    const masking = createErrorMasking({ development });
    return createYoga({
      schema: createSchema({ typeDefs: 'type Query { ok: Boolean }', resolvers: { Query: { ok: () => true } } }),
      maskedErrors: { maskError: masking.maskError },
      logging: false,
      plugins: [
        {
          onParams({ params }) {
            if (params.query?.includes('boom')) throw new Error('boom: connection string postgres://secret@db');
            if (params.query?.includes('coded')) throw createGraphQLError('Told you so.', { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
          },
        },
        masking.plugin,
      ],
    });
  };

  it('is a 500 with the request id and nothing of the error in production; its message in development', async () => {
    const production = await graphql(yoga(false), '{ ok } # boom', { headers: { 'x-request-id': 'r-1' } });
    expect(production.status).toBe(500);
    expect(production.body).toEqual({ errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'r-1' } }] });
    const development = await graphql(yoga(true), '{ ok } # boom', { headers: { 'x-request-id': 'r-2' } });
    expect(development.body).toEqual({ errors: [{ message: 'boom: connection string postgres://secret@db', extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'r-2' } }] });
    expect(development.text).not.toMatch(STACK);
    const coded = await graphql(yoga(false), '{ ok } # coded');
    expect(coded.body).toEqual({ errors: [{ message: 'Told you so.', extensions: { code: 'BAD_REQUEST' } }] });
  });
});

describe('introspection', () => {
  it('is answered by default', async () => {
    const { gateway } = gatewayWith({});
    expect((await graphql(gateway, '{ __schema { queryType { name } } }')).body.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('is refused, when off, with INTROSPECTION_DISABLED before anything runs; __typename still answers', async () => {
    const { gateway } = gatewayWith({ introspection: false });
    for (const query of ['{ __schema { queryType { name } } }', '{ __type(name: "Airport") { name } }', '{ airport(iata: "JFK") { name } a: __schema { types { name } } }']) {
      // A validation error: 400 for clients that accept GraphQL over HTTP's own media type.
      const answer = await graphql(gateway, query, { headers: { accept: 'application/graphql-response+json' } });
      expect(answer.status).toBe(400);
      expect(answer.body).toEqual({ errors: [expect.objectContaining({ message: expect.stringMatching(/^Introspection is disabled on this server/), extensions: { code: 'INTROSPECTION_DISABLED' } })] });
    }
    expect((await graphql(gateway, '{ __typename airport(iata: "JFK") { __typename iata } }')).body.data).toEqual({ __typename: 'Query', airport: { __typename: 'Airport', iata: 'JFK' } });
  });
});

describe('GraphiQL', () => {
  // What a browser asks for when its address bar opens /graphql.
  const browser = (gateway: Gateway) => gateway.fetch(gatewayUrl, { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });

  it('is served to browsers by default', async () => {
    const response = await browser(gatewayWith({}).gateway);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/text\/html/);
    expect(await response.text()).toContain('<title>Contrail</title>');
  });

  it('is not served when off: a browser gets the JSON answer any client does', async () => {
    const response = await browser(gatewayWith({ graphiql: false }).gateway);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    expect(await response.json()).toEqual({ errors: [{ message: 'Must provide query string.', extensions: { code: 'BAD_REQUEST' } }] });
  });
});

describe('configuration', () => {
  it('turns introspection and GraphiQL on unless NODE_ENV=production, which `npm start` does not set', () => {
    expect(loadConfig({}).exposure).toEqual({ development: false, introspection: true, graphiql: true, persistedOnly: 'off' });
    expect(loadConfig({ NODE_ENV: 'development' }).exposure).toEqual({ development: true, introspection: true, graphiql: true, persistedOnly: 'off' });
    expect(loadConfig({ NODE_ENV: 'production' }).exposure).toEqual({ development: false, introspection: false, graphiql: false, persistedOnly: 'off' });
    expect(loadConfig({ NODE_ENV: 'production', GRAPHQL_INTROSPECTION: 'true', GRAPHIQL: 'true', PERSISTED_ONLY: 'partners' }).exposure).toEqual({
      development: false,
      introspection: true,
      graphiql: true,
      persistedOnly: 'partners',
    });
    expect(loadConfig({ GRAPHIQL: 'false' }).exposure.graphiql).toBe(false);
    expect(() => loadConfig({ PERSISTED_ONLY: 'partner' })).toThrow(/PERSISTED_ONLY/);
    const { scripts } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(scripts.start).not.toMatch(/NODE_ENV/);
  });
});

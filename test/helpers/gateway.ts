import { createAuthenticator } from '../../src/auth/authenticator.ts';
import { createGateway, type Gateway, type GatewayDeps } from '../../src/gateway.ts';
import type { DatabaseHandle } from '../../src/db/database.ts';
import { testLogger } from './databases.ts';
import { noUpstreams } from './upstreams.ts';

/** The HS256 secret test tokens are signed with. */
export const testJwtSecret = 'contrail-test-secret-that-is-at-least-32-characters';

export const testAuthConfig = { jwtSecret: testJwtSecret, clockToleranceSeconds: 5, apiKeyCacheMs: 0 };

/**
 * A gateway over `database`, in-process: send it requests with `graphql(gateway, …)`. Without
 * `entities` its upstreams are absent (see noUpstreams); startTestSandbox gives real ones.
 */
export function testGateway(database: DatabaseHandle, deps: Partial<GatewayDeps> = {}): Gateway {
  return createGateway({
    database,
    authenticate: createAuthenticator(testAuthConfig, database.db),
    logger: testLogger,
    entities: deps.entities ?? noUpstreams(database, deps.cache),
    ...deps,
  });
}

/** The URL an in-process gateway is asked at (its host is never resolved). */
export const gatewayUrl = 'http://contrail.test/graphql';

/** What a request goes to: a gateway (or any Yoga) in-process, or a listening server's /graphql URL. */
export type GraphQLTarget = string | { fetch(url: string, init: RequestInit): Response | Promise<Response> };

export interface GraphQLRequest {
  variables?: Record<string, unknown>;
  operationName?: string;
  /** The request's extensions, e.g. `{ persistedQuery: { version: 1, sha256Hash } }`. */
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
  /** POST (the default) sends a JSON body; GET puts the parameters in the query string. */
  method?: 'GET' | 'POST';
  /** More query-string parameters, e.g. `{ nocache: '1' }`. */
  searchParams?: Record<string, string>;
}

/** A GraphQL answer's body. Errors and extensions are read as JSON, as a client reads them. */
export interface GraphQLResponse<T = any> {
  data?: T | null;
  errors?: any;
  extensions?: any;
}

export interface GraphQLResult<T = any> {
  status: number;
  headers: Headers;
  /** The body as sent: empty for a 304, the events of a text/event-stream answer. */
  text: string;
  /** The body parsed, when it is JSON; undefined otherwise (a 304, a stream). */
  body: GraphQLResponse<T>;
}

/**
 * Sends one operation the way a client does — a JSON POST, or a GET with the parameters in
 * the URL — and returns the status, the headers and the body. `query` may be left out, as a
 * client does when it sends only a persisted query's hash.
 */
export async function graphql<T = any>(target: GraphQLTarget, query: string | undefined, request: GraphQLRequest = {}): Promise<GraphQLResult<T>> {
  const { variables, operationName, extensions, headers = {}, method = 'POST', searchParams = {} } = request;
  const url = new URL(typeof target === 'string' ? target : gatewayUrl);
  for (const [name, value] of Object.entries(searchParams)) url.searchParams.set(name, value);
  let init: RequestInit;
  if (method === 'GET') {
    const params = { query, operationName, variables: variables && JSON.stringify(variables), extensions: extensions && JSON.stringify(extensions) };
    for (const [name, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(name, value);
    init = { method, headers };
  } else {
    init = { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, operationName, variables, extensions }) };
  }
  const response = typeof target === 'string' ? await fetch(url, init) : await target.fetch(url.toString(), init);
  const text = await response.text();
  const json = /[/+]json\b/.test(response.headers.get('content-type') ?? '') && text !== '';
  return { status: response.status, headers: response.headers, text, body: json ? JSON.parse(text) : undefined };
}

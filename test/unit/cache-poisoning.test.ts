// Requests built to make two different requests share one response-cache entry: variables
// and headers that differ only by Unicode normalisation, by the key's own separators, past a
// long prefix, after a NUL byte, by duplicate JSON keys, by `__proto__`, by bytes that are not
// UTF-8. For each pair the cache is primed with A (and A is seen to hit), then B must get its
// own answer: the one a gateway without a cache gives it, and — where A and B mean different
// things — not from the cache. Each pair goes through Yoga in-process, and over HTTP through
// the edge and the pre-Yoga fast path, which reads the raw body itself.
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import type { Gateway } from '../../src/gateway.ts';
import { createEdgeServer } from '../../src/http/edge.ts';
import { chain, uniquePrefix } from '../helpers/cache.ts';
import { seededPglite, testLogger, type TestDatabase } from '../helpers/databases.ts';
import { gatewayUrl, testGateway } from '../helpers/gateway.ts';
import { bearer, token } from '../helpers/tokens.ts';

let database: TestDatabase;
/** The same gateway without a response cache: what each request's own answer is. */
let uncached: Gateway;

beforeAll(async () => {
  database = await seededPglite();
  uncached = testGateway(database);
});
afterAll(() => database?.close());

interface Sent {
  /** The body as sent: text, or bytes that need not be UTF-8. */
  body: string | Buffer;
  headers?: Record<string, string>;
}

interface Answer {
  status: number;
  body: { data?: unknown; errors?: unknown; extensions?: { cache?: { hit: boolean } } };
}

const search = 'query Search($s: String) { airports(search: $s, first: 3) { edges { node { iata name } } } }';
const viewer = '{ viewer { kind id } }';
const json = (value: unknown, headers?: Record<string, string>): Sent => ({ body: JSON.stringify(value), headers });
const searchFor = (s: string, extra: Record<string, unknown> = {}) => json({ query: search, variables: { s, ...extra } });

async function parse(response: Response): Promise<Answer> {
  return { status: response.status, body: JSON.parse(await response.text()) };
}

const post = (sent: Sent): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...sent.headers },
  body: sent.body as BodyInit,
});

/** A cached gateway of its own (no entry of another case in it), in-process and behind the edge. */
async function cachedGateway() {
  const gateway = testGateway(database, { cache: chain({ keyPrefix: uniquePrefix('poison') }) });
  const server: Server = createEdgeServer({ ...loadConfig({}).http, fastPath: gateway.fastPath, gateway, logger: testLogger });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`;
  return {
    inProcess: async (sent: Sent) => parse(await gateway.fetch(gatewayUrl, post(sent))),
    overHttp: async (sent: Sent) => parse(await fetch(url, post(sent))),
    close: () => new Promise((resolve) => server.close(resolve).closeAllConnections()),
  };
}

interface Pair {
  a: Sent;
  b: Sent;
  /** A and B mean different things to the gateway: B must not be served from A's entry. */
  distinct: boolean;
}

const normalised = (text: string) => ({ nfc: text.normalize('NFC'), nfd: text.normalize('NFD') });
const long = 'x'.repeat(100_000);

const pairs: Record<string, () => Promise<Pair>> = {
  'a search term in NFC, then in NFD': async () => {
    const { nfc, nfd } = normalised('Zürich');
    return { a: searchFor(nfc), b: searchFor(nfd), distinct: true };
  },
  'a user subject in NFC, then in NFD (PRIVATE)': async () => {
    const { nfc, nfd } = normalised('josé');
    return { a: json({ query: viewer }, bearer(await token({ sub: nfc }))), b: json({ query: viewer }, bearer(await token({ sub: nfd }))), distinct: true };
  },
  'the key separator | inside a value, then split over two variables': async () => ({ a: searchFor('Paris|London'), b: searchFor('Paris', { London: '' }), distinct: true }),
  'the key separator : and quotes inside a value, then as a variable of their own': async () => ({
    a: searchFor('Paris","x":"1'),
    b: searchFor('Paris', { x: '1' }),
    distinct: true,
  }),
  'a value that spells the next key part (|scope), then the plain value': async () => ({ a: searchFor('Paris|public'), b: searchFor('Paris'), distinct: true }),
  'operation names that hold a separator in their document, A then B': async () => {
    const query = 'query A { airport(iata: "JFK") { iata } } query B { airport(iata: "LHR") { iata } }';
    return { a: json({ query, operationName: 'A' }), b: json({ query, operationName: 'B' }), distinct: true };
  },
  'two 100 000-character operation names that differ only at the end': async () => {
    const query = `query ${long}A { airport(iata: "JFK") { iata } } query ${long}B { airport(iata: "LHR") { iata } }`;
    return { a: json({ query, operationName: `${long}A` }), b: json({ query, operationName: `${long}B` }), distinct: true };
  },
  'a 100 000-character variable before the one that differs': async () => ({ a: searchFor('Paris', { a: long }), b: searchFor('London', { a: long }), distinct: true }),
  'a NUL byte, then what followed it left out': async () => ({ a: searchFor('Paris', { a: 'x\u0000y' }), b: searchFor('London', { a: 'x' }), distinct: true }),
  'a user subject with a NUL byte, then the subject before it (PRIVATE)': async () => ({
    a: json({ query: viewer }, bearer(await token({ sub: 'alice\u0000admin' }))),
    b: json({ query: viewer }, bearer(await token({ sub: 'alice' }))),
    distinct: true,
  }),
  'duplicate variable keys, then the same keys the other way round': async () => ({
    a: { body: `{"query":${JSON.stringify(search)},"variables":{"s":"Paris","s":"London"}}` },
    b: { body: `{"query":${JSON.stringify(search)},"variables":{"s":"London","s":"Paris"}}` },
    distinct: true,
  }),
  'duplicate query keys, then the same keys the other way round': async () => {
    const [jfk, lhr] = ['{ airport(iata: "JFK") { iata } }', '{ airport(iata: "LHR") { iata } }'].map((q) => JSON.stringify(q));
    return { a: { body: `{"query":${jfk},"query":${lhr}}` }, b: { body: `{"query":${lhr},"query":${jfk}}` }, distinct: true };
  },
  'variables under __proto__, then the same variables plainly': async () => ({
    a: { body: `{"query":${JSON.stringify(search)},"variables":{"__proto__":{"s":"Paris"}}}` },
    b: searchFor('Paris'),
    distinct: true,
  }),
  'a variable named constructor, then none': async () => ({ a: searchFor('Paris', { constructor: { prototype: { s: 'London' } } }), b: searchFor('Paris'), distinct: false }),
  'UTF-8 "ü", then the Latin-1 byte for it (not UTF-8)': async () => ({
    a: { body: Buffer.from(JSON.stringify({ query: search, variables: { s: 'Zürich' } })) },
    b: { body: Buffer.concat([Buffer.from(`{"query":${JSON.stringify(search)},"variables":{"s":"Z`), Buffer.from([0xfc]), Buffer.from('rich"}}')]) },
    distinct: true,
  }),
  'the same text escaped differently (the same request: sharing is right)': async () => ({
    a: searchFor('Paris'),
    b: { body: `{"query":${JSON.stringify(search)},"variables":{"s":"Par\\u0069s"}}` },
    distinct: false,
  }),
  'one user, then another (PRIVATE)': async () => ({
    a: json({ query: viewer }, bearer(await token({ sub: 'alice' }))),
    b: json({ query: viewer }, bearer(await token({ sub: 'bob' }))),
    distinct: true,
  }),
  'a user, then an anonymous caller claiming to refresh (X-Contrail-Refresh)': async () => ({
    a: json({ query: viewer }, bearer(await token({ sub: 'alice' }))),
    b: json({ query: viewer }, { 'x-contrail-refresh': 'guess' }),
    distinct: true,
  }),
};

describe.each([
  ['in-process (Yoga)', 'inProcess'],
  ['over HTTP (edge and fast path)', 'overHttp'],
] as const)('keys that try to collide, %s', (_, how) => {
  it.each(Object.keys(pairs))('%s: B gets its own answer', async (name) => {
    const { a, b, distinct } = await pairs[name]!();
    const gateway = await cachedGateway();
    try {
      const primed = await gateway[how](a);
      expect(primed.body.errors).toBeUndefined();
      // A is in the cache: B could be served it.
      expect((await gateway[how](a)).body.extensions?.cache?.hit).toBe(true);
      const answer = await gateway[how](b);
      const own = await parse(await uncached.fetch(gatewayUrl, post(b)));
      expect({ status: answer.status, data: answer.body.data, errors: answer.body.errors }).toEqual({ status: own.status, data: own.body.data, errors: own.body.errors });
      if (distinct) {
        expect(answer.body.extensions?.cache?.hit).not.toBe(true);
        // The pair is a real test: A's answer would have been wrong for B.
        expect(own.body.data).not.toEqual(primed.body.data);
      }
    } finally {
      await gateway.close();
    }
  });
});

// Trusted documents (PERSISTED_ONLY): callers held to them run documents by hash only — codegen's
// manifest or an admin's registration — through Yoga and through the pre-Yoga fast path alike,
// even when the text they send is in the cache; everyone else goes on sending text.
import { readdirSync, readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultLimits } from '../../plugins/use-limits.ts';
import { trustedDocumentOf } from '../../plugins/use-trusted-documents.ts';
import { createPartner } from '../../src/auth/partner-keys.ts';
import type { CacheChain } from '../../src/cache/chain.ts';
import { defaultExposure, persistedDocuments, type ExposureOptions } from '../../src/exposure.ts';
import type { Gateway } from '../../src/gateway.ts';
import { createEdgeServer } from '../../src/http/edge.ts';
import { chain, uniquePrefix } from '../helpers/cache.ts';
import { seededPglite, testLogger, type TestDatabase } from '../helpers/databases.ts';
import { graphql, testGateway, type GraphQLTarget } from '../helpers/gateway.ts';
import { bearer, token } from '../helpers/tokens.ts';

const AIRPORT_NAME = 'query AirportName { airport(iata: "JFK") { name } }';
const AIRPORT_NAME_HASH = '11ecf50593c17f5906bd92e8b90e1b638ea93d4dc3fb133d4481718f2f8874ff';
const JFK = { airport: { name: 'John F Kennedy International Airport' } };
const byHash = (hash: string) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });

let database: TestDatabase;
let partnerKey: string;
let cache: CacheChain;
let server: Server | undefined;
const fastPathAnswered: boolean[] = [];

beforeAll(async () => {
  database = await seededPglite();
  partnerKey = (await createPartner(database.db, 'trusted-documents-acme')).key;
});
afterAll(() => database.close());
beforeEach(() => {
  cache = chain({ keyPrefix: uniquePrefix('trusted') });
  fastPathAnswered.length = 0;
});
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()).closeAllConnections() : resolve()));
  server = undefined;
});

function gatewayWith(persistedOnly: ExposureOptions['persistedOnly']): Gateway {
  return testGateway(database, { cache, exposure: { ...defaultExposure, persistedOnly } });
}

/** The gateway behind the server's edge, as `npm start` serves it: hits answered by the fast path first. */
async function served(gateway: Gateway): Promise<string> {
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
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`;
}

const partner = () => ({ 'x-api-key': partnerKey });
const refused = (answer: { status: number; body: any }) => {
  expect(answer.status).toBe(400);
  expect(answer.body.errors).toEqual([{ message: expect.stringMatching(/trusted|registered/), extensions: { code: 'PERSISTED_QUERY_ONLY' } }]);
};

describe('the manifest', () => {
  it('names every operation in schema/operations by the hash a registration gives the same text', () => {
    const dir = new URL('../../schema/operations/', import.meta.url);
    const files = readdirSync(dir).filter((name) => name.endsWith('.graphql'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const { hash, document } = trustedDocumentOf(readFileSync(new URL(file, dir), 'utf8'));
      expect(persistedDocuments[hash], file).toBe(document);
    }
  });
});

describe('PERSISTED_ONLY=partners', () => {
  it('refuses a partner\'s text with 400 PERSISTED_QUERY_ONLY, running nothing, and takes its hash', async () => {
    const gateway = gatewayWith('partners');
    database.queries.length = 0;
    refused(await graphql(gateway, AIRPORT_NAME, { headers: partner() }));
    // Text with a hash of its own (an automatic persisted query) is no way round it.
    const untrusted = '{ airport(iata: "LHR") { name } }';
    refused(await graphql(gateway, untrusted, { headers: partner(), ...byHash(trustedDocumentOf(untrusted).hash) }));
    refused(await graphql(gateway, undefined, { headers: partner(), ...byHash('0'.repeat(64)) }));
    // Nothing ran: the only statements besides the key's check look the two hashes up in the registry.
    expect(database.queries.filter((q) => !/"partners"/.test(q.sql)).map((q) => q.params)).toEqual([[trustedDocumentOf(untrusted).hash], ['0'.repeat(64)]]);

    expect((await graphql(gateway, undefined, { headers: partner(), ...byHash(AIRPORT_NAME_HASH) })).body.data).toEqual(JFK);
    // The hash with its own text is fine too (an APQ client's first request).
    expect((await graphql(gateway, AIRPORT_NAME, { headers: partner(), ...byHash(AIRPORT_NAME_HASH) })).body.data).toEqual(JFK);
  });

  it('takes a documentId, bare or prefixed with its algorithm, from anyone', async () => {
    const gateway = gatewayWith('partners');
    const post = (documentId: string, headers: Record<string, string> = {}) =>
      gateway.fetch('http://contrail.test/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ documentId }) });
    for (const id of [AIRPORT_NAME_HASH, `sha256:${AIRPORT_NAME_HASH}`]) {
      expect(await (await post(id, partner())).json()).toMatchObject({ data: JFK });
      expect(await (await post(id)).json()).toMatchObject({ data: JFK });
    }
    const unknown = await post('f'.repeat(64));
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({ errors: [{ message: `No trusted document has the id ${'f'.repeat(64)}.`, extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] });
  });

  it("refuses a partner's text even when an anonymous caller's same text is cached, through Yoga and through the fast path", async () => {
    const gateway = gatewayWith('partners');
    const url = await served(gateway);
    // Anonymous callers send text as before: a miss, then a hit on the fast path.
    expect((await graphql(url, AIRPORT_NAME)).body).toMatchObject({ data: JFK, extensions: { cache: { hit: false } } });
    expect((await graphql(url, AIRPORT_NAME)).body).toMatchObject({ data: JFK, extensions: { cache: { hit: true } } });
    expect(fastPathAnswered).toEqual([false, true]);

    refused(await graphql(url, AIRPORT_NAME, { headers: partner() }));
    expect(fastPathAnswered).toEqual([false, true, false]);
    refused(await graphql(gateway, AIRPORT_NAME, { headers: partner() }));

    // The partner's hash is answered from the same entry: the trusted text is the anonymous text.
    expect((await graphql(url, undefined, { headers: partner(), ...byHash(AIRPORT_NAME_HASH) })).body).toMatchObject({ data: JFK, extensions: { cache: { hit: true } } });
  });

  it('refuses every operation of a batch sent as text by a partner', async () => {
    const gateway = testGateway(database, { cache, exposure: { ...defaultExposure, persistedOnly: 'partners' }, limits: { ...defaultLimits, maxBatchSize: 5 } });
    const send = (body: unknown[]) =>
      gateway.fetch('http://contrail.test/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...partner() }, body: JSON.stringify(body) });
    const mixed = await send([{ documentId: AIRPORT_NAME_HASH }, { query: AIRPORT_NAME }]);
    expect(mixed.status).toBe(400);
    expect((await mixed.json()).errors[0].extensions.code).toBe('PERSISTED_QUERY_ONLY');
    expect(await (await send([{ documentId: AIRPORT_NAME_HASH }, byHash(AIRPORT_NAME_HASH)])).json()).toEqual([{ data: JFK }, { data: JFK }]);
  });

  it('leaves anonymous callers and signed-in users free to send text', async () => {
    const gateway = gatewayWith('partners');
    expect((await graphql(gateway, '{ airport(iata: "LHR") { iata } }')).body.data).toEqual({ airport: { iata: 'LHR' } });
    const user = bearer(await token({ sub: 'u1' }));
    expect((await graphql(gateway, '{ airport(iata: "LHR") { iata } }', { headers: user })).body.data).toEqual({ airport: { iata: 'LHR' } });
  });
});

describe('PERSISTED_ONLY=all', () => {
  it('holds every caller to trusted documents but admins and services, the operators\' own tools', async () => {
    const gateway = gatewayWith('all');
    const url = await served(gateway);
    for (const headers of [{}, bearer(await token({ sub: 'u1' })), partner()]) {
      refused(await graphql(url, AIRPORT_NAME, { headers }));
      expect((await graphql(url, undefined, { headers, ...byHash(AIRPORT_NAME_HASH) })).body.data).toEqual(JFK);
    }
    // Never answered from the cache before the check, however often the text is asked.
    expect(fastPathAnswered.filter(Boolean)).toEqual([]);
    for (const role of ['admin', 'service']) {
      expect((await graphql(url, AIRPORT_NAME, { headers: bearer(await token({ sub: `op-${role}`, role })) })).body.data).toEqual(JFK);
    }
  });
});

describe('PERSISTED_ONLY=off (the default)', () => {
  it('lets partners send text', async () => {
    expect((await graphql(gatewayWith('off'), AIRPORT_NAME, { headers: partner() })).body.data).toEqual(JFK);
  });
});

describe('registerTrustedDocument', () => {
  const register = (target: GraphQLTarget, headers: Record<string, string>, document: string, name?: string) =>
    graphql(target, 'mutation($d: String!, $n: String) { registerTrustedDocument(document: $d, name: $n) }', { headers, variables: { d: document, n: name } });

  it("trusts an admin's document at once: a partner runs it by the hash it answers", async () => {
    const gateway = gatewayWith('partners');
    const text = `query Gatwick {
      airport(iata: "LGW") { name iata }
    }`;
    const { hash } = trustedDocumentOf(text);
    refused(await graphql(gateway, undefined, { headers: partner(), extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }));

    const admin = bearer(await token({ sub: 'alice', role: 'admin' }));
    const registered = await register(gateway, admin, text, 'gatwick');
    expect(registered.body).toEqual({ data: { registerTrustedDocument: hash } });
    // The normalised text is what is trusted and run.
    expect(hash).toBe(trustedDocumentOf('query Gatwick { airport(iata: "LGW") { iata name } }').hash);

    const answer = await graphql(gateway, undefined, { headers: partner(), ...byHash(hash) });
    expect(answer.body.data).toEqual({ airport: { name: 'London Gatwick Airport', iata: 'LGW' } });
    // Another instance (a gateway of its own) finds it in the database.
    expect((await graphql(gatewayWith('partners'), undefined, { headers: partner(), ...byHash(hash) })).body.data).toEqual(answer.body.data);
    // Registering again answers the same hash.
    expect((await register(gateway, admin, text, 'again')).body).toEqual({ data: { registerTrustedDocument: hash } });
  });

  it('is for admins only, and refuses a document the schema does not accept', async () => {
    const gateway = gatewayWith('off');
    expect((await register(gateway, {}, AIRPORT_NAME)).body.errors).toEqual([expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } })]);
    expect((await register(gateway, partner(), AIRPORT_NAME)).body.errors).toEqual([expect.objectContaining({ extensions: { code: 'FORBIDDEN' } })]);
    const admin = bearer(await token({ sub: 'alice', role: 'admin' }));
    for (const bad of ['{ airport(iata: "JFK") { nope } }', 'query {', 'type Foo { a: Int }']) {
      expect((await register(gateway, admin, bad)).body.errors).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', argumentName: 'document' } })]);
    }
  });
});

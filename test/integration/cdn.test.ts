import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.ts';
import { removeSharedKeys, startTestServer } from '../helpers/contrail-server.ts';
import { hasRedis, sleep, uniquePrefix } from '../helpers/cache.ts';
import { hasPostgres, seededPostgres, type TestDatabase } from '../helpers/databases.ts';
import { graphql } from '../helpers/gateway.ts';
import { bearer, token } from '../helpers/tokens.ts';

const today = new Date().toISOString().slice(0, 10);
const BATCH_MS = 50;

interface Received {
  authorization?: string;
  body: { tags: string[]; surrogateKeys: string[] };
  /** Set when the receiver has answered. */
  answered: boolean;
}

/**
 * The CDN's purge webhook, played by a node:http server on a free port: it records each POST
 * and answers it as `respond` says (a status, after an optional delay).
 */
async function startReceiver() {
  const received: Received[] = [];
  let respond: () => Promise<number> = async () => 200;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const entry: Received = { authorization: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString()), answered: false };
    received.push(entry);
    const status = await respond();
    res.writeHead(status).end();
    entry.answered = true;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/purge`,
    received,
    answerWith(next: () => Promise<number>) {
      respond = next;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function until(what: string, condition: () => boolean, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await sleep(20);
  }
}

describe.skipIf(!hasRedis || !hasPostgres)('a CDN in front: tag headers and the purge webhook, through the real server', () => {
  let database: TestDatabase;
  let server: RunningServer;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const prefix = uniquePrefix('cdn');

  beforeAll(async () => {
    database = await seededPostgres();
    receiver = await startReceiver();
    server = await startTestServer(database, prefix, {
      CDN_S_MAXAGE_FACTOR: '2',
      CDN_PURGE_URL: receiver.url,
      CDN_PURGE_TOKEN: 'purge-secret',
      CDN_PURGE_BATCH_MS: String(BATCH_MS),
    });
  }, 60_000);
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
    await database?.close();
    await removeSharedKeys(prefix);
  });
  beforeEach(async () => {
    // Whatever an earlier test left in flight has landed: each test counts its own POSTs.
    await until('earlier purges', () => receiver.received.every((r) => r.answered));
    receiver.received.length = 0;
    receiver.answerWith(async () => 200);
  });

  const airport = 'query Airport($iata: String!) { airport(iata: $iata) { id iata name city } }';
  const admin = async () => bearer(await token({ sub: 'ops', role: 'admin' }));

  it('sends a PUBLIC answer with s-maxage and its tags, the same on the miss and on the fast-path hit', async () => {
    const miss = await graphql(server.url, airport, { variables: { iata: 'LAX' } });
    const hit = await graphql(server.url, airport, { variables: { iata: 'LAX' } });
    expect(miss.body.extensions.cache.hit).toBe(false);
    expect(hit.body.extensions.cache).toMatchObject({ hit: true, tier: 'memory' });
    const id = miss.body.data.airport.id;
    const cdnHeaders = (headers: Headers) => Object.fromEntries(['cache-control', 'surrogate-key', 'cache-tag', 'etag', 'vary'].map((name) => [name, headers.get(name)]));
    expect(cdnHeaders(miss.headers)).toEqual({
      'cache-control': 'public, max-age=43200, s-maxage=86400',
      'surrogate-key': `Airport:${id} type:Airport`,
      'cache-tag': `Airport:${id},type:Airport`,
      etag: miss.headers.get('etag'),
      vary: 'Authorization, X-Api-Key',
    });
    expect(cdnHeaders(hit.headers)).toEqual(cdnHeaders(miss.headers));
  });

  it('sends no tags and no s-maxage with a PRIVATE answer (a user\'s quotes), missed or hit', async () => {
    const user = bearer(await token({ sub: 'cdn-user' }));
    const mine = 'query Mine { myQuotes(first: 10) { edges { node { id } } } }';
    const first = await graphql(server.url, mine, { headers: user });
    const second = await graphql(server.url, mine, { headers: user });
    expect(first.body.errors).toBeUndefined();
    expect(second.body.extensions.cache).toMatchObject({ hit: true, scope: 'PRIVATE' });
    for (const answer of [first, second]) {
      expect(answer.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
      expect(answer.headers.get('surrogate-key')).toBeNull();
      expect(answer.headers.get('cache-tag')).toBeNull();
    }
  });

  it('tells the webhook the tags a pushed flight status invalidated, in one POST with the bearer token', async () => {
    const pushed = await graphql(server.url, 'mutation Ingest($input: FlightStatusInput!) { ingestFlightStatus(input: $input) { number status } }', {
      headers: bearer(await token({ sub: 'ops-feed', role: 'service' })),
      variables: { input: { number: 'BA9876', date: today, from: 'LHR', to: 'JFK', status: 'SCHEDULED', scheduledDeparture: `${today}T12:00:00Z` } },
    });
    expect(pushed.body.errors).toBeUndefined();
    await until('the purge POST', () => receiver.received.length > 0);
    // Several windows later, still the one POST.
    await sleep(BATCH_MS * 6);
    const tags = [`Flight:BA9876:${today}`, 'Route:LHR-JFK'];
    expect(receiver.received).toEqual([{ authorization: 'Bearer purge-secret', body: { tags, surrogateKeys: tags }, answered: true }]);
  });

  it('purges the tags a PUBLIC answer carried when an admin corrects it', async () => {
    const before = await graphql(server.url, airport, { variables: { iata: 'SFO' } });
    const keys = before.headers.get('surrogate-key')!.split(' ');
    await graphql(server.url, 'mutation { updateAirport(iata: "SFO", input: { city: "San Francisco (SFO)" }) { city } }', { headers: await admin() });
    await until('the purge POST', () => receiver.received.length > 0);
    expect(receiver.received.map((r) => r.body.surrogateKeys)).toEqual([[`Airport:${before.body.data.airport.id}`]]);
    expect(keys).toContain(receiver.received[0]!.body.surrogateKeys[0]);
  });

  it('answers the mutation while a slow webhook is still holding the purge', async () => {
    let release!: () => void;
    receiver.answerWith(() => new Promise((resolve) => (release = () => resolve(200))));
    const corrected = await graphql(server.url, 'mutation { updateAirport(iata: "SEA", input: { city: "Seattle (SEA)" }) { city } }', { headers: await admin() });
    expect(corrected.body.data.updateAirport.city).toBe('Seattle (SEA)');
    // The mutation has its answer; the webhook has not answered (it may not even have been called yet).
    expect(receiver.received.filter((r) => r.answered)).toEqual([]);
    await until('the purge POST', () => receiver.received.length > 0);
    expect(receiver.received[0]!.answered).toBe(false);
    release();
    await until('the webhook answering', () => receiver.received[0]!.answered);
    expect(receiver.received).toHaveLength(1);
  });

  it('tells the webhook to drop everything when an admin flushes the cache, and nothing on a dry run', async () => {
    const flush = async (body: object) => fetch(new URL('/admin/cache', server.url), { method: 'DELETE', headers: { ...(await admin()), 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await flush({ dryRun: true })).status).toBe(200);
    await sleep(BATCH_MS * 4);
    expect(receiver.received).toEqual([]);
    expect((await flush({ confirm: prefix })).status).toBe(200);
    await until('the purge POST', () => receiver.received.length > 0);
    expect(receiver.received.map((r) => r.body)).toEqual([{ all: true }]);
  });

  it('retries a purge the webhook failed with 500 until it succeeds', async () => {
    const statuses = [500, 500];
    receiver.answerWith(async () => statuses.shift() ?? 200);
    await graphql(server.url, 'mutation { updateAirport(iata: "PDX", input: { city: "Portland (PDX)" }) { city } }', { headers: await admin() });
    await until('three attempts', () => receiver.received.length === 3 && receiver.received[2]!.answered);
    await sleep(300);
    expect(new Set(receiver.received.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(receiver.received).toHaveLength(3);
  });
});

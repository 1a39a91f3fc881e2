// Throws generated hostile requests (test/helpers/fuzz-*.ts) at the gateway: in-process
// through Yoga, and over a socket through the HTTP edge and the pre-Yoga fast path, where raw
// bytes enter. Every answer must be well-formed GraphQL over HTTP — a 4xx, or a 200 whose
// errors all carry a code — with no 5xx, no stack, no unhandled rejection, no response-cache
// entry written for a failed request, and nothing of another viewer's.
//
// Reproduce a failure with the seed it prints: FUZZ_SEED=<seed> npx vitest run test/unit/fuzz-hostile-requests.test.ts
// (FUZZ_RUNS scales both runs; the counts by status and code go to node_modules/.cache/contrail/fuzz-counts.json).
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request, type Server } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAuthenticator } from '../../src/auth/authenticator.ts';
import { loadConfig } from '../../src/config.ts';
import { asViewer } from '../../src/db/as-viewer.ts';
import type { Gateway } from '../../src/gateway.ts';
import { createEdgeServer } from '../../src/http/edge.ts';
import { insertQuote } from '../../src/sql/quotes.ts';
import { uniquePrefix } from '../helpers/cache.ts';
import { seededPglite, testLogger, type TestDatabase } from '../helpers/databases.ts';
import { foreignData, judge, type RawAnswer } from '../helpers/fuzz-answers.ts';
import { kindOfKey, recordingChain, type RecordingChain } from '../helpers/fuzz-cache.ts';
import { fuzzAudience, fuzzCredentials, fuzzUsers, type Credential } from '../helpers/fuzz-credentials.ts';
import { fuzzRequests, type FuzzRequest } from '../helpers/fuzz-requests.ts';
import { graphql, testAuthConfig, testGateway } from '../helpers/gateway.ts';
import { aQuote } from '../helpers/quotes-rls-suite.ts';

const seed = Number(process.env.FUZZ_SEED ?? 20_260_521);
const scale = Number(process.env.FUZZ_RUNS ?? 10_000) / 10_000;
const runs = { inProcess: Math.round(7_000 * scale), http: Math.round(3_000 * scale) };

let database: TestDatabase;
let cache: RecordingChain;
let gateway: Gateway;
let credentials: Credential[];
let server: Server;
let port: number;
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
/** Each seeded quote's owner (a user's subject). */
const owners = new Map<string, string>();
const rejections: unknown[] = [];
const onRejection = (reason: unknown) => void rejections.push(reason);

const counts = {
  seed,
  requests: { inProcess: 0, http: 0 },
  byStatus: { all: {} as Record<string, number>, inProcess: {} as Record<string, number>, http: {} as Record<string, number> },
  byCode: {} as Record<string, number>,
  byExpectation: {} as Record<string, number>,
  byFamily: {} as Record<string, number>,
  /** Milliseconds spent answering each family, to keep the run's time in check. */
  msByFamily: {} as Record<string, number>,
  /** Cache writes made while a failed request was answered, by kind (response entries must stay 0). */
  writesByFailedRequests: { response: 0, 'persisted-query': 0, entity: 0 },
  writesBySuccessfulRequests: 0,
  /** Answers served from the cache, and those that showed the asker's own quotes (of them, from the cache): the privacy check had something to check. */
  cacheHits: 0,
  ownQuoteAnswers: 0,
  ownQuoteAnswersFromCache: 0,
  examples: {} as Record<string, string>,
};
const bump = (record: Record<string, number>, key: string) => void (record[key] = (record[key] ?? 0) + 1);

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  console.log(`fuzz seed ${seed} (FUZZ_SEED=${seed} to replay); ${runs.inProcess} requests in-process, ${runs.http} over HTTP`);
  database = await seededPglite();
  credentials = await fuzzCredentials(database.db);
  for (const user of fuzzUsers) {
    for (const number of ['BA117', 'AF22']) {
      const row = await asViewer(database.db, user, (tx) => insertQuote(tx, aQuote({ flightNumber: number })));
      owners.set(row.id, user);
    }
  }
  cache = recordingChain(uniquePrefix('fuzz'));
  gateway = testGateway(database, { cache, authenticate: createAuthenticator({ ...testAuthConfig, audience: fuzzAudience }, database.db) });
  server = createEdgeServer({ ...loadConfig({}).http, fastPath: gateway.fastPath, gateway, logger: testLogger });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  process.off('unhandledRejection', onRejection);
  agent.destroy();
  await new Promise((resolve) => server?.close(resolve).closeAllConnections());
  await database?.close();
  const file = 'node_modules/.cache/contrail/fuzz-counts.json';
  mkdirSync('node_modules/.cache/contrail', { recursive: true });
  writeFileSync(file, JSON.stringify(counts, null, 2) + '\n');
  const { requests, byStatus, byCode, writesByFailedRequests, cacheHits, ownQuoteAnswers, ownQuoteAnswersFromCache } = counts;
  console.log(`fuzz counts (all of them in ${file}):\n${JSON.stringify({ seed, requests, byStatus, byCode, writesByFailedRequests, cacheHits, ownQuoteAnswers, ownQuoteAnswersFromCache }, null, 2)}`);
});

async function inProcess(r: FuzzRequest): Promise<RawAnswer> {
  const response = await gateway.fetch(`http://contrail.test${r.path}`, { method: r.method, headers: r.headers, body: r.body });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
}

/** How the bytes go over the socket: as they are, chunked, past the body limit, or under a bad Host. */
type Transport = 'plain' | 'chunked' | 'oversize' | 'bad-host';

function overHttp(r: FuzzRequest, transport: Transport): Promise<RawAnswer> {
  let body = r.body === undefined ? undefined : Buffer.from(r.body);
  if (transport === 'oversize') body = Buffer.concat([body ?? Buffer.alloc(0), Buffer.alloc(1024 * 1024 + 1, 0x20)]);
  const headers: Record<string, string> = { ...r.headers };
  if (body && transport !== 'chunked') headers['content-length'] = String(body.length);
  if (transport === 'bad-host') headers.host = 'bad host!';
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: r.method, path: r.path, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body && transport === 'chunked') {
      // Two chunks, split mid-body (mid-character, too, for multi-byte text).
      const half = body.length >> 1;
      req.write(body.subarray(0, half));
      req.end(body.subarray(half));
    } else req.end(body);
  });
}

const clip = (text: string | undefined, max = 600) => (text === undefined ? '(none)' : text.length > max ? `${text.slice(0, max)}… (${text.length} characters)` : text);

/** Refusals for size or rate are right whatever the operation was (413, 414, 431, 429). */
const SIZE_OR_RATE = new Set([413, 414, 429, 431]);

/** Sends one request, judges its answer and the cache writes it caused; throws saying what is wrong. */
async function exchange(r: FuzzRequest, send: (r: FuzzRequest) => Promise<RawAnswer>, where: 'inProcess' | 'http'): Promise<void> {
  const writesBefore = cache.writes.length;
  const started = performance.now();
  const answer = await send(r);
  const family = r.label.split(/[: ]/)[0]!;
  counts.msByFamily[family] = Math.round((counts.msByFamily[family] ?? 0) + performance.now() - started);
  // Let writes the answer started (fire-and-forget stores) be called before they are counted.
  await new Promise((resolve) => setImmediate(resolve));
  const written = cache.writes.slice(writesBefore);
  const fail = (why: string): never => {
    throw new Error(
      `${why}\n  request: ${r.label} as ${r.credential.name} (${where}), expecting ${r.expect}\n  ${r.method} ${clip(r.path, 300)}\n  headers: ${clip(JSON.stringify(r.headers), 300)}\n  body: ${clip(r.body)}\n  answer: ${answer.status} ${answer.contentType}\n  ${clip(answer.text)}`,
    );
  };
  let verdict;
  try {
    verdict = judge(answer, { method: r.method, text: `${r.path}${r.body ?? ''}${JSON.stringify(r.headers)}` });
  } catch (err) {
    return fail(`malformed answer: ${(err as Error).message}`);
  }
  counts.requests[where]++;
  bump(counts.byStatus.all, String(answer.status));
  bump(counts.byStatus[where], String(answer.status));
  for (const code of new Set(verdict.codes)) bump(counts.byCode, code);
  bump(counts.byExpectation, r.expect);
  bump(counts.byFamily, family);

  const { status } = answer;
  const met =
    r.expect === 'clientError' ? status >= 400
    : r.expect === 'data' ? SIZE_OR_RATE.has(status) || !verdict.failed
    : r.expect === 'badUserInput' ? SIZE_OR_RATE.has(status) || verdict.codes.includes('BAD_USER_INPUT')
    : r.expect === 'refused' ? verdict.failed
    : true;
  if (!met) fail(`expected ${r.expect}`);
  const foreign = foreignData(verdict.payloads, r.credential.claimed, owners);
  if (foreign) fail(`another viewer's data in the answer: ${foreign}`);
  const hit = verdict.payloads.some((p) => p.extensions?.cache?.hit === true);
  if (hit) counts.cacheHits++;
  const claimed = r.credential.claimed;
  if (claimed.kind === 'user' && [...owners].some(([id, owner]) => owner === claimed.id && answer.text.includes(id))) {
    counts.ownQuoteAnswers++;
    if (hit) counts.ownQuoteAnswersFromCache++;
  }
  if (verdict.failed) {
    for (const key of written) {
      const kind = kindOfKey(key);
      counts.writesByFailedRequests[kind]++;
      counts.examples[`write by a failed request: ${kind}`] ??= `${r.label}: ${clip(r.body ?? r.path, 200)} → ${answer.status} ${clip(answer.text, 200)} wrote ${clip(key, 120)}`;
      if (kind === 'response') fail(`a failed request wrote a response-cache entry: ${clip(key, 200)}`);
    }
  } else counts.writesBySuccessfulRequests += written.length;
}

describe('hostile requests', () => {
  it(`answer ${runs.inProcess} generated requests in-process (Yoga) well-formed, coded, private and uncached when failed`, async () => {
    await fc.assert(
      fc.asyncProperty(fuzzRequests(credentials, { quoteIds: [...owners.keys()] }), (r) => exchange(r, inProcess, 'inProcess')),
      { seed, numRuns: runs.inProcess, endOnFailure: true },
    );
  }, 600_000);

  it(`answer ${runs.http} generated requests over HTTP (the edge and the fast path) the same way`, async () => {
    const transport = fc.oneof(
      { weight: 20, arbitrary: fc.constant<Transport>('plain') },
      { weight: 4, arbitrary: fc.constant<Transport>('chunked') },
      { weight: 1, arbitrary: fc.constantFrom<Transport>('oversize', 'bad-host') },
    );
    await fc.assert(
      fc.asyncProperty(fuzzRequests(credentials, { quoteIds: [...owners.keys()] }), transport, async (r, how) => {
        // A request refused at the edge for its size or Host is a 4xx whatever it carried.
        const sent = how === 'oversize' || how === 'bad-host' ? { ...r, expect: 'clientError' as const, label: `${r.label} (${how})` } : r;
        await exchange(sent, (req) => overHttp(req, how), 'http');
      }),
      { seed: seed + 1, numRuns: runs.http, endOnFailure: true },
    );
  }, 600_000);

  it('left no rejection unhandled and sent every request it generated', () => {
    expect(rejections).toEqual([]);
    expect(counts.requests).toEqual(runs);
    expect(counts.writesByFailedRequests.response).toBe(0);
    // Users did read their quotes, from the cache too, while others asked the same documents.
    expect(counts.ownQuoteAnswersFromCache).toBeGreaterThan(0);
  });
});

describe('found by the fuzz run', () => {
  it.each([
    ['airport', 'iata', 'ßA', 'SSA'],
    ['airport', 'iata', 'ıST', 'IST'],
    ['country', 'code', 'ﬀ', 'FF'],
    ['airline', 'icao', 'ﬁA', 'FIA'],
  ])('refuses %s(%s: "%s") as BAD_USER_INPUT instead of looking up %s (Unicode case folding made a code of it)', async (field, arg, code) => {
    const answer = await graphql(gateway, `query($c: String!) { ${field}(${arg}: $c) { __typename } }`, { variables: { c: code } });
    expect(answer.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', argumentName: arg } })]);
    expect(answer.body.data).toEqual({ [field]: null });
  });

  it.each(['ßA', 'ıST', 'ﬁ117'])('refuses weather(airports: ["%s"]) and flight(number: "%s") as BAD_USER_INPUT (no Unicode case folding into a code)', async (code) => {
    const weather = await graphql(gateway, 'query($a: [String!]!) { weather(airports: $a) { raw } }', { variables: { a: [code] } });
    expect(weather.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT', argumentName: 'airports' } })]);
    const flight = await graphql(gateway, 'query($n: String!, $d: Date!) { flight(number: $n, date: $d) { number } }', { variables: { n: code, d: new Date().toISOString().slice(0, 10) } });
    expect(flight.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', argumentName: 'number' }) })]);
  });

  // The response cache read a JSON body that is no object (`null`, `1`, `"x"`, `true`) as "not one
  // operation" and handed it to Yoga as the params, which the limits plugin read `.variables`
  // of: a TypeError, a 500. Without a cache Yoga answers 400.
  it.each(['null', '1', '"x"', 'true'])('answers the JSON body %s with a 400 naming what the body must be, not a 500', async (body) => {
    const response = await gateway.fetch('http://contrail.test/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(response.status).toBe(400);
    expect((await response.json()).errors[0]).toMatchObject({ message: expect.stringMatching(/must be a JSON object/), extensions: { code: 'BAD_REQUEST' } });
  });

  // A hash that matched its query was registered before the query was parsed or validated, so
  // a request that failed still wrote an `apq:` entry: now only one that executed cleanly does.
  it('registers no persisted query for a request that fails validation', async () => {
    const query = `{ nope${Math.random().toString(36).slice(2, 8)} }`;
    const sha256Hash = createHash('sha256').update(query).digest('hex');
    const before = cache.writes.length;
    const answer = await graphql(gateway, query, { extensions: { persistedQuery: { version: 1, sha256Hash } } });
    expect(answer.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(cache.writes.slice(before)).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningServer } from '../../src/server.ts';
import { removeSharedKeys, startTestServer } from '../helpers/contrail-server.ts';
import { hasRedis, uniquePrefix } from '../helpers/cache.ts';
import { hasPostgres, seededPostgres, type TestDatabase } from '../helpers/databases.ts';
import { graphql } from '../helpers/gateway.ts';
import { bearer, token } from '../helpers/tokens.ts';

const METRICS_TOKEN = 'metrics-token-for-the-test-0123456789';
const airportQuery = 'query MetricsAirport($iata: String!) { airport(iata: $iata) { iata name } }';

/** `/metrics` as `name{labels}` → value (label order as exposed). */
async function scrape(server: RunningServer): Promise<Map<string, number>> {
  const response = await fetch(server.url.replace(/\/graphql$/, '/metrics'), { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(response.status).toBe(200);
  const values = new Map<string, number>();
  for (const line of (await response.text()).split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

const cacheOutcome = (outcome: string, tier: string, operation = 'MetricsAirport', scope = 'PUBLIC') =>
  `contrail_response_cache_requests_total{outcome="${outcome}",tier="${tier}",scope="${scope}",operation="${operation}"}`;

describe.skipIf(!hasRedis || !hasPostgres)('GET /metrics after a scripted sequence', () => {
  let database: TestDatabase;
  let first: RunningServer;
  let second: RunningServer;
  const prefix = uniquePrefix('metrics');

  beforeAll(async () => {
    database = await seededPostgres();
    const env = { RATE_LIMIT_ENABLED: 'false', METRICS_TOKEN, CACHE_INVALIDATION_ACK_TIMEOUT_MS: '2000' };
    first = await startTestServer(database, prefix, env);
    second = await startTestServer(database, prefix, env);
  }, 60_000);
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await database?.close();
    await removeSharedKeys(prefix);
  });

  it('refuses a scrape without the metrics token, and a viewer credential is not one', async () => {
    const url = first.url.replace(/\/graphql$/, '/metrics');
    expect((await fetch(url)).status).toBe(401);
    const asAdmin = await fetch(url, { headers: bearer(await token({ sub: 'ops', role: 'admin' })) });
    expect(asAdmin.status).toBe(401);
    expect(await asAdmin.json()).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
  });

  it('counts a miss, then fast-path hits from memory on one instance and from Redis on the other, by tier, scope and operation', async () => {
    const ask = (server: RunningServer, headers: Record<string, string> = {}) => graphql(server.url, airportQuery, { variables: { iata: 'JFK' }, operationName: 'MetricsAirport', headers });
    expect((await ask(first)).body.extensions.cache).toMatchObject({ hit: false });
    expect((await ask(first)).body.extensions.cache).toMatchObject({ hit: true, tier: 'memory' });
    // A signed-in caller shares a PUBLIC answer.
    expect((await ask(first, bearer(await token({ sub: 'user-1' })))).body.extensions.cache).toMatchObject({ hit: true, tier: 'memory' });
    expect((await ask(second)).body.extensions.cache).toMatchObject({ hit: true, tier: 'redis' });
    expect((await ask(second)).body.extensions.cache).toMatchObject({ hit: true, tier: 'memory' });

    const a = await scrape(first);
    expect(a.get(cacheOutcome('miss', 'none'))).toBe(1);
    expect(a.get(cacheOutcome('hit', 'memory'))).toBe(2);
    expect(a.get(cacheOutcome('hit', 'redis'))).toBeUndefined();
    expect(a.get('contrail_requests_total{operation="MetricsAirport",outcome="ok"}')).toBe(3);
    // Both hits were answered before Yoga.
    expect(a.get('contrail_request_duration_seconds_count{answered_by="fast"}')).toBe(2);
    expect(a.get('contrail_request_duration_seconds_count{answered_by="gateway"}')).toBeGreaterThanOrEqual(1);

    const b = await scrape(second);
    expect(b.get(cacheOutcome('hit', 'redis'))).toBe(1);
    expect(b.get(cacheOutcome('hit', 'memory'))).toBe(1);
    expect(b.get(cacheOutcome('miss', 'none'))).toBeUndefined();
    expect(b.get('contrail_requests_total{operation="MetricsAirport",outcome="ok"}')).toBe(2);
    // The Redis hit was one guarded read, timed.
    expect(b.get('contrail_cache_tier_call_duration_seconds_count{tier="redis",op="getMany",result="ok"}')).toBe(1);
    expect(b.get('contrail_cache_tier_breaker_state{tier="redis",state="closed"}')).toBe(1);
    expect(b.get('contrail_cache_memory_entries')).toBeGreaterThanOrEqual(1);
  });

  it('bounds operation names: a name that is not a GraphQL name is counted as other, never as itself', async () => {
    const odd = 'x'.repeat(80);
    await graphql(first.url, `query ${odd} { airport(iata: "LHR") { iata } }`, { operationName: odd });
    const a = await scrape(first);
    expect([...a.keys()].some((name) => name.includes(odd))).toBe(false);
    expect(a.get(cacheOutcome('miss', 'none', 'other'))).toBe(1);
  });

  it('counts upstream calls made and the calls the entity cache spared, with their estimated cost', async () => {
    const date = new Date().toISOString().slice(0, 10);
    const flight = (name: string) => graphql(first.url, `query ${name}($date: Date!) { flight(number: "AA100", date: $date) { number } }`, { variables: { date }, operationName: name });
    expect((await flight('FlightOnce')).status).toBe(200);
    // Another operation: a response-cache miss whose flight comes from the entity cache.
    expect((await flight('FlightTwice')).status).toBe(200);
    const a = await scrape(first);
    expect(a.get('contrail_upstream_calls_total{source="flights",result="ok"}')).toBe(1);
    expect(a.get('contrail_upstream_calls_saved_total{source="flights"}')).toBe(1);
    expect(a.get('contrail_upstream_cost_usd_total{source="flights"}')).toBeCloseTo(0.009998, 6);
    expect(a.get('contrail_upstream_cost_saved_usd_total{source="flights"}')).toBeCloseTo(0.009998, 6);
    expect(a.get('contrail_entity_cache_reads_total{kind="flight",found="miss"}')).toBe(1);
    expect(a.get('contrail_entity_cache_reads_total{kind="flight",found="fresh"}')).toBe(1);
    expect(a.get('contrail_upstream_breaker_state{source="flights",state="closed"}')).toBe(1);
  });

  it('counts a real warming run by status, and real invalidations by kind: a write, and an admin purge once per kind it selects by', async () => {
    const admin = bearer(await token({ sub: 'ops', role: 'admin' }));
    const rest = async (path: string, body: unknown) => {
      const response = await fetch(first.url.replace(/\/graphql$/, `/admin${path}`), { method: 'POST', headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(response.status).toBe(200);
      return response.json();
    };
    const before = await scrape(first);
    // Through the warmer the server built (the admin API's): a run of the popular group.
    expect(await rest('/cache/warm', { popularOnly: true })).toMatchObject({ status: 'success' });
    // A write: the mutation invalidates what holds the airport.
    const corrected = await graphql(first.url, 'mutation { updateAirport(iata: "BOS", input: { city: "Boston (BOS)" }) { city } }', { headers: admin });
    expect(corrected.body.errors).toBeUndefined();
    // An admin purge by type and operation name; a dry run counts nothing.
    await rest('/cache/invalidate', { types: ['Airport'], operationName: 'MetricsAirport' });
    await rest('/cache/invalidate', { types: ['Airport'], dryRun: true });
    const after = await scrape(first);
    const delta = (name: string) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
    expect(delta('contrail_cache_warming_runs_total{status="success"}')).toBe(1);
    const invalidations = [...after.keys()].filter((name) => name.startsWith('contrail_cache_invalidations_total')).map((name) => [name, delta(name)]);
    expect(invalidations.filter(([, n]) => n !== 0).sort()).toEqual([
      ['contrail_cache_invalidations_total{kind="operation"}', 1],
      ['contrail_cache_invalidations_total{kind="types"}', 1],
      ['contrail_cache_invalidations_total{kind="write"}', 1],
    ]);
    // The other instance did neither.
    expect([...(await scrape(second)).keys()].filter((name) => /warming_runs|invalidations/.test(name) && !name.startsWith('#'))).toEqual([]);
  });

  it("exposes the rate limiter's refusals, read when scraped", async () => {
    const limited = await startTestServer(database, `${prefix}limited:`, { METRICS_TOKEN, RATE_LIMIT_ANONYMOUS_PER_MINUTE: '12', RATE_LIMIT_MISS_COST: '5' });
    try {
      // A miss (5 points), then hits (1 each) until the 12 are spent, then two refused on arrival.
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) statuses.push((await graphql(limited.url, airportQuery, { variables: { iata: 'SEA' }, operationName: 'MetricsAirport' })).status);
      expect(statuses).toEqual([...Array<number>(8).fill(200), 429, 429]);
      const values = await scrape(limited);
      expect(values.get('contrail_rate_limit_refused_total{where="admission"}')).toBe(2);
      expect(values.get('contrail_rate_limit_refused_total{where="execution"}')).toBe(0);
      expect(values.get('contrail_rate_limit_fallbacks_total')).toBe(0);
    } finally {
      await limited.close();
    }
  });
});

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { historicalFlightSegments } from '../../drizzle/schema/index.ts';
import type { Cache } from '../../src/cache/create-cache.ts';
import type { Gateway } from '../../src/gateway.ts';
import { hasRedis, sharedCache, uniquePrefix } from '../helpers/cache.ts';
import { hasPostgres, seededPostgres, type TestDatabase } from '../helpers/databases.ts';
import { graphql, testGateway } from '../helpers/gateway.ts';
import { bearer, token } from '../helpers/tokens.ts';
import { startTestSandbox, type TestSandbox } from '../helpers/upstreams.ts';
import { advanceClock } from '../helpers/clock.ts';
import { defaultPricing } from '../../resolvers/pricing/config.ts';
import { soldCoverage } from '../../src/sql/quotes.ts';
import { removeSharedKeys } from '../helpers/contrail-server.ts';

const DAY_MS = 86_400_000;

const fields = 'id status premium currency coverage delayThresholdMinutes probability riskScore validUntil flight { number date } breakdown { loading fee } purchasedAt';
const create = /* GraphQL */ `
  mutation Create($input: QuoteInput!) { createQuote(input: $input) { ${fields} } }
`;
const purchase = /* GraphQL */ `
  mutation Purchase($id: ID!, $key: String!) { purchaseQuote(id: $id, idempotencyKey: $key) { ${fields} } }
`;
const mine = /* GraphQL */ `
  query Mine { myQuotes(first: 10) { edges { cursor node { id status } } pageInfo { hasNextPage } } }
`;
const one = /* GraphQL */ `
  query One($id: ID!) { userQuote(id: $id) { id status } }
`;
const anonymousQuote = /* GraphQL */ `
  query Quote($flight: String!, $date: Date!, $coverage: Float!, $delayThresholdMinutes: Int!) {
    quote(flight: $flight, date: $date, coverage: $coverage, delayThresholdMinutes: $delayThresholdMinutes) { premium }
  }
`;
const routeFlights = /* GraphQL */ `
  query RouteFlights($date: Date!) {
    flights(from: "JFK", to: "LHR", date: $date, first: 50) { edges { node { number status scheduledDeparture } } }
  }
`;

/** `n` landed flights numbered from `base`, the first `delayed` 150 minutes late. */
function rows(base: number, airline: string, origin: string, destination: string, n: number, delayed: number) {
  return Array.from({ length: n }, (_, i) => {
    const scheduledDeparture = new Date(Date.now() - (1 + (i % 80)) * DAY_MS - i * 60_000);
    return {
      flightNumber: `${airline}${base + i}`,
      flightDate: scheduledDeparture.toISOString().slice(0, 10),
      airlineIata: airline,
      originIata: origin,
      destinationIata: destination,
      status: 'landed' as const,
      scheduledDeparture,
      actualArrival: new Date(scheduledDeparture.getTime() + 7 * 3_600_000),
      arrivalDelayMinutes: i < delayed ? 150 : 10,
      record: {},
      source: 'test',
      observedAt: new Date(),
    };
  });
}

describe.skipIf(!hasRedis || !hasPostgres)("signed-in users' quotes", () => {
  let database: TestDatabase;
  let sandbox: TestSandbox;
  let cache: Cache;
  let gateway: Gateway;
  let u1: Record<string, string>;
  let u2: Record<string, string>;
  let input: { flight: string; date: string; coverage: number; delayThresholdMinutes: number };
  const prefix = uniquePrefix('user-quotes');

  beforeAll(async () => {
    database = await seededPostgres();
    sandbox = await startTestSandbox(database);
    cache = await sharedCache(database.url!, prefix);
    gateway = testGateway(database, { cache: cache.chain, entities: sandbox.entities(cache.chain) });
    u1 = bearer(await token({ sub: 'u1' }));
    u2 = bearer(await token({ sub: 'u2' }));

    for (const offset of [1, 2]) {
      const date = new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);
      const { body } = await graphql(gateway, routeFlights, { variables: { date } });
      const found = body.data.flights.edges
        .map((e: { node: { number: string; status: string; scheduledDeparture: string } }) => e.node)
        .find((f: { status: string; scheduledDeparture: string }) => f.status === 'SCHEDULED' && Date.parse(f.scheduledDeparture) > Date.now() + 3 * 3_600_000);
      if (found) {
        input = { flight: found.number, date, coverage: 200, delayThresholdMinutes: 120 };
        break;
      }
    }
    const airline = input.flight.slice(0, 2);
    const other = airline === 'DL' ? 'UA' : 'DL';
    await database.db.insert(historicalFlightSegments).values([
      ...rows(1000, airline, 'JFK', 'LHR', 40, 6),
      ...rows(2000, airline, 'BOS', 'LHR', 100, 10),
      ...rows(3000, other, 'JFK', 'LAX', 200, 30),
    ]);
  }, 60_000);
  afterAll(async () => {
    await sandbox?.close();
    await cache?.close();
    await database?.close();
    await removeSharedKeys(prefix);
  });

  let created: { id: string; status: string; validUntil: string; flight: { number: string; date: string } };

  it("stores u1's quote, lists it in u1's myQuotes only, and invalidates u1's cached listing", async () => {
    // Cached before: an empty listing, then a hit.
    const before = await graphql(gateway, mine, { headers: u1 });
    expect(before.body.errors).toBeUndefined();
    expect(before.body.data.myQuotes.edges).toEqual([]);
    expect(before.headers.get('cache-control')).toMatch(/private/);
    expect((await graphql(gateway, mine, { headers: u1 })).body.extensions.cache).toMatchObject({ hit: true });

    const { body } = await graphql(gateway, create, { headers: u1, variables: { input } });
    expect(body.errors).toBeUndefined();
    created = body.data.createQuote;
    expect(created).toMatchObject({ status: 'QUOTED', currency: 'USD', coverage: 200, delayThresholdMinutes: 120, purchasedAt: null });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.flight.date).toBe(input.date);
    expect(Date.parse(created.validUntil) - Date.now()).toBeLessThanOrEqual(1_800_000);
    expect(Date.parse(created.validUntil) - Date.now()).toBeGreaterThan(600_000);

    const after = await graphql(gateway, mine, { headers: u1 });
    expect(after.body.extensions.cache.hit).toBe(false);
    expect(after.body.data.myQuotes.edges.map((e: { node: { id: string } }) => e.node)).toEqual([{ id: created.id, status: 'QUOTED' }]);
    expect(after.headers.get('cache-control')).toMatch(/private/);

    const theirs = await graphql(gateway, mine, { headers: u2 });
    expect(theirs.body.errors).toBeUndefined();
    expect(theirs.body.data.myQuotes.edges).toEqual([]);
  });

  it("answers null for another user's quote by id, and NOT_FOUND to their purchase", async () => {
    const own = await graphql(gateway, one, { headers: u1, variables: { id: created.id } });
    expect(own.body.data.userQuote).toEqual({ id: created.id, status: 'QUOTED' });
    expect(own.headers.get('cache-control')).toMatch(/private/);

    const read = await graphql(gateway, one, { headers: u2, variables: { id: created.id } });
    expect(read.body.errors).toBeUndefined();
    expect(read.body.data.userQuote).toBeNull();

    const bought = await graphql(gateway, purchase, { headers: u2, variables: { id: created.id, key: 'k-u2' } });
    expect(bought.body.errors[0].extensions).toMatchObject({ code: 'NOT_FOUND', argumentName: 'id' });
  });

  it('purchases once: the same key answers the same, another key answers it as bought', async () => {
    expect((await graphql(gateway, one, { headers: u1, variables: { id: created.id } })).body.extensions.cache.hit).toBe(true);
    // Anyone's cached price for the flight counted the coverage it carried before this purchase.
    await graphql(gateway, anonymousQuote, { variables: input });
    expect((await graphql(gateway, anonymousQuote, { variables: input })).body.extensions.cache.hit).toBe(true);
    const first = await graphql(gateway, purchase, { headers: u1, variables: { id: created.id, key: 'k1' } });
    expect(first.body.errors).toBeUndefined();
    expect(first.body.data.purchaseQuote).toMatchObject({ id: created.id, status: 'PURCHASED', purchasedAt: expect.any(String) });
    const again = await graphql(gateway, purchase, { headers: u1, variables: { id: created.id, key: 'k1' } });
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data).toEqual(first.body.data);
    const other = await graphql(gateway, purchase, { headers: u1, variables: { id: created.id, key: 'k2' } });
    expect(other.body.errors).toBeUndefined();
    expect(other.body.data).toEqual(first.body.data);

    // The purchase invalidated u1's cached answers.
    const read = await graphql(gateway, one, { headers: u1, variables: { id: created.id } });
    expect(read.body.extensions.cache.hit).toBe(false);
    expect(read.body.data.userQuote.status).toBe('PURCHASED');
    expect((await graphql(gateway, anonymousQuote, { variables: input })).body.extensions.cache.hit).toBe(false);
  });

  it('refuses a key that already bought another quote, naming it, and an expired quote with QUOTE_EXPIRED', async () => {
    const second = (await graphql(gateway, create, { headers: u1, variables: { input } })).body.data.createQuote;
    const reused = await graphql(gateway, purchase, { headers: u1, variables: { id: second.id, key: 'k1' } });
    expect(reused.body.data).toBeNull();
    expect(reused.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'idempotencyKey' });

    advanceClock(Date.parse(second.validUntil) - Date.now() + 1000);
    const expired = await graphql(gateway, purchase, { headers: u1, variables: { id: second.id, key: 'k-late' } });
    expect(expired.body.errors[0].extensions.code).toBe('QUOTE_EXPIRED');
    vi.useRealTimers();
    expect((await graphql(gateway, one, { headers: u1, variables: { id: second.id } })).body.data.userQuote.status).toBe('QUOTED');
  });

  it("stops selling at the flight's exposure cap, counted over every buyer when each buys, not when each was quoted", async () => {
    const coverage = defaultPricing.coverage.max;
    const sold = await soldCoverage(database.db, created.flight.number, created.flight.date);
    const room = Math.floor((defaultPricing.exposureCap - sold) / coverage);
    // Quoted while nothing more was sold: every one of them priced.
    const buyers = await Promise.all(
      Array.from({ length: room + 2 }, async (_, i) => {
        const headers = bearer(await token({ sub: `cap-buyer-${i}` }));
        const quoted = await graphql(gateway, create, { headers, variables: { input: { ...input, coverage } } });
        expect(quoted.body.errors).toBeUndefined();
        return { headers, id: quoted.body.data.createQuote.id as string };
      }),
    );
    const bought = await Promise.all(buyers.map(({ headers, id }) => graphql(gateway, purchase, { headers, variables: { id, key: 'buy' } })));
    const outcomes = bought.map(({ body }) => body.errors?.[0]?.extensions.reason ?? body.data.purchaseQuote.status);
    expect(outcomes.filter((o) => o === 'PURCHASED')).toHaveLength(room);
    expect(outcomes.filter((o) => o === 'EXPOSURE_CAP')).toHaveLength(2);
    const refused = bought.find(({ body }) => body.errors)!;
    expect(refused.body.errors[0].extensions.code).toBe('QUOTE_DECLINED');
    expect(refused.body.errors[0].message).toMatch(/one flight can carry/);
    expect(await soldCoverage(database.db, created.flight.number, created.flight.date)).toBe(sold + room * coverage);
  });

  it('refuses an anonymous caller (UNAUTHENTICATED) and a non-user (FORBIDDEN)', async () => {
    const anonymous = await graphql(gateway, create, { variables: { input } });
    expect(anonymous.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const service = await graphql(gateway, create, { headers: bearer(await token({ sub: 'feed', role: 'service' })), variables: { input } });
    expect(service.body.errors[0].extensions.code).toBe('FORBIDDEN');
  });
});

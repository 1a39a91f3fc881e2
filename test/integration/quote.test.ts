import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historicalFlightSegments } from '../../drizzle/schema/index.ts';
import { defaultPricing } from '../../resolvers/pricing/config.ts';
import type { History } from '../../resolvers/pricing/credibility.ts';
import { smooth, delayTrials } from '../../resolvers/pricing/credibility.ts';
import { price } from '../../resolvers/pricing/quote.ts';
import { ceilToCent } from '../../resolvers/pricing/premium.ts';
import { createPartner, updatePartner } from '../../src/auth/partner-keys.ts';
import type { Cache } from '../../src/cache/create-cache.ts';
import type { Gateway } from '../../src/gateway.ts';
import { hasRedis, sharedCache, uniquePrefix } from '../helpers/cache.ts';
import { hasPostgres, seededPostgres, type TestDatabase } from '../helpers/databases.ts';
import { graphql, testGateway } from '../helpers/gateway.ts';
import { bearer, token } from '../helpers/tokens.ts';
import { startTestSandbox, type TestSandbox } from '../helpers/upstreams.ts';
import { removeSharedKeys } from '../helpers/contrail-server.ts';

const DAY_MS = 86_400_000;

const quoteQuery = /* GraphQL */ `
  query Quote($flight: String!, $date: Date!, $coverage: Float!, $threshold: Int!) {
    quote(flight: $flight, date: $date, coverage: $coverage, delayThresholdMinutes: $threshold) {
      id premium currency coverage delayThresholdMinutes probability riskScore validUntil
      breakdown { historical { flights onTimeRate p } weather { origin destination factor } loading fee commission }
    }
  }
`;
const routeFlights = /* GraphQL */ `
  query RouteFlights($date: Date!, $from: String! = "JFK", $to: String! = "LHR") {
    flights(from: $from, to: $to, date: $date, first: 50) { edges { node { number status scheduledDeparture scheduledDepartureLocal } } }
  }
`;
const ingest = /* GraphQL */ `
  mutation Ingest($input: FlightStatusInput!) { ingestFlightStatus(input: $input) { number status } }
`;

interface Listed {
  number: string;
  status: string;
  scheduledDeparture: string;
  scheduledDepartureLocal: string;
}

/** Hand-made outcomes: `n` flights numbered from `base`, the first `cancelled` cancelled, the next `delayed` 150 min late, the rest 10. */
function rows(base: number, airline: string, origin: string, destination: string, n: number, cancelled: number, delayed: number, daysBack = 1) {
  return Array.from({ length: n }, (_, i) => {
    const scheduledDeparture = new Date(Date.now() - (daysBack + (i % 80)) * DAY_MS - i * 60_000);
    const status = i < cancelled ? ('cancelled' as const) : ('landed' as const);
    const arrivalDelayMinutes = status === 'cancelled' ? null : i < cancelled + delayed ? 150 : 10;
    return {
      flightNumber: `${airline}${base + i}`,
      flightDate: scheduledDeparture.toISOString().slice(0, 10),
      airlineIata: airline,
      originIata: origin,
      destinationIata: destination,
      status,
      scheduledDeparture,
      actualArrival: status === 'landed' ? new Date(scheduledDeparture.getTime() + 7 * 3_600_000) : null,
      arrivalDelayMinutes,
      record: {},
      source: 'test',
      observedAt: new Date(),
    };
  });
}

describe.skipIf(!hasRedis || !hasPostgres)('the anonymous quote', () => {
  let database: TestDatabase;
  let sandbox: TestSandbox;
  let cache: Cache;
  let gateway: Gateway;
  let flight: Listed & { date: string; airline: string };
  const prefix = uniquePrefix('quote');
  const ask = (variables: Partial<{ flight: string; date: string; coverage: number; threshold: number }> = {}) =>
    graphql(gateway, quoteQuery, { variables: { flight: flight.number, date: flight.date, coverage: 200, threshold: 120, ...variables } });

  beforeAll(async () => {
    database = await seededPostgres();
    sandbox = await startTestSandbox(database);
    cache = await sharedCache(database.url!, prefix);
    gateway = testGateway(database, { cache: cache.chain, entities: sandbox.entities(cache.chain) });

    // The first JFK→LHR flight more than 3 hours away, tomorrow or the day after: every flight of
    // those days is in the future, so nothing the listing records has an outcome to count.
    for (const offset of [1, 2]) {
      const date = new Date(Date.now() + offset * DAY_MS).toISOString().slice(0, 10);
      const { body } = await graphql(gateway, routeFlights, { variables: { date } });
      const found = body.data.flights.edges
        .map((e: { node: Listed }) => e.node)
        .find((f: Listed) => f.status === 'SCHEDULED' && Date.parse(f.scheduledDeparture) > Date.now() + 3 * 3_600_000);
      if (found) {
        flight = { ...found, date, airline: found.number.slice(0, 2) };
        break;
      }
    }
    const other = flight.airline === 'DL' ? 'UA' : 'DL';
    await database.db.insert(historicalFlightSegments).values([
      // The airline on the route: 40 flights, 2 cancelled, 6 at least 120 minutes late.
      ...rows(1000, flight.airline, 'JFK', 'LHR', 40, 2, 6),
      // The airline elsewhere: 100 flights, 5 cancelled, 10 late.
      ...rows(2000, flight.airline, 'BOS', 'LHR', 100, 5, 10),
      // Another airline from JFK: 200 flights, 4 cancelled, 30 late.
      ...rows(3000, other, 'JFK', 'LAX', 200, 4, 30),
      // Outside the 90-day window, and without an outcome yet: counted nowhere.
      ...rows(4000, flight.airline, 'JFK', 'LHR', 10, 0, 10, 91),
      ...rows(5000, flight.airline, 'JFK', 'LHR', 5, 0, 0).map((r) => ({ ...r, status: 'scheduled' as const, actualArrival: null, arrivalDelayMinutes: null })),
    ]);
  }, 60_000);
  afterAll(async () => {
    await sandbox?.close();
    await cache?.close();
    await database?.close();
    await removeSharedKeys(prefix);
  });

  const history: History = {
    route: { scheduled: 40, cancelled: 2, delayed: 6 },
    airline: { scheduled: 140, cancelled: 7, delayed: 16 },
    origin: { scheduled: 240, cancelled: 6, delayed: 36 },
    network: { scheduled: 340, cancelled: 11, delayed: 46 },
  };

  // What a request ran; the recorders' batched inserts (call log, flight history) are off the request path.
  const requestStatements = () => database.queries.filter((q) => !/^insert into "(api_call_log|historical_flight_segments)"/.test(q.sql));

  it('prices a cold flight from its history, the priors counted once for every later quote, within the bounds, then answers the same question from the cache', async () => {
    database.queries.length = 0;
    const { body } = await ask();
    expect(body.errors).toBeUndefined();
    const quote = body.data.quote;
    const statements = requestStatements();
    expect(statements.map((q) => q.params)).toEqual([
      [[flight.airline], ['JFK'], ['LHR'], [120], 90],
      [['airline', 'origin', 'network'], [flight.airline, 'JFK', ''], [120, 120, 120], 90],
      [flight.number, flight.date, 'purchased'],
    ]);
    // The route's record through its index; the prior levels, one select each; then the exposure sold.
    expect(statements[0]!.sql).toMatch(/^with keys \(key, airline, origin, destination, threshold\) as \(/);
    expect(statements[0]!.sql).toMatch(/left join historical_flight_segments f\s+on f\.airline_iata = keys\.airline and f\.origin_iata = keys\.origin and f\.destination_iata = keys\.destination/);
    expect(statements[1]!.sql.match(/left join historical_flight_segments f/g)).toHaveLength(3);
    expect(statements[2]!.sql).toBe(
      `select coalesce(sum("coverage"), 0), row_security_active('quotes') from "quotes" where ("quotes"."flight_number" = $1 and "quotes"."flight_date" = $2 and "quotes"."status" = $3)`,
    );

    expect(quote).toMatchObject({ id: `${flight.number}:${flight.date}:200:120`, currency: 'USD', coverage: 200, delayThresholdMinutes: 120 });
    expect(quote.premium).toBeGreaterThanOrEqual(defaultPricing.minPremium);
    expect(quote.premium).toBeLessThanOrEqual(defaultPricing.maxPremium);
    // The breakdown is the rows': 40 flights, 38 operated, 6 of them late.
    expect(quote.breakdown.historical.flights).toBe(40);
    expect(quote.breakdown.historical.onTimeRate).toBeCloseTo(32 / 38, 12);
    expect(quote.breakdown.historical.p).toBeCloseTo(smooth(history, delayTrials, defaultPricing.credibility).p, 12);
    expect(quote.breakdown).toMatchObject({ loading: 0.25, fee: 1.5 });
    // And the premium is the pricing's for those counts, that hour and month, that forecast.
    const local = flight.scheduledDepartureLocal;
    const expected = price({
      coverage: 200,
      delayThresholdMinutes: 120,
      history,
      departure: new Date(flight.scheduledDeparture),
      local: { hour: Number(local.slice(11, 13)), month: Number(local.slice(5, 7)) },
      weather: { origin: quote.breakdown.weather.origin, destination: quote.breakdown.weather.destination },
      soldCoverage: 0,
      now: new Date(),
    });
    expect(expected).toMatchObject({ declined: false, premium: quote.premium, riskScore: quote.riskScore });
    expect(Date.parse(quote.validUntil) - Date.now()).toBeLessThanOrEqual(600_000);

    const again = await ask();
    expect(again.body.data).toEqual(body.data);
    expect(again.body.extensions.cache).toMatchObject({ hit: true });

    // Another question about the flight, cold in the response cache: the priors are kept.
    database.queries.length = 0;
    const other = await ask({ coverage: 300 });
    expect(other.body.errors).toBeUndefined();
    expect(other.body.data.quote.breakdown.historical).toEqual(quote.breakdown.historical);
    expect(requestStatements().map((q) => q.params)).toEqual([
      [[flight.airline], ['JFK'], ['LHR'], [120], 90],
      [flight.number, flight.date, 'purchased'],
    ]);
  });

  it('prices again after a status push for the flight', async () => {
    expect((await ask()).body.extensions.cache.hit).toBe(true);
    const pushed = await graphql(gateway, ingest, {
      headers: bearer(await token({ sub: 'ops-feed', role: 'service' })),
      variables: { input: { number: flight.number, date: flight.date, from: 'JFK', to: 'LHR', status: 'SCHEDULED', scheduledDeparture: flight.scheduledDeparture } },
    });
    expect(pushed.body.errors).toBeUndefined();
    const after = await ask();
    expect(after.body.errors).toBeUndefined();
    expect(after.body.extensions.cache.hit).toBe(false);
  });

  it("gives each partner its own commission, cached for that partner alone and dropped with everyone's on a status push", async () => {
    const partners = [];
    for (const [name, commission] of [['quote-partner-a', 0.1], ['quote-partner-b', 0.25]] as const) {
      const { key } = await createPartner(database.db, name);
      await updatePartner(database.db, name, { commission });
      partners.push({ headers: { 'x-api-key': key }, commission });
    }
    const asked = (headers: Record<string, string> = {}) =>
      graphql(gateway, quoteQuery, { headers, variables: { flight: flight.number, date: flight.date, coverage: 200, threshold: 120 } });
    const anonymous = await asked();
    const base = anonymous.body.data.quote;
    expect(base.breakdown.commission).toBe(0);

    for (const { headers, commission } of partners) {
      const first = await asked(headers);
      expect(first.body.errors).toBeUndefined();
      expect(first.body.data.quote.premium).toBe(ceilToCent(base.premium * (1 + commission)));
      expect(first.body.data.quote.breakdown.commission).toBe(commission);
      // Not the anonymous entry, nor the other partner's: its own, and private to HTTP caches.
      expect(first.body.extensions.cache).toMatchObject({ hit: false, scope: 'PRIVATE' });
      expect(first.headers.get('cache-control')).toMatch(/^private/);
      const second = await asked(headers);
      expect(second.body.extensions.cache).toMatchObject({ hit: true, scope: 'PRIVATE' });
      expect(second.body.data).toEqual(first.body.data);
    }
    const anonymousAgain = await asked();
    expect(anonymousAgain.body.extensions.cache).toMatchObject({ hit: true, scope: 'PUBLIC' });
    expect(anonymousAgain.body.data.quote.premium).toBe(base.premium);

    const pushed = await graphql(gateway, ingest, {
      headers: bearer(await token({ sub: 'ops-feed', role: 'service' })),
      variables: { input: { number: flight.number, date: flight.date, from: 'JFK', to: 'LHR', status: 'SCHEDULED', scheduledDeparture: flight.scheduledDeparture } },
    });
    expect(pushed.body.errors).toBeUndefined();
    for (const { headers } of partners) expect((await asked(headers)).body.extensions.cache.hit).toBe(false);
  });

  it('refuses a coverage or threshold outside the offer, naming the argument', async () => {
    const coverage = await ask({ coverage: 49.5 });
    expect(coverage.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'coverage' });
    const threshold = await ask({ threshold: 75 });
    expect(threshold.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'delayThresholdMinutes' });
  });

  it('answers NOT_FOUND for a flight that does not exist', async () => {
    const { body } = await ask({ flight: 'BA9871' });
    expect(body.errors[0].extensions).toMatchObject({ code: 'NOT_FOUND', argumentName: 'flight' });
  });

  it('declines a flight without the history to price it, with the reason, and caches no decline', async () => {
    const date = new Date(Date.now() + 2 * DAY_MS).toISOString().slice(0, 10);
    const listed = await graphql(gateway, routeFlights, { variables: { date, from: 'MAD', to: 'BCN' } });
    const number = listed.body.data.flights.edges[0].node.number;
    for (const hit of [false, false]) {
      const { body } = await ask({ flight: number, date });
      expect(body.data).toEqual({ quote: null });
      expect(body.errors[0].extensions).toMatchObject({ code: 'QUOTE_DECLINED', reason: 'THIN_SAMPLE' });
      expect(body.errors[0].message).toMatch(/pricing needs 30 on the route or 300 behind it/);
      expect(body.extensions?.cache?.hit ?? false).toBe(hit);
    }
  });
});

import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Cache } from '../../src/cache/create-cache.ts';
import type { Entities } from '../../src/entities/create-entities.ts';
import type { Gateway } from '../../src/gateway.ts';
import { advanceClock } from '../helpers/clock.ts';
import { hasRedis, sharedCache, uniquePrefix } from '../helpers/cache.ts';
import { hasPostgres, seededPostgres, type TestDatabase } from '../helpers/databases.ts';
import { graphql, testGateway } from '../helpers/gateway.ts';
import { bearer, token } from '../helpers/tokens.ts';
import { startTestSandbox, type TestSandbox } from '../helpers/upstreams.ts';
import { removeSharedKeys } from '../helpers/contrail-server.ts';

const today = new Date().toISOString().slice(0, 10);

const weatherOfAirports = /* GraphQL */ `
  query Weather($first: Int!) {
    airports(country: "GB", first: $first) { edges { node { icao weather { temperature flightCategory } } } }
  }
`;
const stationsWeather = /* GraphQL */ `
  query Stations($airports: [String!]!) { weather(airports: $airports) { station flightCategory raw isHistorical } }
`;
const routeFlights = /* GraphQL */ `
  query RouteFlights($from: String!, $to: String!, $date: Date!) {
    flights(from: $from, to: $to, date: $date, first: 50) {
      edges { node { number status scheduledDeparture scheduledDepartureLocal departureDelayMinutes codeshares isHistorical dataAge } }
    }
  }
`;
const oneFlight = /* GraphQL */ `
  query Flight($number: String!, $date: Date!) {
    flight(number: $number, date: $date) {
      number status departureDelayMinutes isHistorical dataAge codeshares
      origin { iata } destination { iata }
      originWeather { station } destinationWeather { station }
    }
  }
`;

const cacheFor = (database: TestDatabase, prefix: string) => sharedCache(database.url!, prefix);

describe.skipIf(!hasRedis || !hasPostgres)('flights and weather from the upstreams, over HTTP to the sandbox', () => {
  let database: TestDatabase;
  let sandbox: TestSandbox;
  let cache: Cache;
  let entities: Entities;
  let gateway: Gateway;
  const prefix = uniquePrefix('flights');
  const calls = () => sandbox.sandbox.stats.snapshot();
  /** The stations of each METAR call made, each call's sorted. */
  const metarCalls = () =>
    calls()
      .requests.filter((url) => url.startsWith('/api/data/metar'))
      .map((url) => new URL(url, 'http://sandbox').searchParams.get('ids')!.split(',').sort());

  beforeAll(async () => {
    database = await seededPostgres();
    sandbox = await startTestSandbox(database);
    cache = await cacheFor(database, prefix);
    entities = sandbox.entities(cache.chain);
    gateway = testGateway(database, { cache: cache.chain, entities });
  }, 60_000);
  afterAll(async () => {
    await sandbox?.close();
    await cache?.close();
    await database?.close();
    await removeSharedKeys(prefix);
  });
  beforeEach(() => sandbox.sandbox.stats.reset());

  it('answers the weather of 50 airports with one METAR call naming their 50 stations', async () => {
    const { body } = await graphql(gateway, weatherOfAirports, { variables: { first: 50 } });
    expect(body.errors).toBeUndefined();
    const icaos = body.data.airports.edges.map((e: { node: { icao: string | null } }) => e.node.icao?.trim()).filter(Boolean);
    expect(calls().calls).toEqual({ '/v1/flights': 0, '/api/data/metar': 1, '/api/data/taf': 0 });
    expect(metarCalls()).toEqual([[...new Set(icaos)].sort()]);
    // Stations that report have weather; the others are null, not errors.
    expect(body.data.airports.edges.some((e: { node: { weather: unknown } }) => e.node.weather !== null)).toBe(true);
  });

  it('shares what one operation fetched with another: only stations not yet cached are asked for', async () => {
    await graphql(gateway, stationsWeather, { variables: { airports: ['JFK', 'LHR'] } });
    expect(metarCalls()).toEqual([['EGLL', 'KJFK']]);
    sandbox.sandbox.stats.reset();
    const { body } = await graphql(gateway, stationsWeather, { variables: { airports: ['KJFK', 'EGLL', 'CDG', 'SYD'] } });
    expect(body.data.weather.map((w: { station: string } | null) => w?.station)).toEqual(['KJFK', 'EGLL', 'LFPG', 'YSSY']);
    expect(metarCalls()).toEqual([['LFPG', 'YSSY']]);
  });

  it('makes one upstream call for an entity however many requests ask for it at once', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => graphql(gateway, routeFlights, { variables: { from: 'JFK', to: 'SFO', date: today } })));
    expect(answers.every((a) => a.status === 200 && !a.body.errors)).toBe(true);
    expect(calls().routes).toEqual({ 'JFK-SFO': 1 });
  });

  it('lists each operating flight once, with its codeshares, in airport-local and UTC time', async () => {
    const { body } = await graphql(gateway, routeFlights, { variables: { from: 'JFK', to: 'LHR', date: today } });
    const flights = body.data.flights.edges.map((e: { node: unknown }) => e.node);
    expect(flights.length).toBeGreaterThan(0);
    const numbers = flights.map((f: { number: string }) => f.number);
    expect(new Set(numbers).size).toBe(numbers.length);
    const marketing = flights.flatMap((f: { codeshares: string[] }) => f.codeshares);
    expect(marketing.filter((n: string) => numbers.includes(n))).toEqual([]);
    for (const f of flights) {
      // New York is 4 or 5 hours behind UTC: the local wall clock names the same instant.
      const utc = new Date(f.scheduledDeparture);
      const local = new Date(`${f.scheduledDepartureLocal}Z`);
      expect([4, 5]).toContain((utc.getTime() - local.getTime()) / 3_600_000);
    }
    // A marketing number resolves to the operating flight, which lists it.
    const withCodeshare = flights.find((f: { codeshares: string[] }) => f.codeshares.length > 0);
    const { body: resolved } = await graphql(gateway, oneFlight, { variables: { number: withCodeshare.codeshares[0], date: today } });
    expect(resolved.data.flight.number).toBe(withCodeshare.number);
    expect(resolved.data.flight.codeshares).toEqual(withCodeshare.codeshares);
  });

  it('costs a cold flight with weather at both ends one flight call and one METAR call for both stations', async () => {
    // A number learnt from the sandbox itself: the gateway has seen nothing of this route.
    const direct = await fetch(`${sandbox.listening.url}/v1/flights?access_key=test&dep_iata=MAD&arr_iata=BCN&flight_date=${today}`);
    const number = ((await direct.json()) as { data: { flight: { iata: string; codeshared: unknown } }[] }).data.find((f) => !f.flight.codeshared)!.flight.iata;
    sandbox.sandbox.stats.reset();
    const coldFlight = 'query Cold($number: String!, $date: Date!) { flight(number: $number, date: $date) { number isHistorical origin { iata } destination { iata } originWeather { station } destinationWeather { station } } }';
    const { body } = await graphql(gateway, coldFlight, { variables: { number, date: today } });
    expect(body.data.flight).toMatchObject({ number, origin: { iata: 'MAD' }, destination: { iata: 'BCN' }, originWeather: { station: 'LEMD' }, destinationWeather: { station: 'LEBL' }, isHistorical: false });
    // One round trip per level: the flight, then both airports' weather in one call.
    expect(calls().calls).toEqual({ '/v1/flights': 1, '/api/data/metar': 1, '/api/data/taf': 0 });
    expect(calls().flights).toEqual({ [number]: 1 });
    expect(metarCalls()).toEqual([['LEBL', 'LEMD']]);
  });

  it("caches each flight of a route's day with it: a status asked for next costs no call", async () => {
    const listed = await graphql(gateway, routeFlights, { variables: { from: 'LHR', to: 'DXB', date: today } });
    const numbers: string[] = listed.body.data.flights.edges.map((e: { node: { number: string } }) => e.node.number);
    const marketing: string[] = listed.body.data.flights.edges.flatMap((e: { node: { codeshares: string[] } }) => e.node.codeshares);
    sandbox.sandbox.stats.reset();
    const statuses = await Promise.all([...numbers, ...marketing].map((number) => graphql(gateway, oneFlight, { variables: { number, date: today } })));
    const answered: string[] = statuses.map((s) => s.body.data.flight.number);
    // Own numbers answer themselves; marketing numbers their operating flight on the route.
    expect(answered.slice(0, numbers.length)).toEqual(numbers);
    expect(answered.slice(numbers.length).every((n) => numbers.includes(n))).toBe(true);
    expect(calls().calls['/v1/flights']).toBe(0);
  });

  it('answers an unknown flight with null, and bad arguments with BAD_USER_INPUT naming them', async () => {
    const unknown = await graphql(gateway, oneFlight, { variables: { number: 'ZZ9999', date: today } });
    expect(unknown.body).toMatchObject({ data: { flight: null } });
    expect(unknown.body.errors).toBeUndefined();
    for (const [variables, argumentName] of [
      [{ number: '12345', date: today }, 'number'],
      [{ number: 'BA 117', date: '2019-01-01' }, 'date'],
    ] as const) {
      const { body } = await graphql(gateway, oneFlight, { variables });
      expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName });
    }
    const badDate = await graphql(gateway, '{ flight(number: "BA117", date: "2026-02-30") { number } }');
    expect(badDate.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'date' });
    const tooMany = await graphql(gateway, stationsWeather, { variables: { airports: Array.from({ length: 101 }, () => 'JFK') } });
    expect(tooMany.body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'airports' });
    expect(calls().calls).toEqual({ '/v1/flights': 1, '/api/data/metar': 0, '/api/data/taf': 0 });
  });

  it('writes every upstream answer to history and every call to the call log, off the request path', async () => {
    await graphql(gateway, routeFlights, { variables: { from: 'ATL', to: 'ORD', date: today } });
    await entities.flush();
    const segments = await database.db.execute(sql`select count(*)::int as n from historical_flight_segments where origin_iata = 'ATL' and destination_iata = 'ORD' and flight_date = ${today}`);
    const listed = (await graphql(gateway, routeFlights, { variables: { from: 'ATL', to: 'ORD', date: today } })).body.data.flights.edges.length;
    expect((segments as unknown as { rows: { n: number }[] }).rows[0]!.n).toBe(listed);
    const logged = await database.db.execute(sql`select endpoint, status, ok from api_call_log where endpoint like '%dep_iata=ATL%'`);
    expect((logged as unknown as { rows: unknown[] }).rows).toEqual([{ endpoint: expect.not.stringContaining('access_key'), status: 200, ok: true }]);
  });

  it('answers every station it can when one code names no reporting station, whichever request asked for it', async () => {
    // OCA's ICAO column holds a local code (07FA): no station reports under it.
    const [odd, other] = await Promise.all([
      graphql(gateway, stationsWeather, { variables: { airports: ['OCA', 'BOS'] } }),
      graphql(gateway, stationsWeather, { variables: { airports: ['PHL'] } }),
    ]);
    expect(odd.body.errors).toBeUndefined();
    expect(odd.body.data.weather.map((w: { station: string } | null) => w?.station ?? null)).toEqual([null, 'KBOS']);
    expect(other.body.data.weather[0].station).toBe('KPHL');
    expect(metarCalls()).toEqual([['KBOS', 'KPHL']]);
  });

  it('refuses before any upstream call an operation that would fan out into hundreds of them', async () => {
    const fanOut = `{ routes(first: 100) { edges { node { d1: flights(date: "${today}") { number } d2: flights(date: "${today}") { number } } } } }`;
    const { status, body } = await graphql(gateway, fanOut);
    expect(status).toBe(400);
    expect(body.errors[0].extensions.code).toBe('COST_LIMIT_EXCEEDED');
    expect(calls().calls).toEqual({ '/v1/flights': 0, '/api/data/metar': 0, '/api/data/taf': 0 });
  });

  describe('when the upstream goes down', () => {
    afterAll(() => void sandbox.sandbox.control.reset());

    it('serves an entity past its TTL but within grace, flagged by its age, while one refresh tries the upstream', async () => {
      const listed = await graphql(gateway, routeFlights, { variables: { from: 'LHR', to: 'AMS', date: today } });
      const number = listed.body.data.flights.edges[0].node.number;
      sandbox.sandbox.control.set({ aviationstack: { outage: true } });
      sandbox.sandbox.stats.reset();
      try {
        // 90 s on: past the flight's 60 s, within its 5 minutes of grace.
        advanceClock(90_000);
        const asked = 'query Stale($number: String!, $date: Date!) { flight(number: $number, date: $date) { number isHistorical dataAge } }';
        const { status, body } = await graphql(gateway, asked, { variables: { number, date: today } });
        expect(status).toBe(200);
        expect(body.data.flight).toEqual({ number, isHistorical: false, dataAge: 90 });
        expect(body.extensions.cache).toMatchObject({ hit: false, ttl: 30 });
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(calls().statuses['/v1/flights']).toEqual({ '503': 1 });
      } finally {
        vi.useRealTimers();
        sandbox.sandbox.control.reset();
      }
    });

    it('answers from history, flagged, and with UPSTREAM_UNAVAILABLE where there is none — never a 5xx', async () => {
      // History of LHR→JFK today, then an outage and an empty cache (another prefix).
      const listed = await graphql(gateway, routeFlights, { variables: { from: 'LHR', to: 'JFK', date: today } });
      expect(listed.body.data.flights.edges.length).toBeGreaterThan(0);
      await entities.flush();
      sandbox.sandbox.control.set({ aviationstack: { outage: true }, aviationweather: { outage: true } });
      const coldPrefix = uniquePrefix('flights-outage');
      const coldCache = await cacheFor(database, coldPrefix);
      try {
        const cold = testGateway(database, { cache: coldCache.chain, entities: sandbox.entities(coldCache.chain) });
        const fallback = await graphql(cold, routeFlights, { variables: { from: 'LHR', to: 'JFK', date: today } });
        expect(fallback.status).toBe(200);
        expect(fallback.body.errors).toBeUndefined();
        const flights = fallback.body.data.flights.edges.map((e: { node: { isHistorical: boolean; number: string } }) => e.node);
        expect(flights.map((f: { number: string }) => f.number)).toEqual(listed.body.data.flights.edges.map((e: { node: { number: string } }) => e.node.number));
        expect(flights.every((f: { isHistorical: boolean }) => f.isHistorical)).toBe(true);
        // Kept briefly: answers recover soon after the upstream does — for the requests that
        // shared its execution too.
        expect(fallback.body.extensions.cache).toMatchObject({ hit: false, ttl: 30 });
        const together = await Promise.all(Array.from({ length: 4 }, () => graphql(cold, routeFlights, { variables: { from: 'JFK', to: 'LHR', date: today } })));
        expect(together.map((t) => t.headers.get('cache-control'))).toEqual(Array(4).fill(together[0]!.headers.get('cache-control')));
        expect(together[0]!.headers.get('cache-control')).toMatch(/max-age=([0-9]|[12][0-9]|30)\b/);

        const nothing = await graphql(cold, routeFlights, { variables: { from: 'SYD', to: 'MEL', date: today } });
        expect(nothing.status).toBe(200);
        expect(nothing.body.errors[0].extensions.code).toBe('UPSTREAM_UNAVAILABLE');
        expect(nothing.body.errors[0].message).not.toMatch(/sandbox|127\.0\.0\.1|access_key|at .*\.ts/);
      } finally {
        await coldCache.close();
        await removeSharedKeys(coldPrefix);
      }
    });
  });

  describe('a pushed flight status', () => {
    const ingest = /* GraphQL */ `
      mutation Ingest($input: FlightStatusInput!) { ingestFlightStatus(input: $input) { number status departureDelayMinutes } }
    `;

    it('is refused to anyone but a service', async () => {
      const { body } = await graphql(gateway, ingest, {
        variables: { input: { number: 'BA117', date: today, from: 'LHR', to: 'JFK', status: 'ACTIVE', scheduledDeparture: `${today}T12:00:00Z` } },
        headers: bearer(await token({ sub: 'u1' })),
      });
      expect(body.errors[0].extensions.code).toBe('FORBIDDEN');
    });

    it('invalidates an answer that said there was no such flight', async () => {
      const ask = () => graphql(gateway, oneFlight, { variables: { number: 'BA9876', date: today } });
      expect((await ask()).body.data.flight).toBeNull();
      expect((await ask()).body.extensions.cache.hit).toBe(true);
      const pushed = await graphql(gateway, ingest, {
        headers: bearer(await token({ sub: 'ops-feed', role: 'service' })),
        variables: { input: { number: 'BA9876', date: today, from: 'LHR', to: 'JFK', status: 'SCHEDULED', scheduledDeparture: `${today}T12:00:00Z` } },
      });
      expect(pushed.body.errors).toBeUndefined();
      const after = await ask();
      expect(after.body.extensions.cache.hit).toBe(false);
      expect(after.body.data.flight).toMatchObject({ number: 'BA9876', status: 'SCHEDULED' });
    });

    it('refuses a departure on another local day than the date it names', async () => {
      const { body } = await graphql(gateway, ingest, {
        headers: bearer(await token({ sub: 'ops-feed', role: 'service' })),
        // 21:00 UTC the day before is the day before in London, winter or summer.
        variables: { input: { number: 'BA9877', date: today, from: 'LHR', to: 'JFK', status: 'SCHEDULED', scheduledDeparture: new Date(Date.parse(`${today}T00:00:00Z`) - 3 * 3_600_000).toISOString() } },
      });
      expect(body.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'input.scheduledDeparture' });
    });

    it('invalidates every cached answer with the flight or its route, in another instance too, before it returns', async () => {
      const other = await cacheFor(database, prefix);
      try {
        const peer = testGateway(database, { cache: other.chain, entities: sandbox.entities(other.chain) });
        const listed = await graphql(peer, routeFlights, { variables: { from: 'LHR', to: 'JFK', date: today } });
        // One the sandbox has not cancelled already: the push must change what is served.
        const first = listed.body.data.flights.edges.map((e: { node: { status: string } }) => e.node).find((f: { status: string }) => f.status !== 'CANCELLED');
        // Cached on both instances.
        expect((await graphql(peer, routeFlights, { variables: { from: 'LHR', to: 'JFK', date: today } })).body.extensions.cache.hit).toBe(true);
        const before = await graphql(peer, oneFlight, { variables: { number: first.number, date: today } });
        // The same flight asked for before it existed under a number that names nothing yet, and by a marketing number.
        expect((await graphql(peer, oneFlight, { variables: { number: first.number, date: today } })).body.extensions.cache.hit).toBe(true);

        const service = bearer(await token({ sub: 'ops-feed', role: 'service' }));
        const pushed = await graphql(gateway, ingest, {
          headers: service,
          variables: { input: { number: first.number, date: today, from: 'LHR', to: 'JFK', status: 'CANCELLED', scheduledDeparture: first.scheduledDeparture, departureDelayMinutes: 0 } },
        });
        expect(pushed.body).toEqual({ data: { ingestFlightStatus: { number: first.number, status: 'CANCELLED', departureDelayMinutes: 0 } } });

        const after = await graphql(peer, oneFlight, { variables: { number: first.number, date: today } });
        expect(after.body.extensions.cache.hit).toBe(false);
        expect(after.body.data.flight.status).toBe('CANCELLED');
        expect(before.body.data.flight.status).not.toBe('CANCELLED');
        const relisted = await graphql(peer, routeFlights, { variables: { from: 'LHR', to: 'JFK', date: today } });
        expect(relisted.body.extensions.cache.hit).toBe(false);
        expect(relisted.body.data.flights.edges.find((e: { node: { number: string } }) => e.node.number === first.number).node.status).toBe('CANCELLED');
        const row = await database.db.execute(sql`select status, source from historical_flight_segments where flight_number = ${first.number} and flight_date = ${today}`);
        expect((row as unknown as { rows: unknown[] }).rows).toEqual([{ status: 'cancelled', source: 'ingest' }]);
      } finally {
        await other.close();
      }
    });
  });
});

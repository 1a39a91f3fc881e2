import { parse } from 'graphql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { historicalFlightSegments, historicalWeatherObservations } from '../../drizzle/schema/index.ts';
import { deriveOperationPolicy } from '../../plugins/response-cache/operation-policy.ts';
import { schema } from '../../schema/index.ts';
import type { Gateway } from '../../src/gateway.ts';
import { utcToZonedWallClock, zonedWallClockToUtc } from '../../src/sources/zoned-time.ts';
import { seededPglite, type TestDatabase } from '../helpers/databases.ts';
import { graphql, testGateway } from '../helpers/gateway.ts';

let database: TestDatabase;
let gateway: Gateway;

const NEW_YORK = 'America/New_York';
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** `time` on New York's wall clock, `daysAgo` local days before today (negative: after). */
function newYork(daysAgo: number, time: string): Date {
  const date = utcToZonedWallClock(new Date(Date.now() - daysAgo * DAY_MS), NEW_YORK).slice(0, 10);
  return zonedWallClockToUtc(`${date}T${time}`, NEW_YORK);
}

type Status = (typeof historicalFlightSegments.$inferInsert)['status'];

/** A JFK→LHR segment as the recorder writes it; its record holds what patterns read (the origin's zone). */
function segment(number: string, departure: Date, status: Status, delay: number | null, { zone = NEW_YORK as string | null, arrived = status === 'landed' } = {}) {
  const scheduledArrival = new Date(departure.getTime() + 7 * HOUR_MS);
  const date = utcToZonedWallClock(departure, NEW_YORK).slice(0, 10);
  return {
    flightNumber: number,
    flightDate: date,
    airlineIata: number.slice(0, 2),
    originIata: 'JFK',
    destinationIata: 'LHR',
    status,
    scheduledDeparture: departure,
    scheduledArrival,
    actualArrival: arrived ? new Date(scheduledArrival.getTime() + (delay ?? 0) * 60_000) : null,
    arrivalDelayMinutes: delay,
    record: { number, date, status, origin: { iata: 'JFK', timeZone: zone }, destination: { iata: 'LHR', timeZone: 'Europe/London' } },
    source: 'test',
    observedAt: new Date(),
  };
}

/** A recorded METAR: the columns patterns read. */
function metar(station: string, at: Date, category: 'VFR' | 'MVFR' | 'IFR' | 'LIFR' | null, windKt: number | null, visibilityM: number | null) {
  return { station, observedAt: at, flightCategory: category, windSpeedKt: windKt, visibilityM, record: { station }, raw: `${station} test`, source: 'test', fetchedAt: at };
}

/**
 * Hand-made history. BA's JFK→LHR over the last 30 days: ten flights with an outcome — at 08:10
 * New York time 0, 5, 10 and 20 minutes late (the last still `active` but with its arrival
 * recorded); at 18:30 30 and 60 late, one cancelled, one diverted (its 200 minutes at the planned
 * destination mean nothing); at 21:10 15 and 100 late. Not counted: tomorrow's, one in the air,
 * one 40 days ago. AA's one flight has no recorded zone. Heathrow's weather: see its test.
 */
async function insertHistory(): Promise<void> {
  await database.db.insert(historicalFlightSegments).values([
    segment('BA1', newYork(2, '08:10'), 'landed', 0),
    segment('BA2', newYork(3, '08:10'), 'landed', 5),
    segment('BA3', newYork(4, '08:10'), 'landed', 10),
    segment('BA4', newYork(5, '08:10'), 'active', 20, { arrived: true }),
    segment('BA5', newYork(2, '18:30'), 'landed', 30),
    segment('BA6', newYork(3, '18:30'), 'landed', 60),
    segment('BA7', newYork(4, '18:30'), 'cancelled', null),
    segment('BA8', newYork(5, '18:30'), 'diverted', 200),
    segment('BA9', newYork(2, '21:10'), 'landed', 15),
    segment('BA10', newYork(3, '21:10'), 'landed', 100),
    segment('BA11', newYork(-1, '08:10'), 'scheduled', null),
    segment('BA12', new Date(Date.now() - 2 * HOUR_MS), 'active', 25),
    segment('BA13', newYork(40, '08:10'), 'landed', 0),
    segment('AA100', newYork(2, '12:00'), 'landed', 0, { zone: null }),
  ]);
  const start = Date.now() - 10 * HOUR_MS;
  const at = (minutes: number) => new Date(start + minutes * 60_000);
  await database.db.insert(historicalWeatherObservations).values([
    metar('EGLL', new Date(Date.now() - 40 * DAY_MS), 'VFR', 5, 9999),
    metar('EGLL', at(0), 'VFR', 10, 10_000),
    metar('EGLL', at(60), 'MVFR', 20, 6000),
    metar('EGLL', at(90), 'IFR', 30, 2000),
    metar('EGLL', at(120), 'IFR', 30, 2000),
    metar('EGLL', at(360), 'LIFR', 0, 400),
    metar('EGLL', at(420), null, 10, null),
    metar('KJFK', at(300), 'VFR', 8, 9999),
    metar('KJFK', at(360), 'VFR', 8, 9999),
  ]);
}

beforeAll(async () => {
  database = await seededPglite();
  gateway = testGateway(database);
  await insertHistory();
});
afterAll(() => database.close());
beforeEach(() => {
  database.queries.length = 0;
});

const patternFields = 'flights onTimeRate meanDelayMinutes p50DelayMinutes p90DelayMinutes cancellationRate diversionRate byHour { hour flights onTimeRate meanDelayMinutes } days';
const weatherFields = 'observations categories { vfr mvfr ifr lifr } meanWindKt meanVisibilityM days';

/** What each recorded statement read, in order: enough to tell a pattern from a look-up. */
const statements = () =>
  database.queries.map(({ sql }) =>
    sql.includes('historical_flight_segments') ? 'flight pattern' : sql.includes('historical_weather_observations') ? 'weather pattern' : sql.match(/from "(\w+)"/)?.[1] ?? sql,
  );

describe('flightPattern(from, to, airline, days)', () => {
  it("sums up one airline's route from its recorded outcomes: on time, mean, interpolated percentiles, cancellations, diversions, by local hour", async () => {
    const { data, errors } = (await graphql(gateway, `{ flightPattern(from: "JFK", to: "LHR", airline: "BA", days: 30) { ${patternFields} from to } }`)).body;
    expect(errors).toBeUndefined();
    const { from, to, ...pattern } = data!.flightPattern;
    // The delays of the 8 flights that arrived, sorted: 0 5 10 15 20 30 60 100. The cancelled and
    // the diverted flight count in their rates only; the future, unfinished and too-old ones not at all.
    expect(pattern).toEqual({
      flights: 10,
      onTimeRate: 3 / 8,
      meanDelayMinutes: 30,
      // percentile_cont: position p × (n − 1) in the sorted delays, interpolated linearly.
      p50DelayMinutes: 15 + (20 - 15) * 0.5,
      p90DelayMinutes: 60 + (100 - 60) * (0.9 * 7 - 6),
      cancellationRate: 0.1,
      diversionRate: 0.1,
      // New York wall-clock hours: the 21:10 departures are 01:10 or 02:10 UTC the next day.
      byHour: [
        { hour: 8, flights: 4, onTimeRate: 3 / 4, meanDelayMinutes: 8.75 },
        { hour: 18, flights: 4, onTimeRate: 0, meanDelayMinutes: 45 },
        { hour: 21, flights: 2, onTimeRate: 0, meanDelayMinutes: 57.5 },
      ],
      days: 30,
    });
    expect(Date.parse(to) - Date.parse(from)).toBe(30 * 86_400_000);
    expect(Math.abs(Date.parse(to) - Date.now())).toBeLessThan(60_000);
  });

  it('counts every airline of the route without `airline`, and a flight without a recorded zone in no hour', async () => {
    const { data, errors } = (await graphql(gateway, `{ flightPattern(from: "jfk", to: "lhr") { flights cancellationRate byHour { hour flights } days } }`)).body;
    expect(errors).toBeUndefined();
    expect(data!.flightPattern).toEqual({
      flights: 11,
      cancellationRate: 1 / 11,
      byHour: [
        { hour: 8, flights: 4 },
        { hour: 18, flights: 4 },
        { hour: 21, flights: 2 },
      ],
      days: 30,
    });
  });

  it('reaches back `days`: the flight of 40 days ago counts in a 60-day window', async () => {
    const { data } = (await graphql(gateway, `{ a: flightPattern(from: "JFK", to: "LHR", airline: "BA", days: 60) { flights } b: flightPattern(from: "JFK", to: "LHR", airline: "BA", days: 1) { flights } }`)).body;
    expect(data).toEqual({ a: { flights: 11 }, b: { flights: 0 } });
  });

  it('answers a route without history with 0 flights and nulls, not an error', async () => {
    const { data, errors } = (await graphql(gateway, `{ flightPattern(from: "SFO", to: "ORD", airline: "UA") { ${patternFields} } }`)).body;
    expect(errors).toBeUndefined();
    expect(data!.flightPattern).toEqual({
      flights: 0,
      onTimeRate: null,
      meanDelayMinutes: null,
      p50DelayMinutes: null,
      p90DelayMinutes: null,
      cancellationRate: null,
      diversionRate: null,
      byHour: [],
      days: 30,
    });
    expect(statements()).toEqual(['flight pattern']);
  });

  it.each([0, 366, -1])('refuses days: %i with BAD_USER_INPUT naming `days`, before any statement', async (days) => {
    const { data, errors } = (await graphql(gateway, `{ flightPattern(from: "JFK", to: "LHR", days: ${days}) { flights } }`)).body;
    expect(data).toBeNull();
    expect(errors).toHaveLength(1);
    expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'days' });
    expect(errors[0].message).toBe(`Argument "days" must be a whole number of days from 1 to 365; received ${days}.`);
    expect(database.queries).toEqual([]);
  });

  it('refuses an airline that is not an IATA code, naming `airline`', async () => {
    const { errors } = (await graphql(gateway, `{ flightPattern(from: "JFK", to: "LHR", airline: "BAW") { flights } }`)).body;
    expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'airline' });
  });
});

describe('Route.pattern(days)', () => {
  it("gives a route its airline's pattern: the same key as flightPattern's, loaded once", async () => {
    const { data, errors } = (await graphql(gateway, `{
      routes(from: "JFK", to: "LHR", airline: "BA") { edges { node { pattern { ${patternFields} } } } }
      flightPattern(from: "JFK", to: "LHR", airline: "BA", days: 30) { ${patternFields} }
    }`)).body;
    expect(errors).toBeUndefined();
    expect(data!.routes.edges).toEqual([{ node: { pattern: data!.flightPattern } }]);
    expect(data!.flightPattern.flights).toBe(10);
    // The routes filter's airports and airline, flightPattern's statement, then the listing;
    // the route's pattern is the key flightPattern loaded: no second statement.
    expect(statements()).toEqual(['airports', 'airlines', 'flight pattern', 'routes']);
    expect(database.queries[2]!.params).toEqual([['JFK'], ['LHR'], ['BA'], 30]);
  });

  it('answers the patterns of 20 routes with one statement', async () => {
    const { data, errors } = (await graphql(gateway, `{ routes(from: "JFK", first: 20) { edges { node { pattern(days: 30) { flights } } } } }`)).body;
    expect(errors).toBeUndefined();
    expect(data!.routes.edges).toHaveLength(20);
    expect(statements()).toEqual(['airports', 'routes', 'flight pattern']);
    const [origins, destinations, airlines, days] = database.queries[2]!.params as [string[], string[], string[], number];
    expect(origins).toEqual(Array(20).fill('JFK'));
    expect(new Set(destinations.map((to, i) => `${to} ${airlines[i]}`)).size).toBe(20);
    expect(days).toBe(30);
  });

  it('makes one statement per `days` value, whatever the number of routes', async () => {
    const { errors } = (await graphql(gateway, `{ routes(from: "JFK", first: 20) { edges { node { week: pattern(days: 7) { flights } month: pattern(days: 30) { flights } } } } }`)).body;
    expect(errors).toBeUndefined();
    expect(statements()).toEqual(['airports', 'routes', 'flight pattern', 'flight pattern']);
    expect(database.queries.slice(2).map((q) => [q.params[3], (q.params[0] as string[]).length])).toEqual([
      [7, 20],
      [30, 20],
    ]);
  });

  it('refuses days outside 1–365 with BAD_USER_INPUT naming `days`, and makes no pattern statement', async () => {
    const { errors } = (await graphql(gateway, `{ routes(from: "JFK", to: "LHR", airline: "BA") { edges { node { pattern(days: 366) { flights } } } } }`)).body;
    expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'days' });
    expect(errors[0].path).toEqual(['routes', 'edges', 0, 'node', 'pattern']);
    expect(statements()).toEqual(['airports', 'airlines', 'routes']);
  });
});

describe('Airport.weatherPattern(days)', () => {
  it("shares the station's time among flight categories, each report holding until the next (an hour at most), and means over the same time", async () => {
    const { data, errors } = (await graphql(gateway, `{ airport(iata: "LHR") { weatherPattern(days: 30) { ${weatherFields} from to } } }`)).body;
    expect(errors).toBeUndefined();
    const { from, to, ...pattern } = data!.airport.weatherPattern;
    // Minutes held: VFR 60; MVFR 30 (a special came); IFR 30 + 60 (then a 4-hour gap: an hour
    // only); LIFR 60; then 60 without a category. Counting reports would say IFR 2/5, VFR 1/5.
    expect(pattern).toEqual({
      observations: 6,
      categories: { vfr: 60 / 240, mvfr: 30 / 240, ifr: 90 / 240, lifr: 60 / 240 },
      meanWindKt: (10 * 60 + 20 * 30 + 30 * 30 + 30 * 60 + 0 * 60 + 10 * 60) / 300,
      meanVisibilityM: (10_000 * 60 + 6000 * 30 + 2000 * 30 + 2000 * 60 + 400 * 60) / 240,
      days: 30,
    });
    expect(Date.parse(to) - Date.parse(from)).toBe(30 * 86_400_000);
  });

  it('answers a station without history with 0 observations and nulls', async () => {
    const { data, errors } = (await graphql(gateway, `{ airport(iata: "SFO") { weatherPattern { ${weatherFields} } } }`)).body;
    expect(errors).toBeUndefined();
    expect(data!.airport.weatherPattern).toEqual({
      observations: 0,
      categories: { vfr: null, mvfr: null, ifr: null, lifr: null },
      meanWindKt: null,
      meanVisibilityM: null,
      days: 30,
    });
  });

  it('answers the airports of one request with one statement, each its own station', async () => {
    const { data, errors } = (await graphql(gateway, `{
      lhr: airport(iata: "LHR") { weatherPattern(days: 30) { observations } }
      jfk: airport(iata: "JFK") { weatherPattern(days: 30) { observations categories { vfr } } }
      sfo: airport(iata: "SFO") { weatherPattern(days: 30) { observations } }
    }`)).body;
    expect(errors).toBeUndefined();
    expect(data).toEqual({ lhr: { weatherPattern: { observations: 6 } }, jfk: { weatherPattern: { observations: 2, categories: { vfr: 1 } } }, sfo: { weatherPattern: { observations: 0 } } });
    expect(statements()).toEqual(['airports', 'weather pattern']);
    expect(database.queries[1]!.params).toEqual([['EGLL', 'KJFK', 'KSFO'], 30]);
  });

  it('answers every airport of a listing with one statement', async () => {
    const { data, errors } = (await graphql(gateway, `{ airports(search: "London", first: 10) { edges { node { icao weatherPattern { observations } } } } }`)).body;
    expect(errors).toBeUndefined();
    const icaos = data!.airports.edges.map((e: { node: { icao: string | null } }) => e.node.icao).filter(Boolean);
    expect(icaos.length).toBeGreaterThan(1);
    expect(statements()).toEqual(['airports', 'weather pattern']);
    expect(database.queries[1]!.params).toEqual([icaos, 30]);
  });

  it('refuses days: 0 with BAD_USER_INPUT naming `days`', async () => {
    const { errors } = (await graphql(gateway, `{ airport(iata: "LHR") { weatherPattern(days: 0) { observations } } }`)).body;
    expect(errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'days' });
    expect(statements()).toEqual(['airports']);
  });
});

describe('how long pattern answers are cached', () => {
  const maxAge = (query: string) => deriveOperationPolicy(schema, parse(query), undefined).maxAge;

  it('keeps a flight pattern an hour and a weather pattern two', () => {
    expect(maxAge('{ flightPattern(from: "JFK", to: "LHR") { flights byHour { hour } } }')).toBe(3600);
    expect(maxAge('{ airport(iata: "LHR") { weatherPattern { categories { vfr } } } }')).toBe(7200);
  });
});


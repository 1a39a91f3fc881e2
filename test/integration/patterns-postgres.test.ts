// The pattern statements on a real Postgres server through node-postgres: array parameters,
// percentile_cont, zones and timestamps as that driver hands them over (test/unit/patterns.test.ts
// covers the same on PGlite, in more detail).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { historicalFlightSegments, historicalWeatherObservations } from '../../drizzle/schema/index.ts';
import type { Gateway } from '../../src/gateway.ts';
import { utcToZonedWallClock, zonedWallClockToUtc } from '../../src/sources/zoned-time.ts';
import { hasPostgres, seededPostgres, type TestDatabase } from '../helpers/databases.ts';
import { graphql, testGateway } from '../helpers/gateway.ts';

const LONDON = 'Europe/London';
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** `time` on London's wall clock, `daysAgo` local days before today. */
function london(daysAgo: number, time: string): Date {
  const date = utcToZonedWallClock(new Date(Date.now() - daysAgo * DAY_MS), LONDON).slice(0, 10);
  return zonedWallClockToUtc(`${date}T${time}`, LONDON);
}

type Status = (typeof historicalFlightSegments.$inferInsert)['status'];

function segment(number: string, departure: Date, status: Status, delay: number | null) {
  return {
    flightNumber: number,
    flightDate: utcToZonedWallClock(departure, LONDON).slice(0, 10),
    airlineIata: number.slice(0, 2),
    originIata: 'LHR',
    destinationIata: 'JFK',
    status,
    scheduledDeparture: departure,
    arrivalDelayMinutes: delay,
    record: { number, status, origin: { iata: 'LHR', timeZone: LONDON }, destination: { iata: 'JFK', timeZone: 'America/New_York' } },
    source: 'test',
    observedAt: new Date(),
  };
}

describe.skipIf(!hasPostgres)('patterns on Postgres', () => {
  let database: TestDatabase;
  let gateway: Gateway;

  beforeAll(async () => {
    database = await seededPostgres();
    gateway = testGateway(database);
    // BA LHR→JFK: at 07:05 London time 0, 10 and 40 minutes late; at 19:45 90 late and one cancelled.
    await database.db.insert(historicalFlightSegments).values([
      segment('BA1', london(2, '07:05'), 'landed', 0),
      segment('BA2', london(3, '07:05'), 'landed', 10),
      segment('BA3', london(4, '07:05'), 'landed', 40),
      segment('BA4', london(2, '19:45'), 'landed', 90),
      segment('BA5', london(3, '19:45'), 'cancelled', null),
    ]);
    const start = Date.now() - 5 * HOUR_MS;
    const at = (minutes: number) => new Date(start + minutes * 60_000);
    const metar = (minutes: number, category: 'VFR' | 'IFR', windKt: number) => ({
      station: 'EGLL',
      observedAt: at(minutes),
      flightCategory: category,
      windSpeedKt: windKt,
      visibilityM: category === 'VFR' ? 9999 : 1500,
      record: { station: 'EGLL' },
      raw: 'EGLL test',
      source: 'test',
      fetchedAt: at(minutes),
    });
    // Held 60, 30 and (the last, an hour at most) 60 minutes.
    await database.db.insert(historicalWeatherObservations).values([metar(0, 'VFR', 10), metar(60, 'IFR', 20), metar(90, 'VFR', 10)]);
  });
  afterAll(() => database?.close());
  beforeEach(() => {
    database.queries.length = 0;
  });

  it('computes the same figures as PGlite, every key of a request in one statement', async () => {
    const { data, errors } = (await graphql(gateway, `{
      ba: flightPattern(from: "LHR", to: "JFK", airline: "BA") { flights onTimeRate meanDelayMinutes p50DelayMinutes p90DelayMinutes cancellationRate diversionRate byHour { hour flights onTimeRate meanDelayMinutes } from to }
      none: flightPattern(from: "SFO", to: "ORD") { flights onTimeRate p50DelayMinutes byHour { hour } }
    }`)).body;
    expect(errors).toBeUndefined();
    const { from, to, ...ba } = data!.ba;
    expect(ba).toEqual({
      flights: 5,
      onTimeRate: 2 / 4,
      meanDelayMinutes: 35,
      p50DelayMinutes: 10 + (40 - 10) * 0.5,
      p90DelayMinutes: 40 + (90 - 40) * (0.9 * 3 - 2),
      cancellationRate: 1 / 5,
      diversionRate: 0,
      byHour: [
        { hour: 7, flights: 3, onTimeRate: 2 / 3, meanDelayMinutes: 50 / 3 },
        { hour: 19, flights: 2, onTimeRate: 0, meanDelayMinutes: 90 },
      ],
    });
    expect(Date.parse(to) - Date.parse(from)).toBe(30 * DAY_MS);
    expect(data!.none).toEqual({ flights: 0, onTimeRate: null, p50DelayMinutes: null, byHour: [] });
    expect(database.queries.map((q) => q.params)).toEqual([[['LHR', 'SFO'], ['JFK', 'ORD'], ['BA', null], 30]]);
  });

  it("shares Heathrow's time among flight categories in one statement", async () => {
    const { data, errors } = (await graphql(gateway, `{ airport(iata: "LHR") { weatherPattern(days: 7) { observations categories { vfr ifr } meanWindKt days } } }`)).body;
    expect(errors).toBeUndefined();
    expect(data!.airport.weatherPattern).toEqual({ observations: 3, categories: { vfr: 120 / 150, ifr: 30 / 150 }, meanWindKt: (10 * 60 + 20 * 30 + 10 * 60) / 150, days: 7 });
    expect(database.queries).toHaveLength(2);
    expect(database.queries[1]!.params).toEqual([['EGLL'], 7]);
  });
});

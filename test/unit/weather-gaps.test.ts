import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { historicalWeatherObservations } from '../../drizzle/schema/index.ts';
import { hoursLacking } from '../../src/history/backfill-weather-gaps.ts';
import { seededPglite, type TestDatabase } from '../helpers/databases.ts';

const HOUR = 3_600_000;
// 03:20 UTC: yesterday is a whole past day, today has three hours behind it.
const now = Date.parse('2026-11-21T03:20:00Z');
const yesterday = Date.parse('2026-11-20T00:00:00Z');

/** Hourly METARs of `station` at the given hours after the start of yesterday. */
const reports = (station: string, hours: number[]) =>
  hours.map((h) => ({ station, observedAt: new Date(yesterday + h * HOUR), record: {}, raw: `METAR ${station}`, source: 'test', fetchedAt: new Date(now) }));
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('the weather hours a backfill asks for', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await seededPglite();
    await database.db.insert(historicalWeatherObservations).values([
      // Every hour of yesterday and today so far: only today's hours since its start are asked for.
      ...reports('YSSY', [...range(0, 23), ...range(24, 27)]),
      // Yesterday fetched at 21:20, while it was today: 22 hours, but none after 21:00.
      ...reports('YMML', [...range(0, 21), ...range(24, 27)]),
      // Two hours missing in the middle of yesterday: the tolerance a station's gaps get.
      ...reports('YBBN', [...range(0, 9), ...range(12, 23), ...range(24, 27)]),
    ]);
  });
  afterAll(() => database?.close());

  it("asks again for a past day whose last hours are missing, though it has as many hours as a covered day", async () => {
    const lacking = await hoursLacking(database.db, ['YSSY', 'YMML', 'YBBN', 'YPPH'], 1, now);
    expect(Object.fromEntries(lacking)).toEqual({
      // Yesterday's last hours missing: from the start of yesterday.
      YMML: 28,
      // Nothing recorded: from the start of yesterday too.
      YPPH: 28,
    });
  });
});

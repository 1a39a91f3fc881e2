import { and, countDistinct, gte, inArray, lte, max, sql } from 'drizzle-orm';
import { historicalWeatherObservations as observations } from '../../drizzle/schema/index.ts';
import type { Database } from '../db/database.ts';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/**
 * For each station lacking reports, the hours back to ask for: to the start of the oldest UTC day
 * (of today and the `utcDays` before it) in which its recorded METARs, from any source, miss more
 * than two hours — in all, or at the day's end (a day fetched while it was today, and not since,
 * lacks its last hours however many it has). Whole days stay covered as the clock moves on, so a
 * later run asks only for what came since. One statement; a station with every day covered is absent.
 */
export async function hoursLacking(db: Database, stations: readonly string[], utcDays: number, now: number): Promise<Map<string, number>> {
  const day = sql<string>`to_char(${observations.observedAt} at time zone 'UTC', 'YYYY-MM-DD')`;
  const rows = await db
    .select({ station: observations.station, day, hours: countDistinct(sql`date_trunc('hour', ${observations.observedAt} at time zone 'UTC')`), last: max(observations.observedAt) })
    .from(observations)
    .where(and(inArray(observations.station, [...stations]), gte(observations.observedAt, new Date(startOfUtcDay(now, utcDays))), lte(observations.observedAt, new Date(now))))
    .groupBy(observations.station, day);
  const recordedOf = new Map(rows.map((r) => [`${r.station}|${r.day}`, r]));
  // Today so far: its newest hour may not be received yet.
  const expected = (back: number) => (back === 0 ? Math.floor((now - startOfUtcDay(now, 0)) / HOUR_MS) - 2 : 24 - 2);
  // Where the day's reports should reach to: its end, or now for today.
  const endOf = (back: number) => (back === 0 ? now : startOfUtcDay(now, back - 1));
  const covered = (back: number, recorded: { hours: number; last: Date | string | null } | undefined) =>
    expected(back) <= 0 ||
    (recorded !== undefined && recorded.hours >= expected(back) && recorded.last !== null && new Date(recorded.last).getTime() >= endOf(back) - 2 * HOUR_MS);
  const lacking = new Map<string, number>();
  for (const station of stations) {
    for (let back = utcDays; back >= 0; back--) {
      const date = new Date(startOfUtcDay(now, back)).toISOString().slice(0, 10);
      if (!covered(back, recordedOf.get(`${station}|${date}`))) {
        lacking.set(station, hoursSinceStartOf(back, now));
        break;
      }
    }
  }
  return lacking;
}

function startOfUtcDay(now: number, back: number): number {
  return Math.floor(now / DAY_MS) * DAY_MS - back * DAY_MS;
}

/** Whole hours from the start of the UTC day `back` days ago to now, at least one. */
export function hoursSinceStartOf(back: number, now: number): number {
  return Math.max(1, Math.ceil((now - startOfUtcDay(now, back)) / HOUR_MS));
}

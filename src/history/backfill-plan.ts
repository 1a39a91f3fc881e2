import { and, between, eq, inArray } from 'drizzle-orm';
import { historicalFlightSegments as segments } from '../../drizzle/schema/index.ts';
import type { Database } from '../db/database.ts';
import { FLIGHTS_PAGE_LIMIT } from '../sources/flights/aviationstack.ts';
import { METAR_HISTORY_MAX_HOURS } from '../sources/weather/source.ts';
import { offsetAt } from '../sources/zoned-time.ts';
import { busiestRoutes, namedRoutes, type RouteChoice } from './backfill-routes.ts';
import { hoursLacking, hoursSinceStartOf } from './backfill-weather-gaps.ts';

/**
 * What a backfill still has to fetch. Resumable without a table of its own: a route-day is
 * complete once history holds rows for it written by a backfill (source `backfill`), and a
 * station's day once its METARs cover that day's hours.
 */

/** The `source` of every row a backfill writes: how a later run knows a route-day is complete. */
export const BACKFILL_SOURCE = 'backfill';

const DAY_MS = 86_400_000;

export interface BackfillOptions {
  /** Days per route, counted back from yesterday at its origin (today is still flying). */
  days: number;
  routes: RouteChoice;
  /** Fill METAR history too (with a weather source), from the start of the UTC day min(days + 1, 14) days ago. Default: true. */
  weather?: boolean;
  /**
   * METARs one weather call should answer at most (a station's history call answers one an hour):
   * fewer make smaller calls and shorter stretches of parsing. Default: 2400, what a latest call
   * for 100 stations answers in a day, about a megabyte.
   */
  weatherReportsPerCall?: number;
  /** The clock. Default: Date.now. */
  now?: () => number;
}

export interface PlannedRoute {
  from: string;
  to: string;
  /** Airlines selling the pair in the route table: how busy it is. */
  airlines: number;
}

export interface RouteDay {
  from: string;
  to: string;
  /** The local date of departure at `from`, yyyy-mm-dd. */
  date: string;
}

export interface BackfillPlan {
  routes: PlannedRoute[];
  /** Route-days still to fetch: the newest date of every route first, so a stopped fill has recent days everywhere. */
  pending: RouteDay[];
  /** Route-days history already holds. */
  complete: number;
  /**
   * METAR history over the last `hours`: how many stations are covered already, and the calls
   * still to make, each for a few stations as far back as the oldest day they lack.
   */
  weather: { hours: number; stations: number; complete: number; calls: { hours: number; stations: string[] }[] } | null;
}

/** What history lacks for these routes and days: one statement for the routes, one per kind of history. */
export async function planBackfill(db: Database, options: BackfillOptions): Promise<BackfillPlan> {
  const { days, weather = true, weatherReportsPerCall = 2400 } = options;
  if (!Number.isInteger(days) || days < 1) throw new RangeError(`expected a whole number of days above 0, received ${days}`);
  const now = (options.now ?? Date.now)();
  const chosen = 'top' in options.routes ? await busiestRoutes(db, options.routes.top) : await namedRoutes(db, options.routes.pairs);

  const all: RouteDay[] = [];
  for (let back = 1; back <= days; back++) {
    for (const route of chosen) all.push({ from: route.from, to: route.to, date: addDays(localDate(route.zone, now), -back) });
  }
  const done = await completeRouteDays(db, all);
  const pending = all.filter((day) => !done.has(routeDayId(day)));

  let weatherPlan: BackfillPlan['weather'] = null;
  const stations = [...new Set(chosen.flatMap((r) => [r.fromStation, r.toStation]).filter((s): s is string => s !== null))].sort();
  if (weather && stations.length) {
    // A route's oldest local day began up to a day before the same UTC date (UTC+14); the service
    // answers 360 hours back, which reaches the start of the UTC day 14 days ago.
    const utcDays = Math.min(days + 1, METAR_HISTORY_MAX_HOURS / 24 - 1);
    const lacking = await hoursLacking(db, stations, utcDays, now);
    const byHours = new Map<number, string[]>();
    for (const station of stations) {
      const hours = lacking.get(station);
      if (hours) byHours.set(hours, [...(byHours.get(hours) ?? []), station]);
    }
    // One history call answers `hours` reports a station: fewer stations per call the further back.
    const calls = [...byHours].flatMap(([hours, group]) => chunks(group, Math.max(1, Math.floor(weatherReportsPerCall / hours))).map((batch) => ({ hours, stations: batch })));
    weatherPlan = { hours: hoursSinceStartOf(utcDays, now), stations: stations.length, complete: stations.length - lacking.size, calls };
  }
  return {
    routes: chosen.map(({ from, to, airlines }) => ({ from, to, airlines })),
    pending,
    complete: all.length - pending.length,
    weather: weatherPlan,
  };
}

/** Upstream calls the plan will make at least: one page per route-day (more for a pair of 34+ airlines), one per weather batch. */
export function estimateCalls(plan: BackfillPlan): { flights: number; weather: number } {
  const airlines = new Map(plan.routes.map((r) => [`${r.from}-${r.to}`, r.airlines]));
  // A route's day lists up to ~3 flights per airline selling it, codeshares included.
  const pages = (day: RouteDay) => Math.max(1, Math.ceil(((airlines.get(`${day.from}-${day.to}`) ?? 1) * 3) / FLIGHTS_PAGE_LIMIT));
  return { flights: plan.pending.reduce((sum, day) => sum + pages(day), 0), weather: plan.weather?.calls.length ?? 0 };
}

const routeDayId = (day: RouteDay) => `${day.from}-${day.to}:${day.date}`;

/** The route-days a backfill has written, among those asked: one statement. */
async function completeRouteDays(db: Database, days: readonly RouteDay[]): Promise<Set<string>> {
  if (!days.length) return new Set();
  const dates = days.map((d) => d.date).sort();
  const rows = await db
    .selectDistinct({ from: segments.originIata, to: segments.destinationIata, date: segments.flightDate })
    .from(segments)
    .where(
      and(
        eq(segments.source, BACKFILL_SOURCE),
        inArray(segments.originIata, [...new Set(days.map((d) => d.from))]),
        between(segments.flightDate, dates[0]!, dates.at(-1)!),
      ),
    );
  return new Set(rows.map((r) => routeDayId({ from: r.from, to: r.to, date: r.date })));
}

function localDate(zone: string, utcMs: number): string {
  return new Date(utcMs + offsetAt(utcMs, zone)).toISOString().slice(0, 10);
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const result: T[][] = [];
  for (let i = 0; i < items.length; i += size) result.push(items.slice(i, i + size));
  return result;
}

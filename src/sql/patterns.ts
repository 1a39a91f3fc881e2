import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/database.ts';

/**
 * Delay and weather patterns over the recorded history: one statement per pattern kind for
 * every key of a batch, all aggregation in SQL. The window is the `days` before the database's
 * `now()` (flights scheduled later have no outcome yet), and its bounds come back with the
 * figures, so an answer states exactly which rows it counts.
 */

/** A route's flights: every airline's when `airline` is null. Codes are IATA, upper case. */
export interface FlightPatternKey {
  origin: string;
  destination: string;
  airline: string | null;
}

export interface HourPattern {
  /** 0–23: the scheduled departure's hour on the origin's wall clock. */
  hour: number;
  flights: number;
  onTimeRate: number | null;
  meanDelayMinutes: number | null;
}

export interface FlightPattern {
  days: number;
  from: Date;
  to: Date;
  flights: number;
  onTimeRate: number | null;
  meanDelayMinutes: number | null;
  p50DelayMinutes: number | null;
  p90DelayMinutes: number | null;
  cancellationRate: number | null;
  diversionRate: number | null;
  byHour: HourPattern[];
}

export interface CategoryShares {
  vfr: number | null;
  mvfr: number | null;
  ifr: number | null;
  lifr: number | null;
}

export interface WeatherPattern {
  days: number;
  from: Date;
  to: Date;
  observations: number;
  categories: CategoryShares;
  meanWindKt: number | null;
  meanVisibilityM: number | null;
}

/** Both drivers hand drizzle's raw results over as `{ rows }`; the row type is ours to state. */
async function rowsOf<Row>(db: Database, query: SQL): Promise<Row[]> {
  return ((await db.execute(query)) as unknown as { rows: Row[] }).rows;
}

/** One parameter holding a whole array (drizzle spreads a bare array into a list of parameters). */
const array = (values: readonly unknown[]) => sql.param([...values]);

/** drizzle leaves timestamptz to its column mappers, so a raw select sees the driver's text. */
const instant = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));

/**
 * The window's bounds: `days` × 24 hours back from the database's now, up to (not including) now.
 * Hours, not days: a day of interval arithmetic follows the session's zone across a DST change.
 */
const span = (days: number) => sql`span (since, until) as (select now() - make_interval(hours => 24 * ${days}::int), now())`;

interface FlightRow {
  key: number;
  /** 1 for a key's whole window, 0 for one hour of it. */
  overall: number;
  hour: number | null;
  since: Date | string;
  until: Date | string;
  flights: number;
  on_time_rate: number | null;
  mean_delay: number | null;
  p50_delay: number | null;
  p90_delay: number | null;
  cancellation_rate: number | null;
  diversion_rate: number | null;
}

/**
 * The flight pattern of each key over the last `days`, in key order: one statement.
 *
 * Which rows count: scheduled to depart inside the window, with a known outcome — landed,
 * cancelled, diverted or incident, or an actual arrival recorded (a landing the status has not
 * caught up with). A flight still scheduled or in the air has none yet and is left out.
 *
 * Delays are arrival delays (never negative, as recorded). Cancelled flights count in the
 * cancellation rate and diverted ones in the diversion rate, neither in the delay figures (a
 * diverted flight's delay at the planned destination means nothing); the on-time rate is the
 * share of the flights with a delay that arrived less than 15 minutes late. Every rate is null
 * when nothing is counted.
 *
 * Hours are the scheduled departure's hour on the origin's wall clock — delays follow the local
 * day (the morning bank, the evening build-up), not UTC — in the zone the flight's own times were
 * read in when it was recorded (`record.origin.timeZone`: the upstream's zone, else our airport
 * table's; validated then). A flight without one counts in the totals and in no hour.
 *
 * Keys are joined through `unnest` of three arrays (three parameters however many keys), cast to
 * the columns' own types so that the (origin, destination, scheduled_departure) index serves
 * each key's range; GROUPING SETS gives each key's whole window and its hours in one pass.
 */
export async function flightPatterns(db: Database, keys: readonly FlightPatternKey[], days: number): Promise<FlightPattern[]> {
  if (!keys.length) return [];
  const rows = await rowsOf<FlightRow>(
    db,
    sql`with keys (key, origin, destination, airline) as (
  select k.key::int, k.origin, k.destination, k.airline
  from unnest(${array(keys.map((k) => k.origin))}::bpchar[], ${array(keys.map((k) => k.destination))}::bpchar[], ${array(keys.map((k) => k.airline))}::text[])
    with ordinality as k (origin, destination, airline, key)
),
${span(days)},
outcomes as (
  select keys.key,
    extract(hour from f.scheduled_departure at time zone (f.record #>> '{origin,timeZone}'))::int as hour,
    f.status,
    case when f.status not in ('cancelled', 'diverted') then f.arrival_delay_minutes end as delay
  from keys
  cross join span
  join historical_flight_segments f
    on f.origin_iata = keys.origin
    and f.destination_iata = keys.destination
    and (keys.airline is null or f.airline_iata = keys.airline)
    and f.scheduled_departure >= span.since
    and f.scheduled_departure < span.until
  where f.status in ('landed', 'cancelled', 'diverted', 'incident') or f.actual_arrival is not null
)
select keys.key,
  grouping(o.hour) as overall,
  o.hour,
  (select since from span) as since,
  (select until from span) as until,
  count(o.key)::int as flights,
  (count(*) filter (where o.delay < 15))::float8 / nullif(count(o.delay), 0) as on_time_rate,
  avg(o.delay)::float8 as mean_delay,
  percentile_cont(0.5) within group (order by o.delay) as p50_delay,
  percentile_cont(0.9) within group (order by o.delay) as p90_delay,
  (count(*) filter (where o.status = 'cancelled'))::float8 / nullif(count(o.key), 0) as cancellation_rate,
  (count(*) filter (where o.status = 'diverted'))::float8 / nullif(count(o.key), 0) as diversion_rate
from keys
left join outcomes o on o.key = keys.key
group by grouping sets ((keys.key), (keys.key, o.hour))
order by keys.key, overall desc, o.hour`,
  );
  const patterns: FlightPattern[] = [];
  for (const row of rows) {
    if (row.overall) {
      patterns[row.key - 1] = {
        days,
        from: instant(row.since),
        to: instant(row.until),
        flights: row.flights,
        onTimeRate: row.on_time_rate,
        meanDelayMinutes: row.mean_delay,
        p50DelayMinutes: row.p50_delay,
        p90DelayMinutes: row.p90_delay,
        cancellationRate: row.cancellation_rate,
        diversionRate: row.diversion_rate,
        byHour: [],
      };
    } else if (row.hour !== null) {
      // Rows come overall first, so the key's pattern is there. An hour of null is a key
      // without flights, or flights without a zone: no hour to show them in.
      patterns[row.key - 1]!.byHour.push({ hour: row.hour, flights: row.flights, onTimeRate: row.on_time_rate, meanDelayMinutes: row.mean_delay });
    }
  }
  return patterns;
}

interface WeatherRow {
  key: number;
  since: Date | string;
  until: Date | string;
  observations: number;
  vfr: number | null;
  mvfr: number | null;
  ifr: number | null;
  lifr: number | null;
  mean_wind_kt: number | null;
  mean_visibility_m: number | null;
}

/**
 * The weather pattern of each ICAO station over the last `days`, in key order: one statement.
 *
 * Shares are of time, not of reports: each report holds until the next one, at most an hour
 * (the routine interval). Counting reports would overweight bad weather, which brings specials
 * (SPECI) between the routine ones, and recorded history has gaps (it holds what was asked for),
 * which must not stretch one report over them. The means are over the same time. A visibility
 * reported as a floor ("9999", "10SM") counts at that floor.
 */
export async function weatherPatterns(db: Database, stations: readonly string[], days: number): Promise<WeatherPattern[]> {
  if (!stations.length) return [];
  const rows = await rowsOf<WeatherRow>(
    db,
    sql`with keys (key, station) as (
  select k.key::int, k.station from unnest(${array(stations)}::bpchar[]) with ordinality as k (station, key)
),
${span(days)},
held as (
  select keys.key, w.flight_category, w.wind_speed_kt, w.visibility_m,
    extract(epoch from least(
      coalesce(lead(w.observed_at) over (partition by keys.key order by w.observed_at), span.until),
      w.observed_at + interval '1 hour'
    ) - w.observed_at)::float8 as seconds
  from keys
  cross join span
  join historical_weather_observations w
    on w.station = keys.station
    and w.observed_at >= span.since
    and w.observed_at < span.until
)
select keys.key,
  (select since from span) as since,
  (select until from span) as until,
  count(h.key)::int as observations,
  sum(h.seconds) filter (where h.flight_category = 'VFR') / nullif(sum(h.seconds) filter (where h.flight_category is not null), 0) as vfr,
  sum(h.seconds) filter (where h.flight_category = 'MVFR') / nullif(sum(h.seconds) filter (where h.flight_category is not null), 0) as mvfr,
  sum(h.seconds) filter (where h.flight_category = 'IFR') / nullif(sum(h.seconds) filter (where h.flight_category is not null), 0) as ifr,
  sum(h.seconds) filter (where h.flight_category = 'LIFR') / nullif(sum(h.seconds) filter (where h.flight_category is not null), 0) as lifr,
  sum(h.seconds * h.wind_speed_kt) / nullif(sum(h.seconds) filter (where h.wind_speed_kt is not null), 0) as mean_wind_kt,
  sum(h.seconds * h.visibility_m) / nullif(sum(h.seconds) filter (where h.visibility_m is not null), 0) as mean_visibility_m
from keys
left join held h on h.key = keys.key
group by keys.key
order by keys.key`,
  );
  return rows.map((row) => ({
    days,
    from: instant(row.since),
    to: instant(row.until),
    observations: row.observations,
    categories: { vfr: row.vfr, mvfr: row.mvfr, ifr: row.ifr, lifr: row.lifr },
    meanWindKt: row.mean_wind_kt,
    meanVisibilityM: row.mean_visibility_m,
  }));
}

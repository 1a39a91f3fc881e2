import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/database.ts';

/**
 * The history a quote is priced from: for each flight asked about, delays and cancellations at
 * its threshold at the four levels the pricing shrinks between (resolvers/pricing/credibility.ts),
 * over the `days` before the database's now — every key of a batch in one statement.
 */

/** What a quote counts: the airline on its route, at a delay threshold. Codes are IATA, upper case. */
export interface QuoteHistoryKey {
  airline: string;
  origin: string;
  destination: string;
  delayThresholdMinutes: number;
}

/** One level's flights: scheduled (cancelled included), cancelled, and operated at least the threshold late. */
export interface LevelCounts {
  scheduled: number;
  cancelled: number;
  delayed: number;
}

export interface QuoteHistory {
  days: number;
  from: Date;
  to: Date;
  /** The airline on this route. */
  route: LevelCounts;
  /** The airline, everywhere. */
  airline: LevelCounts;
  /** Every airline from the origin airport. */
  origin: LevelCounts;
  /** Every flight. */
  network: LevelCounts;
}

const LEVELS = ['route', 'airline', 'origin', 'network'] as const;

/** Each level's condition on a counted flight `f` of key `keys` (count(f.status) skips the null row of an empty window). */
const levelCondition: Record<(typeof LEVELS)[number], SQL> = {
  route: sql`f.airline_iata = keys.airline and f.origin_iata = keys.origin and f.destination_iata = keys.destination`,
  airline: sql`f.airline_iata = keys.airline`,
  origin: sql`f.origin_iata = keys.origin`,
  network: sql`f.status is not null`,
};

type Row = { key: number; since: Date | string; until: Date | string } & Record<`${(typeof LEVELS)[number]}_${keyof LevelCounts}`, number>;

const array = (values: readonly unknown[]) => sql.param([...values]);
const instant = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));

/**
 * Each key's history over the last `days`, in key order: one statement.
 *
 * Which rows count is patterns.ts's rule: scheduled to depart inside the window (24-hour steps
 * back from now, so a DST change does not move it), with a known outcome — landed, cancelled,
 * diverted or incident, or an actual arrival recorded. A flight still scheduled or in the air has
 * no outcome yet and would count as on time.
 *
 * A flight is delayed when it was not cancelled and arrived `delayThresholdMinutes` or more late
 * (the policy's event); one without a recorded arrival delay counts as operated, not delayed.
 * Every level is a FILTER over the same scan of the window, so the four levels add no passes;
 * `left join … on true` keeps a key whose window holds nothing (all zeros, not a missing row).
 */
export async function quoteHistories(db: Database, keys: readonly QuoteHistoryKey[], days: number): Promise<QuoteHistory[]> {
  if (!keys.length) return [];
  const counts = LEVELS.flatMap((level) => {
    const where = levelCondition[level];
    return [
      sql`count(f.status) filter (where ${where})::int as ${sql.raw(`${level}_scheduled`)}`,
      sql`count(f.status) filter (where ${where} and f.status = 'cancelled')::int as ${sql.raw(`${level}_cancelled`)}`,
      sql`count(f.status) filter (where ${where} and f.status <> 'cancelled' and f.arrival_delay_minutes >= keys.threshold)::int as ${sql.raw(`${level}_delayed`)}`,
    ];
  });
  const result = await db.execute(
    sql`with keys (key, airline, origin, destination, threshold) as (
  select k.key::int, k.airline, k.origin, k.destination, k.threshold
  from unnest(${array(keys.map((k) => k.airline))}::text[], ${array(keys.map((k) => k.origin))}::bpchar[], ${array(keys.map((k) => k.destination))}::bpchar[], ${array(keys.map((k) => k.delayThresholdMinutes))}::int[])
    with ordinality as k (airline, origin, destination, threshold, key)
),
span (since, until) as (select now() - make_interval(hours => 24 * ${days}::int), now()),
known as (
  select f.airline_iata, f.origin_iata, f.destination_iata, f.status, f.arrival_delay_minutes
  from historical_flight_segments f
  cross join span
  where f.scheduled_departure >= span.since
    and f.scheduled_departure < span.until
    and (f.status in ('landed', 'cancelled', 'diverted', 'incident') or f.actual_arrival is not null)
)
select keys.key,
  (select since from span) as since,
  (select until from span) as until,
  ${sql.join(counts, sql`,\n  `)}
from keys
left join known f on true
group by keys.key
order by keys.key`,
  );
  const rows = (result as unknown as { rows: Row[] }).rows;
  return rows.map((row) => {
    const level = (name: (typeof LEVELS)[number]): LevelCounts => ({
      scheduled: row[`${name}_scheduled`],
      cancelled: row[`${name}_cancelled`],
      delayed: row[`${name}_delayed`],
    });
    return { days, from: instant(row.since), to: instant(row.until), route: level('route'), airline: level('airline'), origin: level('origin'), network: level('network') };
  });
}

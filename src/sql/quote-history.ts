import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/database.ts';

/**
 * The history a quote is priced from: for each flight asked about, delays and cancellations at
 * its threshold at the four levels the pricing shrinks between (resolvers/pricing/credibility.ts),
 * over the `days` before the database's now. The route's level is counted per quote; the prior
 * levels (airline, origin, network), which many quotes share and which move slowly, by a
 * statement of their own that src/loaders/quote-priors.ts keeps the answers of.
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

/** Counts over the window, and the window: every level's statement says which it counted. */
export interface Counted<T> {
  from: Date;
  to: Date;
  counts: T;
}

const array = (values: readonly unknown[]) => sql.param([...values]);
const instant = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));

/**
 * The rows that count (patterns.ts's rule): scheduled to depart inside the window (24-hour steps
 * back from now, so a DST change does not move it), with a known outcome — landed, cancelled,
 * diverted or incident, or an actual arrival recorded. A flight still scheduled or in the air has
 * no outcome yet and would count as on time. A flight is delayed when it was not cancelled and
 * arrived `threshold` or more late (the policy's event); one without a recorded arrival delay
 * counts as operated, not delayed.
 */
const span = (days: number) => sql`span (since, until) as (select now() - make_interval(hours => 24 * ${days}::int), now())`;
const known = sql`(f.status in ('landed', 'cancelled', 'diverted', 'incident') or f.actual_arrival is not null)`;
const counts = (threshold: SQL) => sql`count(f.status)::int as scheduled,
  count(f.status) filter (where f.status = 'cancelled')::int as cancelled,
  count(f.status) filter (where f.status <> 'cancelled' and f.arrival_delay_minutes >= ${threshold})::int as delayed`;

type CountRow = LevelCounts & { since: Date | string; until: Date | string };
const levelOf = (row: LevelCounts): LevelCounts => ({ scheduled: row.scheduled, cancelled: row.cancelled, delayed: row.delayed });

/**
 * Each key's airline on its route over the last `days`, in key order: one statement, each key
 * an index range (historical_flight_segments_airline_route_idx). A key whose window holds
 * nothing counts zeros (`left join`), not a missing row.
 */
export async function routeHistories(db: Database, keys: readonly QuoteHistoryKey[], days: number): Promise<Counted<LevelCounts>[]> {
  if (!keys.length) return [];
  const result = await db.execute(
    sql`with keys (key, airline, origin, destination, threshold) as (
  select k.key::int, k.airline, k.origin, k.destination, k.threshold
  from unnest(${array(keys.map((k) => k.airline))}::text[], ${array(keys.map((k) => k.origin))}::bpchar[], ${array(keys.map((k) => k.destination))}::bpchar[], ${array(keys.map((k) => k.delayThresholdMinutes))}::int[])
    with ordinality as k (airline, origin, destination, threshold, key)
), ${span(days)}
select keys.key, span.since, span.until, ${counts(sql`keys.threshold`)}
from keys
cross join span
left join historical_flight_segments f
  on f.airline_iata = keys.airline and f.origin_iata = keys.origin and f.destination_iata = keys.destination
  and f.scheduled_departure >= span.since and f.scheduled_departure < span.until and ${known}
group by keys.key, span.since, span.until
order by keys.key`,
  );
  const rows = (result as unknown as { rows: CountRow[] }).rows;
  return rows.map((row) => ({ from: instant(row.since), to: instant(row.until), counts: levelOf(row) }));
}

/** The levels a route's record is shrunk toward: what many quotes share. */
export type PriorLevel = 'airline' | 'origin' | 'network';

/** One prior level's counts at one threshold: `code` is the airline or origin, '' for the network. */
export interface PriorKey {
  level: PriorLevel;
  code: string;
  threshold: number;
}

/**
 * The prior levels' counts over the last `days`, for every key asked, in key order: one
 * statement. An airline's and an origin's are index ranges; the network's is the whole window,
 * which is why callers keep these (they move slowly) rather than count them per quote.
 */
export async function priorHistories(db: Database, keys: readonly PriorKey[], days: number): Promise<Counted<LevelCounts>[]> {
  if (!keys.length) return [];
  // One select a level, so that each joins on its own index (an airline's or an origin's rows);
  // a join on "this level's column" would leave the planner the whole window for every key.
  const level = (name: PriorLevel, match: SQL) => sql`select keys.key, span.since, span.until, ${counts(sql`keys.threshold`)}
from keys
cross join span
left join historical_flight_segments f
  on ${match} and f.scheduled_departure >= span.since and f.scheduled_departure < span.until and ${known}
where keys.level = ${sql.raw(`'${name}'`)}
group by keys.key, span.since, span.until`;
  const result = await db.execute(
    sql`with keys (key, level, code, threshold) as (
  select k.key::int, k.level, k.code, k.threshold
  from unnest(${array(keys.map((k) => k.level))}::text[], ${array(keys.map((k) => k.code))}::text[], ${array(keys.map((k) => k.threshold))}::int[])
    with ordinality as k (level, code, threshold, key)
), ${span(days)}
${level('airline', sql`f.airline_iata = keys.code`)}
union all
${level('origin', sql`f.origin_iata = keys.code::bpchar`)}
union all
${level('network', sql`true`)}
order by key`,
  );
  const rows = (result as unknown as { rows: CountRow[] }).rows;
  return rows.map((row) => ({ from: instant(row.since), to: instant(row.until), counts: levelOf(row) }));
}

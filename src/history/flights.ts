import { and, desc, eq, inArray, or, sql } from 'drizzle-orm';
import { historicalFlightSegments as segments } from '../../drizzle/schema/index.ts';
import type { Database } from '../db/database.ts';
import { instant } from '../entities/revive.ts';
import type { FlightEndpoint, FlightStatus } from '../sources/flights/types.ts';

export interface FlightKey {
  number: string;
  date: string;
}

export interface RouteDayKey {
  from: string;
  to: string;
  date: string;
}

export interface Observed<V> {
  value: V;
  observedAt: Date;
}

/**
 * Upserts operating flights (a marketing record is the same flight under another number, so
 * it is not a segment of its own). A row changes only for news: an older observation of the same
 * flight, arriving late from another instance, does not overwrite a newer one.
 */
export async function recordFlights(db: Database, flights: readonly { flight: FlightStatus; source: string; observedAt: Date }[]): Promise<void> {
  const rows = flights
    .filter(({ flight }) => !flight.codeshared && flight.origin.iata && flight.destination.iata && flight.origin.scheduled && flight.airline.iata)
    .map(({ flight, source, observedAt }) => ({
      flightNumber: flight.number,
      flightDate: flight.date,
      airlineIata: flight.airline.iata!,
      originIata: flight.origin.iata!,
      destinationIata: flight.destination.iata!,
      status: flight.status,
      scheduledDeparture: flight.origin.scheduled!,
      estimatedDeparture: flight.origin.estimated,
      actualDeparture: flight.origin.actual,
      scheduledArrival: flight.destination.scheduled,
      estimatedArrival: flight.destination.estimated,
      actualArrival: flight.destination.actual,
      departureDelayMinutes: flight.origin.delayMinutes,
      arrivalDelayMinutes: flight.destination.delayMinutes,
      record: flight,
      source,
      observedAt,
    }));
  // One statement may not name the same row twice: the newest observation of each wins.
  const newest = new Map<string, (typeof rows)[number]>();
  for (const row of rows) {
    const key = `${row.flightNumber}|${row.scheduledDeparture.toISOString()}`;
    const seen = newest.get(key);
    if (!seen || seen.observedAt <= row.observedAt) newest.set(key, row);
  }
  if (!newest.size) return;
  const excluded = (column: string) => sql.raw(`excluded.${column}`);
  await db
    .insert(segments)
    .values([...newest.values()])
    .onConflictDoUpdate({
      target: [segments.flightNumber, segments.scheduledDeparture],
      set: {
        flightDate: excluded('flight_date'),
        airlineIata: excluded('airline_iata'),
        originIata: excluded('origin_iata'),
        destinationIata: excluded('destination_iata'),
        status: excluded('status'),
        estimatedDeparture: excluded('estimated_departure'),
        actualDeparture: excluded('actual_departure'),
        scheduledArrival: excluded('scheduled_arrival'),
        estimatedArrival: excluded('estimated_arrival'),
        actualArrival: excluded('actual_arrival'),
        departureDelayMinutes: excluded('departure_delay_minutes'),
        arrivalDelayMinutes: excluded('arrival_delay_minutes'),
        record: excluded('record'),
        source: excluded('source'),
        observedAt: excluded('observed_at'),
      },
      setWhere: sql`${segments.observedAt} <= excluded.observed_at`,
    });
}

/** The newest recorded status of each flight on its date: one statement for all keys. */
export async function latestFlights(db: Database, keys: readonly FlightKey[]): Promise<Map<string, Observed<FlightStatus>>> {
  if (!keys.length) return new Map();
  const rows = await db
    .select({ number: segments.flightNumber, date: segments.flightDate, record: segments.record, observedAt: segments.observedAt })
    .from(segments)
    .where(or(...keys.map((k) => and(eq(segments.flightNumber, k.number), eq(segments.flightDate, k.date)))))
    .orderBy(desc(segments.observedAt));
  const found = new Map<string, Observed<FlightStatus>>();
  for (const row of rows) {
    const id = `${row.number}:${row.date}`;
    if (!found.has(id)) found.set(id, { value: reviveFlight(row.record), observedAt: row.observedAt });
  }
  return found;
}

/** Every recorded flight of each route on each date: one statement for all keys. */
export async function flightsOfRouteDays(db: Database, keys: readonly RouteDayKey[]): Promise<Map<string, Observed<FlightStatus[]>>> {
  if (!keys.length) return new Map();
  const rows = await db
    .select({ from: segments.originIata, to: segments.destinationIata, date: segments.flightDate, record: segments.record, observedAt: segments.observedAt })
    .from(segments)
    .where(
      and(
        inArray(segments.originIata, [...new Set(keys.map((k) => k.from))]),
        or(...keys.map((k) => and(eq(segments.originIata, k.from), eq(segments.destinationIata, k.to), eq(segments.flightDate, k.date)))),
      ),
    )
    .orderBy(segments.scheduledDeparture, segments.flightNumber);
  const found = new Map<string, Observed<FlightStatus[]>>();
  for (const row of rows) {
    const id = `${row.from}-${row.to}:${row.date}`;
    const day = found.get(id) ?? { value: [], observedAt: row.observedAt };
    day.value.push(reviveFlight(row.record));
    // A day is as old as its oldest flight.
    if (row.observedAt < day.observedAt) day.observedAt = row.observedAt;
    found.set(id, day);
  }
  return found;
}

function reviveEndpoint(end: FlightEndpoint): FlightEndpoint {
  return {
    ...end,
    scheduled: instant(end.scheduled),
    estimated: instant(end.estimated),
    actual: instant(end.actual),
    estimatedRunway: instant(end.estimatedRunway),
    actualRunway: instant(end.actualRunway),
  };
}

/** A flight status from JSON (a shared cache tier, a jsonb column): its instants as Dates again. */
export function reviveFlight(value: unknown): FlightStatus {
  const flight = value as FlightStatus;
  return { ...flight, origin: reviveEndpoint(flight.origin), destination: reviveEndpoint(flight.destination) };
}

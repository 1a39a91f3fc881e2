import { sql } from 'drizzle-orm';
import { bigserial, boolean, char, date, index, integer, jsonb, numeric, pgTable, primaryKey, real, text, timestamp } from 'drizzle-orm/pg-core';

const instant = (name: string) => timestamp(name, { withTimezone: true });

/**
 * Every flight status an upstream told us (or a service pushed), one row per operating flight
 * and scheduled departure: a later answer about the same flight updates the row. The delay
 * patterns aggregate it by route, airline and hour; the fallback reads its newest row.
 */
export const historicalFlightSegments = pgTable(
  'historical_flight_segments',
  {
    /** IATA flight number of the operating flight, e.g. BA117. */
    flightNumber: text('flight_number').notNull(),
    /** The local date of departure, as airlines and the upstream name it. */
    flightDate: date('flight_date', { mode: 'string' }).notNull(),
    airlineIata: text('airline_iata').notNull(),
    originIata: char('origin_iata', { length: 3 }).notNull(),
    destinationIata: char('destination_iata', { length: 3 }).notNull(),
    status: text('status', { enum: ['scheduled', 'active', 'landed', 'cancelled', 'incident', 'diverted'] }).notNull(),
    scheduledDeparture: instant('scheduled_departure').notNull(),
    estimatedDeparture: instant('estimated_departure'),
    actualDeparture: instant('actual_departure'),
    scheduledArrival: instant('scheduled_arrival'),
    estimatedArrival: instant('estimated_arrival'),
    actualArrival: instant('actual_arrival'),
    departureDelayMinutes: integer('departure_delay_minutes'),
    arrivalDelayMinutes: integer('arrival_delay_minutes'),
    /** The whole status as the adapter made it (terminals, gates, aircraft, codeshares): what the fallback serves. */
    record: jsonb('record').notNull(),
    /** Where it came from: the upstream source's name, or `ingest` for a pushed update. */
    source: text('source').notNull(),
    /** When the source said it: the fallback's data age. */
    observedAt: instant('observed_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.flightNumber, t.scheduledDeparture] }),
    index('historical_flight_segments_number_date_idx').on(t.flightNumber, t.flightDate),
    // Patterns: a route's flights over a window, optionally of one airline.
    index('historical_flight_segments_route_idx').on(t.originIata, t.destinationIata, t.scheduledDeparture),
    index('historical_flight_segments_airline_route_idx').on(t.airlineIata, t.originIata, t.destinationIata, t.scheduledDeparture),
    index('historical_flight_segments_origin_idx').on(t.originIata, t.scheduledDeparture),
  ],
);

/** Every METAR an upstream gave us, one row per station and observation time. */
export const historicalWeatherObservations = pgTable(
  'historical_weather_observations',
  {
    /** ICAO station id, e.g. KJFK. */
    station: char('station', { length: 4 }).notNull(),
    observedAt: instant('observed_at').notNull(),
    temperatureC: real('temperature_c'),
    dewPointC: real('dew_point_c'),
    windDirectionDegrees: integer('wind_direction_degrees'),
    windSpeedKt: integer('wind_speed_kt'),
    windGustKt: integer('wind_gust_kt'),
    visibilityM: integer('visibility_m'),
    ceilingFt: integer('ceiling_ft'),
    flightCategory: text('flight_category', { enum: ['VFR', 'MVFR', 'IFR', 'LIFR'] }),
    /** The whole decoded report (clouds, altimeter, flags): what the fallback serves. */
    record: jsonb('record').notNull(),
    raw: text('raw').notNull(),
    source: text('source').notNull(),
    fetchedAt: instant('fetched_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.station, t.observedAt] })],
);

/** Every upstream call: the basis of calls made, calls saved and money spent. */
export const apiCallLog = pgTable(
  'api_call_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: instant('at').notNull().default(sql`now()`),
    source: text('source').notNull(),
    /** Path and query, without secrets. */
    endpoint: text('endpoint').notNull(),
    /** Null when no answer came (timeout, refused). */
    status: integer('status'),
    latencyMs: integer('latency_ms').notNull(),
    ok: boolean('ok').notNull(),
    cost: numeric('cost', { precision: 12, scale: 6, mode: 'number' }).notNull(),
    error: text('error'),
  },
  (t) => [index('api_call_log_source_at_idx').on(t.source, t.at)],
);

export type HistoricalFlightRow = typeof historicalFlightSegments.$inferSelect;
export type HistoricalWeatherRow = typeof historicalWeatherObservations.$inferSelect;

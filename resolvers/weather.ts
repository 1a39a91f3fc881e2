import type { AirportRow } from '../drizzle/schema/index.ts';
import type { Context } from '../src/context.ts';
import type { Entity } from '../src/entities/entity-store.ts';
import { secondsSince, usable } from './entity.ts';
import type { Metar, Taf } from '../src/sources/weather/types.ts';
import { badUserInput } from './errors.ts';
import { quoted, upperAscii } from './validate.ts';

/** A report as the schema resolves it: the report, and where it came from. */
export interface ReportView<R> {
  report: R;
  source: Entity<unknown>['source'];
  fetchedAt: number;
}

export const MAX_WEATHER_AIRPORTS = 100;

async function report<R>(ctx: Context, what: string, load: Promise<Entity<R>>): Promise<ReportView<R> | null> {
  const entity = usable(ctx, what, await load.catch((err: Error) => err));
  return entity.value ? { report: entity.value, source: entity.source, fetchedAt: entity.fetchedAt } : null;
}

/** The airport's latest METAR; null when it has no ICAO code or its station reports none. */
export function airportWeather(airport: AirportRow, _: unknown, ctx: Context): Promise<ReportView<Metar> | null> | null {
  const station = airport.icao?.trim();
  return station ? report(ctx, `Weather at ${station}`, ctx.loaders.metar.load(station)) : null;
}

/** The airport's current TAF; null when it has no ICAO code or its station issues none. */
export function airportForecast(airport: AirportRow, _: unknown, ctx: Context): Promise<ReportView<Taf> | null> | null {
  const station = airport.icao?.trim();
  return station ? report(ctx, `The forecast for ${station}`, ctx.loaders.taf.load(station)) : null;
}

/**
 * `weather(airports: [...])`: the latest METAR of each airport, in the order asked — null for an
 * airport unknown or without a report. IATA (JFK) and ICAO (KJFK) codes both name airports.
 */
export async function weather(_: unknown, args: { airports: string[] }, ctx: Context): Promise<(ReportView<Metar> | null)[]> {
  if (args.airports.length > MAX_WEATHER_AIRPORTS) {
    throw badUserInput('airports', `Argument "airports" may name at most ${MAX_WEATHER_AIRPORTS} airports; received ${args.airports.length}.`);
  }
  const codes = args.airports.map((code) => {
    const upper = upperAscii(code.trim());
    if (!/^[A-Z0-9]{3,4}$/.test(upper)) {
      throw badUserInput('airports', `Argument "airports" takes IATA (JFK) or ICAO (KJFK) airport codes; received ${quoted(code)}.`);
    }
    return upper;
  });
  const airports = await Promise.all(codes.map((code) => (code.length === 3 ? ctx.loaders.airportByIata : ctx.loaders.airportByIcao).load(code)));
  return Promise.all(airports.map((airport) => (airport ? airportWeather(airport, undefined, ctx) : null)));
}

/** Seconds since the upstream said it. */
export const reportAge = ({ fetchedAt }: ReportView<unknown>) => secondsSince(fetchedAt);

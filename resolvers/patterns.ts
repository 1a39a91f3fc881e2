import type { AirportRow, RouteRow } from '../drizzle/schema/index.ts';
import type { Context } from '../src/context.ts';
import type { FlightPattern, WeatherPattern } from '../src/sql/patterns.ts';
import { badUserInput } from './errors.ts';
import { parseCode, parseOptionalCode } from './validate.ts';

export const DEFAULT_PATTERN_DAYS = 30;
export const MAX_PATTERN_DAYS = 365;

const DAY_MS = 86_400_000;

export interface PatternArgs {
  days: number;
}

export interface FlightPatternArgs extends PatternArgs {
  from: string;
  to: string;
  airline?: string | null;
}

/** A window of 1 to 365 whole days, or BAD_USER_INPUT naming `days`. */
export function parseDays(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > MAX_PATTERN_DAYS) {
    throw badUserInput('days', `Argument "days" must be a whole number of days from 1 to ${MAX_PATTERN_DAYS}; received ${value}.`);
  }
  return value;
}

/** What a key nothing was ever recorded under gets, without a statement. */
function emptyFlightPattern(days: number): FlightPattern {
  const to = new Date();
  const nothing = { onTimeRate: null, meanDelayMinutes: null, p50DelayMinutes: null, p90DelayMinutes: null, cancellationRate: null, diversionRate: null };
  return { days, from: new Date(to.getTime() - days * DAY_MS), to, flights: 0, ...nothing, byHour: [] };
}

function emptyWeatherPattern(days: number): WeatherPattern {
  const to = new Date();
  const categories = { vfr: null, mvfr: null, ifr: null, lifr: null };
  return { days, from: new Date(to.getTime() - days * DAY_MS), to, observations: 0, categories, meanWindKt: null, meanVisibilityM: null };
}

/**
 * `Route.pattern(days)`: the route's airline's flights between its airports. History names
 * airlines by IATA code; the few routes OpenFlights publishes under an ICAO code reach it through
 * their airline (one batched look-up, shared with `Route.airline`).
 */
export async function routePattern(route: RouteRow, args: PatternArgs, ctx: Context): Promise<FlightPattern> {
  const days = parseDays(args.days);
  let airline: string | null = route.airlineCode.length === 2 ? route.airlineCode : null;
  if (airline === null && route.airlineId !== null) airline = (await ctx.loaders.airlineById.load(route.airlineId))?.iata?.trim() || null;
  // Without an IATA code the airline cannot be told apart in history: nothing to count.
  if (airline === null) return emptyFlightPattern(days);
  return ctx.loaders.flightPattern.load({ key: { origin: route.originCode, destination: route.destinationCode, airline }, days });
}

/** `flightPattern(from, to, airline, days)`: every airline's flights on the route unless `airline` names one. */
export function flightPattern(_: unknown, args: FlightPatternArgs, ctx: Context): Promise<FlightPattern> {
  const origin = parseCode('airportIata', 'from', args.from);
  const destination = parseCode('airportIata', 'to', args.to);
  const airline = parseOptionalCode('airlineIata', 'airline', args.airline) ?? null;
  const days = parseDays(args.days);
  return ctx.loaders.flightPattern.load({ key: { origin, destination, airline }, days });
}

/** `Airport.weatherPattern(days)`: its station's reports; none for an airport without an ICAO code. */
export async function airportWeatherPattern(airport: AirportRow, args: PatternArgs, ctx: Context): Promise<WeatherPattern> {
  const days = parseDays(args.days);
  const station = airport.icao?.trim();
  return station ? ctx.loaders.weatherPattern.load({ key: station, days }) : emptyWeatherPattern(days);
}

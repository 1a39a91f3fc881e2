import type { RouteRow } from '../drizzle/schema/index.ts';
import { limitCacheAge, type Context } from '../src/context.ts';
import type { Entity } from '../src/entities/entity-store.ts';
import { secondsSince, usable } from './entity.ts';
import { flightTag, routeTag } from '../src/entities/flights.ts';
import { parseFlightDate, parseFlightNumber } from '../src/sources/flights/flight-number.ts';
import type { FlightStatus } from '../src/sources/flights/types.ts';
import { utcToZonedWallClock } from '../src/sources/zoned-time.ts';
import { badUserInput } from './errors.ts';
import { paginate, type ConnectionArgs } from './pagination.ts';
import { parseCode, quoted } from './validate.ts';

/** A flight as the schema resolves it: the status, and where it came from. */
export interface FlightView {
  flight: FlightStatus;
  source: Entity<unknown>['source'];
  fetchedAt: number;
}

const DAY_MS = 86_400_000;

/** A flight number as the upstream names flights, or BAD_USER_INPUT naming the argument. */
export function parseNumberArg(argumentName: string, value: string): string {
  const parsed = parseFlightNumber(value);
  if (!parsed) throw badUserInput(argumentName, `Argument "${argumentName}" must be a flight number such as "BA117" (airline code, then 1 to 4 digits); received ${quoted(value)}.`);
  return parsed.iata ?? parsed.icao!;
}

/**
 * A flight date within what the upstream can answer: from `pastDays` before today to
 * `futureDays` after it. "Today" differs across the world's zones by up to a day either way, so
 * the window is counted from UTC's today with that day of slack.
 */
export function parseDateArg(argumentName: string, value: string, ctx: Context): string {
  const date = parseFlightDate(value);
  if (!date) throw badUserInput(argumentName, `Argument "${argumentName}" must be a date as yyyy-mm-dd; received ${quoted(value)}.`);
  const { pastDays, futureDays } = ctx.flightDates;
  const today = Math.floor(Date.now() / DAY_MS);
  const day = Date.parse(`${date}T00:00:00Z`) / DAY_MS;
  if (day < today - pastDays - 1 || day > today + futureDays + 1) {
    const first = new Date((today - pastDays) * DAY_MS).toISOString().slice(0, 10);
    const last = new Date((today + futureDays) * DAY_MS).toISOString().slice(0, 10);
    throw badUserInput(argumentName, `Argument "${argumentName}" must be within the dates flight data covers, ${first} to ${last} (${pastDays} days back, ${futureDays} ahead); received ${date}.`);
  }
  return date;
}

function view(entity: Entity<unknown>, flight: FlightStatus): FlightView {
  return { flight, source: entity.source, fetchedAt: entity.fetchedAt };
}

async function loadFlight(ctx: Context, number: string, date: string): Promise<FlightView | null> {
  // Whatever the answer — null included — it is about this number: a push for it invalidates it.
  ctx.cacheTags.add(flightTag(number, date));
  const entity = usable(ctx, `Flight ${number} on ${date}`, await ctx.loaders.flightStatus.load({ number, date }).catch((err: Error) => err));
  const flight = entity.value;
  if (!flight) return null;
  if (!flight.codeshared) return view(entity, flight);
  // A marketing number: the operating flight is the one that flies, and carries the status.
  const operating = flight.codeshared.number.toUpperCase();
  if (operating === number) return view(entity, flight);
  return loadFlight(ctx, operating, date);
}

/** `flight(number, date)`: the operating flight (a marketing number resolves to it); null when there is no such flight. */
export function flight(_: unknown, args: { number: string; date: string }, ctx: Context): Promise<FlightView | null> {
  return loadFlight(ctx, parseNumberArg('number', args.number), parseDateArg('date', args.date, ctx));
}

/** A route's operating flights of a day, each once, by scheduled departure. */
async function routeDay(ctx: Context, from: string, to: string, date: string): Promise<FlightView[]> {
  ctx.cacheTags.add(routeTag(from, to));
  const entity = usable(ctx, `Flights from ${from} to ${to} on ${date}`, await ctx.loaders.routeFlights.load({ from, to, date }).catch((err: Error) => err));
  return (entity.value ?? [])
    .filter((f) => !f.codeshared)
    .sort((a, b) => (a.origin.scheduled?.getTime() ?? 0) - (b.origin.scheduled?.getTime() ?? 0) || a.number.localeCompare(b.number))
    .map((f) => view(entity, f));
}

/** A flight's place in a day's listing: departure time, then number (flight numbers are not ids). */
const positionOf = (v: FlightView) => [`${v.flight.origin.scheduled?.toISOString() ?? ''} ${v.flight.number}`, 0] as const;

export async function flights(_: unknown, args: ConnectionArgs & { from: string; to: string; date: string }, ctx: Context) {
  const from = parseCode('airportIata', 'from', args.from);
  const to = parseCode('airportIata', 'to', args.to);
  const date = parseDateArg('date', args.date, ctx);
  return paginate(args, `flights:${from}-${to}:${date}`, positionOf, async (page) => {
    const all = await routeDay(ctx, from, to, date);
    const after = page.after?.[0];
    const before = page.before?.[0];
    const within = all.filter((v) => {
      const at = positionOf(v)[0];
      return (after === undefined || at > after) && (before === undefined || at < before);
    });
    return page.inverted ? within.slice(-page.limit).reverse() : within.slice(0, page.limit);
  });
}

/** `Route.flights(date)`: the route's airline's operating flights on that day. */
export async function routeFlights(route: RouteRow, args: { date: string }, ctx: Context): Promise<FlightView[]> {
  const date = parseDateArg('date', args.date, ctx);
  const day = await routeDay(ctx, route.originCode, route.destinationCode, date);
  return day.filter((v) => v.flight.airline.iata === route.airlineCode);
}

/** The marketing numbers sold on this flight, from its route's listing of the day. */
export async function codeshares({ flight }: FlightView, _: unknown, ctx: Context): Promise<string[]> {
  const from = flight.origin.iata;
  const to = flight.destination.iata;
  if (!from || !to) return [];
  const entity = await ctx.loaders.routeFlights.load({ from, to, date: flight.date }).catch((err: Error) => err);
  // Without the route's listing the list is unknown, not empty: say [] but keep it out of the cache.
  if (entity instanceof Error) {
    limitCacheAge(ctx, 0);
    return [];
  }
  usable(ctx, 'Codeshares', entity);
  if (!entity.value) return [];
  return entity.value
    .filter((f) => f.codeshared && f.codeshared.number.toUpperCase() === flight.number)
    .map((f) => f.number)
    .sort();
}

export const flightAirline = ({ flight }: FlightView, _: unknown, ctx: Context) =>
  flight.airline.iata ? ctx.loaders.airlineByCode.load(flight.airline.iata) : null;
export const flightOrigin = ({ flight }: FlightView, _: unknown, ctx: Context) =>
  flight.origin.iata ? ctx.loaders.airportByIata.load(flight.origin.iata) : null;
export const flightDestination = ({ flight }: FlightView, _: unknown, ctx: Context) =>
  flight.destination.iata ? ctx.loaders.airportByIata.load(flight.destination.iata) : null;

/** An instant as the wall clock at the airport reads it (`2026-11-21T08:05:00`), or null. */
export function localTime(instant: Date | null, zone: string | null): string | null {
  return instant && zone ? utcToZonedWallClock(instant, zone) : null;
}

/** Seconds since the upstream said it (0 for a fresh answer). */
export const dataAge = ({ fetchedAt }: FlightView) => secondsSince(fetchedAt);

export interface FlightStatusInput {
  number: string;
  date: string;
  from: string;
  to: string;
  status: FlightStatus['status'];
  scheduledDeparture: Date;
  estimatedDeparture?: Date | null;
  actualDeparture?: Date | null;
  scheduledArrival?: Date | null;
  estimatedArrival?: Date | null;
  actualArrival?: Date | null;
  departureDelayMinutes?: number | null;
  arrivalDelayMinutes?: number | null;
  terminal?: string | null;
  gate?: string | null;
  arrivalTerminal?: string | null;
  arrivalGate?: string | null;
}

const MAX_DELAY_MINUTES = 7 * 24 * 60;

function delayArg(name: string, value: number | null | undefined): number | null {
  if (value == null) return null;
  if (!Number.isInteger(value) || value < 0 || value > MAX_DELAY_MINUTES) {
    throw badUserInput(`input.${name}`, `"input.${name}" must be whole minutes from 0 to ${MAX_DELAY_MINUTES}; received ${value}.`);
  }
  return value;
}

function shortText(name: string, value: string | null | undefined): string | null {
  if (value == null || value.trim() === '') return null;
  if (value.length > 10 || /[\u0000-\u001f\u007f]/.test(value)) throw badUserInput(`input.${name}`, `"input.${name}" must be at most 10 plain characters, like "5" or "B32".`);
  return value.trim();
}

/**
 * `ingestFlightStatus` (services only): a pushed status, validated as strictly as an upstream's
 * answer, persisted, and every cached answer with the flight or its route invalidated before
 * the mutation answers.
 */
export async function ingestFlightStatus(_: unknown, { input }: { input: FlightStatusInput }, ctx: Context): Promise<FlightView> {
  const number = parseNumberArg('input.number', input.number);
  if (!/^[A-Z0-9]{2}\d/.test(number)) throw badUserInput('input.number', `"input.number" must be an IATA flight number such as "BA117"; received ${quoted(input.number)}.`);
  const date = parseDateArg('input.date', input.date, ctx);
  const from = parseCode('airportIata', 'input.from', input.from);
  const to = parseCode('airportIata', 'input.to', input.to);
  const [origin, destination, airline] = await Promise.all([
    ctx.loaders.airportByIata.load(from),
    ctx.loaders.airportByIata.load(to),
    ctx.loaders.airlineByCode.load(number.slice(0, 2)),
  ]);
  if (!origin) throw badUserInput('input.from', `No airport has the IATA code ${from}.`);
  if (!destination) throw badUserInput('input.to', `No airport has the IATA code ${to}.`);
  // The date names the flight with its number: a departure on another local day is another flight.
  const departsOn = origin.timezone ? utcToZonedWallClock(input.scheduledDeparture, origin.timezone).slice(0, 10) : date;
  if (departsOn !== date) {
    throw badUserInput('input.scheduledDeparture', `"input.scheduledDeparture" is on ${departsOn} at ${from}, local time; "input.date" says ${date}.`);
  }
  const end = (row: typeof origin, times: { scheduled: Date | null; estimated?: Date | null; actual?: Date | null }, delay: number | null, terminal: string | null, gate: string | null) => ({
    iata: row.iata,
    icao: row.icao,
    timeZone: row.timezone,
    terminal,
    gate,
    baggage: null,
    delayMinutes: delay,
    scheduled: times.scheduled,
    estimated: times.estimated ?? null,
    actual: times.actual ?? null,
    estimatedRunway: null,
    actualRunway: null,
  });
  const flight: FlightStatus = {
    number,
    icaoNumber: null,
    date,
    airline: { iata: number.slice(0, 2), icao: airline?.icao ?? null, name: airline?.name ?? null },
    origin: end(origin, { scheduled: input.scheduledDeparture, estimated: input.estimatedDeparture, actual: input.actualDeparture }, delayArg('departureDelayMinutes', input.departureDelayMinutes), shortText('terminal', input.terminal), shortText('gate', input.gate)),
    destination: end(destination, { scheduled: input.scheduledArrival ?? null, estimated: input.estimatedArrival, actual: input.actualArrival }, delayArg('arrivalDelayMinutes', input.arrivalDelayMinutes), shortText('arrivalTerminal', input.arrivalTerminal), shortText('arrivalGate', input.arrivalGate)),
    status: input.status,
    aircraft: null,
    codeshared: null,
  };
  await ctx.ingestFlight(flight);
  return { flight, source: 'upstream', fetchedAt: Date.now() };
}

import { FlightsApiError, FlightsFormatError } from './errors.ts';
import { parseFlightDate, parseFlightNumber } from './flight-number.ts';
import { airportZone, delayMinutes, UnreadableTimeError, upstreamInstant } from './aviationstack-time.ts';
import { wireError, wireFlightsPage, type WireEndpoint, type WireFlight, type WirePagination } from './aviationstack-body.ts';
import type { FlightCodeshare, FlightEndpoint, FlightStatus } from './types.ts';

/**
 * AviationStack `/v1/flights`: the query parameters we send and the bodies we get back, as pure
 * functions. The HTTP client adds `access_key` and does the request.
 */

/** Query parameters, ready for URLSearchParams. */
export type QueryParams = Record<string, string>;

/** The largest page AviationStack serves (and the most a free plan may ask for). */
export const FLIGHTS_PAGE_LIMIT = 100;

export type FlightsPagination = WirePagination;

export interface FlightsPage {
  pagination: FlightsPagination;
  flights: FlightStatus[];
  /** Records dropped because they have no IATA flight number, which is how Contrail names a flight. */
  skipped: number;
}

function flightDate(date: string): string {
  const valid = parseFlightDate(date);
  if (valid === null) throw new RangeError(`expected a flight date like 2026-11-21, received ${JSON.stringify(date)}`);
  return valid;
}

function airportCode(code: string): string {
  const upper = code.trim().toUpperCase();
  if (!/^[A-Z]{3}$/.test(upper)) throw new RangeError(`expected an IATA airport code like JFK, received ${JSON.stringify(code)}`);
  return upper;
}

/** One flight on one day: `{flight_iata, flight_date}` (or `flight_icao` for "BAW117"). */
export function flightQuery({ number, date }: { number: string; date: string }): QueryParams {
  const parsed = parseFlightNumber(number);
  if (parsed === null) throw new RangeError(`expected a flight number like BA117, received ${JSON.stringify(number)}`);
  return parsed.iata !== null ? { flight_iata: parsed.iata, flight_date: flightDate(date) } : { flight_icao: parsed.icao!, flight_date: flightDate(date) };
}

/** Every flight between two airports on one day: `{dep_iata, arr_iata, flight_date}`. */
export function routeQuery({ from, to, date }: { from: string; to: string; date: string }): QueryParams {
  return { dep_iata: airportCode(from), arr_iata: airportCode(to), flight_date: flightDate(date) };
}

/** The page starting at `offset`, FLIGHTS_PAGE_LIMIT records long. */
export function pageParams(offset = 0): QueryParams {
  if (!Number.isInteger(offset) || offset < 0) throw new RangeError(`expected a non-negative integer offset, received ${offset}`);
  return { limit: String(FLIGHTS_PAGE_LIMIT), offset: String(offset) };
}

/**
 * The offset of the next page, or null when this page was the last. `total` is not trusted alone:
 * a page that is empty or shorter than its limit ends the listing even when `total` claims more,
 * so a server that overstates it cannot keep a caller paging forever. Reaching `total` ends it too,
 * which saves the extra request for an empty page when the count is a multiple of the limit.
 */
export function nextOffset(pagination: FlightsPagination): number | null {
  const { limit, offset, count, total } = pagination;
  if (count === 0 || count < limit) return null;
  const next = offset + count;
  return next >= total ? null : next;
}

/**
 * A `/v1/flights` body as Contrail's flight statuses.
 *
 * @param timeZoneOf our airport table's IANA zone for an IATA code, used when the body names none.
 * @throws FlightsApiError for an `{"error": ...}` body, whatever the HTTP status was.
 * @throws FlightsFormatError for a body of any other unknown shape.
 */
export function parseFlightsBody(body: unknown, timeZoneOf: (iata: string) => string | null): FlightsPage {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const error = wireError.safeParse(body);
    if (!error.success) throw new FlightsFormatError(`AviationStack sent an error body of unknown shape: ${JSON.stringify(body).slice(0, 300)}`);
    const { code, type, message, info } = error.data.error;
    throw new FlightsApiError(typeof code === 'string' ? code : (type ?? String(code ?? 'unknown')), message ?? info ?? '');
  }
  const page = wireFlightsPage.safeParse(body);
  if (!page.success) {
    throw new FlightsFormatError(`AviationStack sent a flights body of unknown shape: ${page.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const flights: FlightStatus[] = [];
  page.data.data.forEach((record, index) => {
    const flight = toFlightStatus(record, index, timeZoneOf);
    if (flight !== null) flights.push(flight);
  });
  return { pagination: page.data.pagination, flights, skipped: page.data.data.length - flights.length };
}

function toFlightStatus(record: WireFlight, index: number, timeZoneOf: (iata: string) => string | null): FlightStatus | null {
  const airlineIata = upper(record.airline?.iata ?? null);
  const number = parseFlightNumber(record.flight.iata ?? '')?.iata ?? parseFlightNumber(`${airlineIata ?? ''}${record.flight.number ?? ''}`)?.iata ?? null;
  if (number === null) return null;
  const date = parseFlightDate(record.flight_date);
  if (date === null) throw new FlightsFormatError(`data[${index}].flight_date: expected yyyy-mm-dd, received ${JSON.stringify(record.flight_date)}`);
  try {
    return {
      number,
      icaoNumber: upper(record.flight.icao),
      date,
      airline: { iata: airlineIata, icao: upper(record.airline?.icao ?? null), name: record.airline?.name ?? null },
      origin: toEndpoint(record.departure, timeZoneOf),
      destination: toEndpoint(record.arrival, timeZoneOf),
      status: record.flight_status,
      aircraft: record.aircraft && Object.values(record.aircraft).some((v) => v !== null) ? record.aircraft : null,
      codeshared: toCodeshare(record.flight.codeshared),
    };
  } catch (err) {
    if (err instanceof UnreadableTimeError) throw new FlightsFormatError(`data[${index}] (${number}): ${err.message}`, { cause: err });
    throw err;
  }
}

function toEndpoint(wire: WireEndpoint, timeZoneOf: (iata: string) => string | null): FlightEndpoint {
  const iata = upper(wire.iata);
  const timeZone = airportZone(wire.timezone, iata, timeZoneOf);
  const at = (value: string | null) => upstreamInstant(value, timeZone);
  const scheduled = at(wire.scheduled);
  const estimated = at(wire.estimated);
  const actual = at(wire.actual);
  return {
    iata,
    icao: upper(wire.icao),
    timeZone,
    terminal: wire.terminal,
    gate: wire.gate,
    baggage: wire.baggage,
    delayMinutes: delayMinutes(wire.delay, scheduled, estimated, actual),
    scheduled,
    estimated,
    actual,
    estimatedRunway: at(wire.estimated_runway),
    actualRunway: at(wire.actual_runway),
  };
}

// AviationStack sends codeshare codes in lower case ("airline_iata": "ib", "flight_iata": "ib3314").
function toCodeshare(wire: WireFlight['flight']['codeshared']): FlightCodeshare | null {
  if (wire === null) return null;
  const parsed = parseFlightNumber(wire.flight_iata ?? '') ?? parseFlightNumber(`${wire.airline_iata ?? ''}${wire.flight_number ?? ''}`);
  if (parsed?.iata == null) return null;
  return { number: parsed.iata, airlineIata: upper(wire.airline_iata) ?? parsed.airline };
}

function upper(value: string | null): string | null {
  return value === null ? null : value.trim().toUpperCase();
}

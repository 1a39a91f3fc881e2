import type { Answer } from './answer.ts';
import { flightIata, record } from './aviationstack-record.ts';
import { viewFlight, type FlightStatus, type FlightView } from './flights.ts';
import type { FlightTemplate, Timetable } from './schedule.ts';
import { addDays, isCalendarDate, localDate, utcDate } from './time.ts';
import type { IndexedWorld } from './world.ts';

export interface AviationStackOptions {
  /** Keys accepted; any other answers 401 invalid_access_key. Default: any non-empty key. */
  accessKeys?: readonly string[];
  /** Largest `limit` (100 below the Professional plan). Default: 100. */
  maxLimit?: number;
  /** How far back `flight_date` answers (history backfill). Default: 365 days. */
  pastDays?: number;
  /** How far ahead `flight_date` answers, as scheduled. Default: 7 days. */
  futureDays?: number;
}

const STATUSES: readonly FlightStatus[] = ['scheduled', 'active', 'landed', 'cancelled', 'incident', 'diverted'];
const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8' };

// The error bodies and statuses AviationStack documents (aviationstack.com/documentation, "API Errors").
const ERRORS = {
  missing_access_key: [401, 'You have not supplied an API Access Key. [Required format: access_key=YOUR_ACCESS_KEY]'],
  invalid_access_key: [401, 'You have not supplied a valid API Access Key. [Technical Support: support@apilayer.com]'],
  usage_limit_reached: [429, 'Your monthly usage limit has been reached. Please upgrade your Subscription Plan.'],
  rate_limit_reached: [429, 'You have exceeded the maximum rate limitation allowed on your subscription plan.'],
  invalid_api_function: [404, 'This API Function does not exist.'],
  internal_error: [500, 'An internal error occurred.'],
} as const;

export type AviationStackErrorCode = keyof typeof ERRORS;

export function aviationStackError(code: AviationStackErrorCode): Answer {
  const [status, message] = ERRORS[code];
  return { status, headers: JSON_HEADERS, body: JSON.stringify({ error: { code, message } }) };
}

/**
 * `GET /v1/flights` as AviationStack answers it: one record per flight number and date
 * (codeshares are records of their own), paged with limit/offset, local times labelled
 * `+00:00`. Without `flight_date`, each flight's local today at its origin.
 */
export function createAviationStack(world: IndexedWorld, timetable: Timetable, options: AviationStackOptions = {}) {
  const accessKeys = options.accessKeys ? new Set(options.accessKeys) : null;
  const maxLimit = options.maxLimit ?? 100;
  const pastDays = options.pastDays ?? 365;
  const futureDays = options.futureDays ?? 7;

  function flights(query: URLSearchParams, nowMs: number): Answer {
    const key = query.get('access_key');
    if (!key) return aviationStackError('missing_access_key');
    if (accessKeys && !accessKeys.has(key)) return aviationStackError('invalid_access_key');

    const problems = validate(query, maxLimit);
    if (Object.keys(problems).length) return validationError(problems);

    const limit = query.has('limit') ? Number(query.get('limit')) : maxLimit;
    const offset = query.has('offset') ? Number(query.get('offset')) : 0;
    const date = query.get('flight_date');
    const today = utcDate(nowMs);
    const inWindow = (d: string) => d >= addDays(today, -pastDays) && d <= addDays(today, futureDays);

    const legs: { template: FlightTemplate; date: string; departureUtc: number }[] = [];
    for (const template of candidates(query)) {
      const flightDate = date ?? localDate(template.origin.timezone, nowMs);
      if (!inWindow(flightDate) || !matchesTemplate(template, query)) continue;
      legs.push({ template, date: flightDate, departureUtc: timetable.legOn(template, flightDate).departureUtc });
    }
    legs.sort((a, b) => a.departureUtc - b.departureUtc || compare(flightIata(a.template), flightIata(b.template)));
    const view = (leg: (typeof legs)[number]) => viewFlight(timetable, leg.template, leg.date, nowMs);
    // Status and delay filters need every flight's view; without them only the page's are built,
    // which keeps a hub's departures board (thousands of flights) fast.
    const byView = VIEW_FILTERS.some((name) => query.get(name));
    const views = byView ? legs.map(view).filter((v) => matchesView(v, query)) : null;
    const total = views ? views.length : legs.length;
    const page = views ? views.slice(offset, offset + limit) : legs.slice(offset, offset + limit).map(view);
    const body = { pagination: { limit, offset, count: page.length, total }, data: page.map(record) };
    return { status: 200, headers: JSON_HEADERS, body: JSON.stringify(body) };
  }

  /** The smallest set of numbers the query can match; the filters then narrow it. */
  function candidates(query: URLSearchParams): FlightTemplate[] {
    const flightIata = upper(query.get('flight_iata'));
    if (flightIata) {
      const match = /^([A-Z0-9]{2})(\d{1,4})$/.exec(flightIata);
      const template = match ? timetable.byNumber(match[1]!, Number(match[2])) : undefined;
      return template ? [template] : [];
    }
    const flightIcao = upper(query.get('flight_icao'));
    if (flightIcao) {
      const match = /^([A-Z]{3})(\d{1,4})$/.exec(flightIcao);
      const airline = match ? world.airlinesByIcao.get(match[1]!) : undefined;
      const template = airline ? timetable.byNumber(airline.iata, Number(match![2])) : undefined;
      return template ? [template] : [];
    }
    const dep = airportCode(query, 'dep');
    const arr = airportCode(query, 'arr');
    if (dep === null || arr === null) return [];
    if (dep && arr) return timetable.between(dep, arr);
    if (dep) return timetable.departingFrom(dep);
    if (arr) return timetable.arrivingAt(arr);
    const airline = airlineCode(query);
    if (airline === null) return [];
    if (airline) return [...timetable.flightsOf(airline)];
    return timetable.all();
  }

  /** The IATA code the dep_/arr_ parameters name; '' when absent, null when unknown. */
  function airportCode(query: URLSearchParams, side: 'dep' | 'arr'): string | null {
    const iata = upper(query.get(`${side}_iata`));
    const icao = upper(query.get(`${side}_icao`));
    const byIcao = icao ? (world.stations.get(icao)?.iata ?? null) : '';
    if (iata && byIcao && iata !== byIcao) return null;
    return iata || byIcao;
  }

  function airlineCode(query: URLSearchParams): string | null {
    const iata = upper(query.get('airline_iata'));
    if (iata) return world.airlines.has(iata) ? iata : null;
    const icao = upper(query.get('airline_icao'));
    if (icao) return world.airlinesByIcao.get(icao)?.iata ?? null;
    return '';
  }

  return { flights };
}

function validate(query: URLSearchParams, maxLimit: number): Record<string, { key: string; message: string }[]> {
  const problems: Record<string, { key: string; message: string }[]> = {};
  const date = query.get('flight_date');
  if (date !== null && !isCalendarDate(date)) {
    problems.flight_date = [{ key: 'invalid_flight_date', message: 'The flight date must be a valid date in the format YYYY-MM-DD.' }];
  }
  const limit = query.get('limit');
  if (limit !== null && !(/^\d+$/.test(limit) && Number(limit) >= 1 && Number(limit) <= maxLimit)) {
    problems.limit = [{ key: 'invalid_limit', message: `The limit must be an integer between 1 and ${maxLimit}.` }];
  }
  const offset = query.get('offset');
  if (offset !== null && !/^\d+$/.test(offset)) {
    problems.offset = [{ key: 'invalid_offset', message: 'The offset must be a non-negative integer.' }];
  }
  const status = query.get('flight_status');
  if (status !== null && !STATUSES.includes(status as FlightStatus)) {
    problems.flight_status = [{ key: 'invalid_flight_status', message: `The flight status must be one of: ${STATUSES.join(', ')}.` }];
  }
  for (const name of ['min_delay_dep', 'max_delay_dep', 'min_delay_arr', 'max_delay_arr']) {
    const value = query.get(name);
    if (value !== null && !/^\d+$/.test(value)) problems[name] = [{ key: `invalid_${name}`, message: `The ${name} must be a number of minutes.` }];
  }
  return problems;
}

/**
 * The documented `validation_error` body. Its HTTP status is not documented; 422 is what
 * apilayer's sibling APIs use for it.
 */
function validationError(context: Record<string, { key: string; message: string }[]>): Answer {
  const body = { error: { code: 'validation_error', message: 'Request failed with validation error', context } };
  return { status: 422, headers: JSON_HEADERS, body: JSON.stringify(body) };
}

const VIEW_FILTERS = ['flight_status', 'min_delay_dep', 'max_delay_dep', 'min_delay_arr', 'max_delay_arr'];

function equalTo(query: URLSearchParams, name: string, actual: string | null): boolean {
  const wanted = query.get(name);
  return !wanted || wanted.toUpperCase() === (actual ?? '').toUpperCase();
}

function matchesTemplate(t: FlightTemplate, query: URLSearchParams): boolean {
  return (
    equalTo(query, 'flight_number', String(t.number)) &&
    equalTo(query, 'airline_iata', t.airline.iata) &&
    equalTo(query, 'airline_icao', t.airline.icao) &&
    equalTo(query, 'airline_name', t.airline.name) &&
    equalTo(query, 'dep_iata', t.origin.iata) &&
    equalTo(query, 'arr_iata', t.destination.iata) &&
    equalTo(query, 'dep_icao', t.origin.icao) &&
    equalTo(query, 'arr_icao', t.destination.icao)
  );
}

function matchesView(view: FlightView, query: URLSearchParams): boolean {
  const atLeast = (name: string, delay: number | null) => !query.get(name) || (delay ?? 0) >= Number(query.get(name));
  const atMost = (name: string, delay: number | null) => !query.get(name) || (delay ?? 0) <= Number(query.get(name));
  return (
    equalTo(query, 'flight_status', view.status) &&
    atLeast('min_delay_dep', view.departure.delay) &&
    atMost('max_delay_dep', view.departure.delay) &&
    atLeast('min_delay_arr', view.arrival.delay) &&
    atMost('max_delay_arr', view.arrival.delay)
  );
}

const upper = (value: string | null) => (value ?? '').trim().toUpperCase();
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

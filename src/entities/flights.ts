import type { FlightKey, Observed, RouteDayKey } from '../history/flights.ts';
import { reviveFlight } from '../history/flights.ts';
import type { FlightSource } from '../sources/flights/source.ts';
import type { FlightStatus } from '../sources/flights/types.ts';
import type { EntityKind } from './entity-store.ts';

export const flightTag = (number: string, date: string) => `Flight:${number}:${date}`;
export const routeTag = (from: string, to: string) => `Route:${from}-${to}`;

/** What the flight kinds need besides the upstream: history to write to and fall back on. */
export interface FlightHistory {
  record(flights: FlightStatus[]): void;
  latest(keys: FlightKey[]): Promise<Map<string, Observed<FlightStatus>>>;
  routeDays(keys: RouteDayKey[]): Promise<Map<string, Observed<FlightStatus[]>>>;
}

/** Per-call outcomes: one key's failed call does not fail the others'. */
async function eachKey<K, V>(keys: K[], id: (key: K) => string, call: (key: K) => Promise<V>): Promise<Map<string, V | Error>> {
  const settled = await Promise.allSettled(keys.map(call));
  return new Map(keys.map((key, i) => [id(key), settled[i]!.status === 'fulfilled' ? settled[i]!.value : (settled[i]!.reason as Error)]));
}

/**
 * The record a flight number names: the operating flight when the number is its own, else
 * the marketing record (whose `codeshared` names the operating flight).
 */
function recordOf(number: string, records: FlightStatus[]): FlightStatus | null {
  const own = records.filter((r) => r.number === number || r.icaoNumber === number);
  return own.find((r) => !r.codeshared) ?? own[0] ?? null;
}

/**
 * The status of one flight on one date. AviationStack answers one flight per call, so a batch
 * is as many calls, in parallel — each of them saved for 60 s for every request and instance.
 */
export function flightStatusKind(source: FlightSource, history: FlightHistory): EntityKind<FlightKey, FlightStatus> {
  return {
    name: 'flight',
    id: (k) => `${k.number}:${k.date}`,
    ttlMs: 60_000,
    graceMs: 5 * 60_000,
    // Under every number it goes by: the one asked for, its own, and the operating flight's.
    tags: (k, v) => [...new Set([k.number, v?.number, v?.codeshared?.number.toUpperCase()].filter((n): n is string => !!n).map((n) => flightTag(n, k.date)))],
    fetch: (keys) =>
      eachKey(keys, (k) => `${k.number}:${k.date}`, async (k) => recordOf(k.number, await source.byNumber(k.number, k.date))),
    revive: reviveFlight,
    persist: (flights) => history.record(flights),
    fallback: (keys) => history.latest(keys),
  };
}

/** Every flight of a route on a date, operating and marketing records both: 300 s. */
export function routeFlightsKind(source: FlightSource, history: FlightHistory): EntityKind<RouteDayKey, FlightStatus[]> {
  return {
    name: 'route-flights',
    id: (k) => `${k.from}-${k.to}:${k.date}`,
    ttlMs: 300_000,
    graceMs: 15 * 60_000,
    tags: (k) => [routeTag(k.from, k.to)],
    fetch: (keys) => eachKey(keys, (k) => `${k.from}-${k.to}:${k.date}`, (k) => source.byRoute(k.from, k.to, k.date)),
    revive: (value) => (value as unknown[]).map(reviveFlight),
    persist: (days) => history.record(days.flat()),
    fallback: (keys) => history.routeDays(keys),
  };
}

/**
 * What a route's day says about each flight on it: the record each number names (the
 * operating one for its own number, the marketing one for a codeshare number).
 */
export function statusesOfDay(flights: FlightStatus[]): FlightStatus[] {
  const numbers = [...new Set(flights.map((f) => f.number))];
  return numbers.map((number) => recordOf(number, flights)!);
}

import { unit } from './random.ts';
import { DAY_MS, HOUR_MS } from './time.ts';

export interface Place {
  /** A stable id: the ICAO code, or the IATA code for an airport without one. */
  key: string;
  latitude: number;
  longitude: number;
}

// How often a place has a bad day of its own (thunderstorms, a system outage, a strike) and how
// often its whole region does (a winter storm crossing ~800 km cells).
const LOCAL_BAD_DAY = 0.05;
const REGIONAL_BAD_DAY = 0.035;
const REGION_DEGREES = 8;
// A storm lingers: part of a bad day's severity carries into the next.
const CARRY_OVER = 0.5;

/**
 * How disrupted a place is at an instant, 0 (a normal day) to 1 (the worst): shared by every
 * flight and weather report there, so bad days come in bursts — fog, low ceilings, delays and
 * cancellations together — and neighbouring airports suffer together.
 */
export function disruptionAt(place: Place, utcMs: number): number {
  // Knots at each UTC noon, linear between: weather does not jump at midnight.
  const position = (utcMs - 12 * HOUR_MS) / DAY_MS;
  const day = Math.floor(position);
  const f = position - day;
  return severityOn(place, day) * (1 - f) + severityOn(place, day + 1) * f;
}

function severityOn(place: Place, day: number): number {
  const today = Math.max(localSeverity(place, day), regionalSeverity(place, day));
  const yesterday = Math.max(localSeverity(place, day - 1), regionalSeverity(place, day - 1));
  return Math.max(today, yesterday * CARRY_OVER);
}

function localSeverity(place: Place, day: number): number {
  return spike(unit('bad-day', place.key, day), LOCAL_BAD_DAY);
}

function regionalSeverity(place: Place, day: number): number {
  const cell = `${Math.floor(place.latitude / REGION_DEGREES)}:${Math.floor(place.longitude / REGION_DEGREES)}`;
  return spike(unit('bad-region', cell, day), REGIONAL_BAD_DAY);
}

/** 0 most of the time; with probability p, a severity spread over (0.3, 1]. */
function spike(u: number, p: number): number {
  if (u < 1 - p) return 0;
  return 0.3 + (0.7 * (u - (1 - p))) / p;
}

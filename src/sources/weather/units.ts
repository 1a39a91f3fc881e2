/** Unit conversions for reports, and reading aviationweather.gov's visibility values. */

/** Exactly, by the 1959 international yard. */
export const METERS_PER_STATUTE_MILE = 1609.344;
const HPA_PER_INHG = 33.8639;

/**
 * A visibility in the unit it was reported in. Flight categories are defined in statute miles, so
 * they are computed from `sm` as reported, never from a rounded conversion (3 SM is 4828 m, which
 * converted back is just under 3 SM: IFR instead of MVFR).
 */
export interface VisibilityReading {
  unit: 'SM' | 'm';
  sm: number;
  meters: number;
  orMore: boolean;
}

export function visibilityInMiles(sm: number, orMore: boolean): VisibilityReading {
  return { unit: 'SM', sm, meters: Math.round(sm * METERS_PER_STATUTE_MILE), orMore };
}

/** Metric visibility; "9999" is the code for 10 km or more, so it reads as ≥ 10000 m. */
export function visibilityInMeters(meters: number, orMore: boolean): VisibilityReading {
  const tenKmOrMore = meters >= 9999;
  const value = tenKmOrMore ? 10_000 : meters;
  return { unit: 'm', sm: value / METERS_PER_STATUTE_MILE, meters: value, orMore: orMore || tenKmOrMore };
}

/**
 * aviationweather.gov's `visib`, always statute miles: a number (1.5), a numeric string ("1.5",
 * "1/2", "1 1/2"), or a floor ("10+", "6+"). Null when absent or unreadable.
 */
export function readAwcVisibility(value: number | string | null): VisibilityReading | null {
  if (value === null) return null;
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? visibilityInMiles(value, false) : null;
  const text = value.trim();
  const floor = /^(\d+(?:\.\d+)?)\+$/.exec(text);
  if (floor) return visibilityInMiles(Number(floor[1]), true);
  const fraction = /^(?:(\d+) )?(\d+)\/(\d+)$/.exec(text);
  if (fraction && Number(fraction[3]) > 0) return visibilityInMiles(Number(fraction[1] ?? 0) + Number(fraction[2]) / Number(fraction[3]), false);
  if (/^\d+(?:\.\d+)?$/.test(text)) return visibilityInMiles(Number(text), false);
  return null;
}

/** Knots from a report's speed unit (Russia and China report in m/s; a few stations in km/h). */
export function knots(speed: number, unit: string): number {
  if (unit === 'MPS') return Math.round(speed * 1.943844);
  if (unit === 'KM/H') return Math.round(speed / 1.852);
  return speed;
}

/** Hectopascals from inches of mercury, to 0.1 hPa (A3012 → 1020.0). */
export function hectopascals(inHg: number): number {
  return Math.round(inHg * HPA_PER_INHG * 10) / 10;
}

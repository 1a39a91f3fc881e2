import type { FactorTables, PricingConfig, WeatherCategory } from './config.ts';

/**
 * Factors multiply the odds p / (1 − p), not p: on the odds scale any factor keeps a
 * probability inside (0, 1), and a factor means the same at p = 0.05 as at p = 0.5 (an odds
 * ratio, what a logistic regression of delays on hour, month and weather would estimate).
 */

export const odds = (p: number) => p / (1 - p);
export const fromOdds = (o: number) => o / (1 + o);

/**
 * p with its odds multiplied by `factor` (> 0). Written f·p / (1 − p + f·p), which is
 * odds·f / (1 + odds·f) without dividing by 1 − p, so p = 1 stays 1 instead of becoming NaN.
 */
export function applyOddsFactor(p: number, factor: number): number {
  const scaled = factor * p;
  return scaled / (1 - p + scaled);
}

/**
 * A category's relative risk divided by the climatological mean relative risk, so the factors
 * average 1 over the weather the history was flown in. Without this, historical rates (which
 * include every storm) would be treated as fair-weather rates and every quote loaded by the
 * mean (≈ 1.2 for delays). UNKNOWN is that average: 1.
 */
export function weatherFactor(table: FactorTables['weather'], climate: PricingConfig['climate'], category: WeatherCategory): number {
  if (category === 'UNKNOWN') return 1;
  const categories = Object.keys(climate) as (keyof typeof climate)[];
  const total = categories.reduce((sum, c) => sum + climate[c], 0);
  const mean = categories.reduce((sum, c) => sum + climate[c] * table[c], 0) / total;
  return table[category] / mean;
}

/** When the flight leaves, in its origin's local time. */
export interface LocalDeparture {
  /** 0–23. */
  hour: number;
  /** 1–12. */
  month: number;
}

/** Every factor on one event's odds, and their product. */
export interface Factors {
  hour: number;
  month: number;
  weatherOrigin: number;
  weatherDestination: number;
  product: number;
}

export function factorsFor(
  tables: FactorTables,
  climate: PricingConfig['climate'],
  local: LocalDeparture,
  weather: { origin: WeatherCategory; destination: WeatherCategory },
): Factors {
  const hour = tables.hour[local.hour];
  const month = tables.month[local.month - 1];
  if (hour === undefined || month === undefined) {
    throw new RangeError(`Expected a local hour 0–23 and month 1–12; received hour ${local.hour}, month ${local.month}.`);
  }
  const weatherOrigin = weatherFactor(tables.weather, climate, weather.origin);
  const weatherDestination = weatherFactor(tables.weather, climate, weather.destination);
  // Independent effects multiply; origin and destination weather are treated as independent too,
  // a slight overstatement when one front covers both ends.
  const product = hour * month * weatherOrigin * weatherDestination;
  if (!(Number.isFinite(product) && product > 0)) {
    throw new RangeError(`Expected finite factors > 0; received hour ${hour}, month ${month}, weather ${weatherOrigin} and ${weatherDestination}.`);
  }
  return { hour, month, weatherOrigin, weatherDestination, product };
}

/**
 * Factors from history, for a caller that has per-hour (or per-month) rates: each rate's odds
 * over the overall rate's odds. A table made this way replaces a default one in PricingConfig.
 */
export function oddsRatios(rates: readonly number[], overall: number): number[] {
  return rates.map((r) => odds(r) / odds(overall));
}

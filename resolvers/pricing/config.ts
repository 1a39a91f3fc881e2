import type { FlightCategory } from '../../src/sources/weather/types.ts';

/** A forecast flight category, or UNKNOWN when no forecast covers the departure. */
export type WeatherCategory = FlightCategory | 'UNKNOWN';

/** Multipliers on the odds of one event (a delay, or a cancellation). */
export interface FactorTables {
  /** By local scheduled departure hour, 0–23; centred on 1 over the hours most flights leave. */
  readonly hour: readonly number[];
  /** By local month of departure, January first; centred on 1 over the year. */
  readonly month: readonly number[];
  /** Relative to VFR (so VFR is 1); the model divides by their climatological mean (see odds.ts). */
  readonly weather: Readonly<Record<FlightCategory, number>>;
}

export interface PricingConfig {
  /** Credibility constant m: the flights at which a level's own rate and its prior weigh the same. Default 30. */
  readonly credibility: number;
  /** Proportional loading on the expected loss (expenses, capital, margin). Default 0.25. */
  readonly loading: number;
  /** Fixed fee per policy, in currency units. Default 1.50. */
  readonly fee: number;
  /** Smallest premium charged. Default 5.00. */
  readonly minPremium: number;
  /** Largest premium charged. Default 1600: above anything the other defaults can price, so it never sells under cost. */
  readonly maxPremium: number;
  /** ISO 4217 code of every amount. Default 'USD'. */
  readonly currency: string;
  /** A cancellation pays this multiple of the coverage. Default 1: the same benefit as a delay. */
  readonly cancelBenefitRatio: number;
  /** Coverage (the delay benefit), whole currency units. Default 50–2000. */
  readonly coverage: { readonly min: number; readonly max: number };
  /** Delay threshold in minutes, in steps from `min`. Default 60–360 in steps of 30. */
  readonly threshold: { readonly min: number; readonly max: number; readonly step: number };
  /** Declined above this chance that the policy pays (delay or cancellation). Default 0.6. */
  readonly maxProbability: number;
  /** Declined as thin when the route has fewer scheduled flights than `route` and airline plus origin fewer than `prior`. Default 30 and 300. */
  readonly minSample: { readonly route: number; readonly prior: number };
  /** Quotes close this many minutes before scheduled departure. Default 120. */
  readonly minMinutesBeforeDeparture: number;
  /** Most coverage sold on one flight, in currency units. Default 50 000. */
  readonly exposureCap: number;
  /** Odds multipliers for each event. */
  readonly factors: { readonly delay: FactorTables; readonly cancel: FactorTables };
  /** How often each category occurs (any scale): what the history's average weather was. */
  readonly climate: Readonly<Record<FlightCategory, number>>;
}

const HOURS = 24;
const MONTHS = 12;

// Delays compound through the day as late aircraft carry their lateness into the next rotation:
// the first wave leaves from aircraft that sat overnight, the evening waves inherit the day.
// Centred so the mean over 06–21 local, when most flights leave, is 1.
const delayByHour = [
  0.9, 0.85, 0.8, 0.8, 0.8, 0.7, // 00–05
  0.7, 0.75, 0.8, 0.85, 0.9, 0.95, // 06–11
  1.0, 1.05, 1.1, 1.1, 1.15, 1.2, // 12–17
  1.2, 1.2, 1.1, 1.05, 1.0, 0.95, // 18–23
];

// Cancellations depend less on the hour: airlines cancel whole rotations, often the later legs.
const cancelByHour = [
  1.0, 1.0, 1.0, 1.0, 1.0, 0.9, // 00–05
  0.85, 0.85, 0.9, 0.9, 0.95, 0.95, // 06–11
  1.0, 1.0, 1.05, 1.05, 1.05, 1.05, // 12–17
  1.1, 1.1, 1.1, 1.05, 1.0, 1.0, // 18–23
];

// Northern-hemisphere seasons: summer thunderstorms and holiday peaks (June–August, December),
// a quiet autumn. A southern-hemisphere market passes its own table.
const delayByMonth = [1.05, 1.0, 0.95, 0.9, 0.95, 1.2, 1.25, 1.1, 0.75, 0.8, 0.85, 1.15];

// Snow and ice cancel flights; summer storms mostly delay them.
const cancelByMonth = [1.6, 1.4, 1.0, 0.8, 0.8, 0.9, 0.9, 0.9, 0.8, 0.7, 0.8, 1.4];

function tables(hour: number[], month: number[], weather: Record<FlightCategory, number>): FactorTables {
  if (hour.length !== HOURS || month.length !== MONTHS) throw new RangeError(`Expected ${HOURS} hourly and ${MONTHS} monthly factors; received ${hour.length} and ${month.length}.`);
  return Object.freeze({ hour: Object.freeze(hour), month: Object.freeze(month), weather: Object.freeze(weather) });
}

/** The defaults. Amounts are in `currency`; each choice says why beside it. */
export const defaultPricing: PricingConfig = Object.freeze({
  // At 30 flights a route's own record and its prior weigh the same: about a month of a daily
  // flight, so a route earns its own price within a season.
  credibility: 30,
  // Expenses, capital and margin together; a gross loss ratio of 1/1.25 = 80 %.
  loading: 0.25,
  // Issuing and servicing one policy costs about the same whatever it covers.
  fee: 1.5,
  // Below this, card fees and servicing eat the margin; raising a cheap quote never sells under cost.
  minPremium: 5,
  // The highest gross the other defaults allow is 2000 × 0.6 × 1.25 + 1.50 = 1501.50, so this only
  // guards against a config that raises them: a binding maximum would sell under expected cost.
  maxPremium: 1600,
  currency: 'USD',
  // A cancelled traveller loses at least what a delayed one does; one benefit is one number to sell.
  cancelBenefitRatio: 1,
  coverage: Object.freeze({ min: 50, max: 2000 }),
  // The caller counts delays per threshold: 11 thresholds keep those counts a small fixed table
  // per route, and half-hour steps are as fine as a traveller chooses.
  threshold: Object.freeze({ min: 60, max: 360, step: 30 }),
  // At 0.6 the premium is already about 75 % of the benefit: a prepayment, not insurance, and a
  // sign the buyer knows something (a forecast, a strike) the history does not.
  maxProbability: 0.6,
  // At n = m the route's record carries half the weight; below it the price is mostly the prior,
  // which is only sound if airline and origin together have ten times m flights.
  minSample: Object.freeze({ route: 30, prior: 300 }),
  // Two hours out, a delay is often already known (inbound aircraft, ground stops): selling then
  // is selling to people who know the answer.
  minMinutesBeforeDeparture: 120,
  // One flight's policies pay out together (same weather, same aircraft): one loss, not many.
  // 50 000 is 250 policies of 200, more seats than a narrow-body sells, so it binds on the
  // large covers and wide-bodies where one event could cost a season's margin.
  exposureCap: 50_000,
  factors: Object.freeze({
    delay: tables(delayByHour, delayByMonth, { VFR: 1, MVFR: 1.3, IFR: 2, LIFR: 3 }),
    // Low IFR closes runways and grounds whole banks, so cancellations climb much faster.
    cancel: tables(cancelByHour, cancelByMonth, { VFR: 1, MVFR: 1.5, IFR: 3, LIFR: 6 }),
  }),
  // About how often each category is reported over a year's hours (the sandbox's weather model
  // is tuned to the same shares).
  climate: Object.freeze({ VFR: 0.76, MVFR: 0.12, IFR: 0.07, LIFR: 0.05 }),
});

/** What an operator may set from the environment (src/config.ts); the rest is the model's. */
export type PricingOverrides = Partial<Pick<PricingConfig, 'credibility' | 'loading' | 'fee' | 'exposureCap'>>;

/** The default pricing with the overrides that are set. */
export function pricingWith(overrides: PricingOverrides): PricingConfig {
  const set = Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
  return Object.keys(set).length ? Object.freeze({ ...defaultPricing, ...set }) : defaultPricing;
}

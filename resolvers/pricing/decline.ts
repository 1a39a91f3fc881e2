import type { PricingConfig } from './config.ts';
import { delayTrials, type History } from './credibility.ts';

/** Why a flight cannot be insured now. The GraphQL layer maps each to a QUOTE_DECLINED error. */
export type DeclineReason = 'THIN_SAMPLE' | 'PROBABILITY_TOO_HIGH' | 'DEPARTURE_TOO_NEAR' | 'DEPARTED' | 'EXPOSURE_CAP';

export interface Declined {
  declined: true;
  reason: DeclineReason;
  /** A sentence for the buyer, with the numbers that decided it. */
  message: string;
}

const declined = (reason: DeclineReason, message: string): Declined => ({ declined: true, reason, message });
const MINUTE_MS = 60_000;

/** DEPARTED at or after the scheduled departure; DEPARTURE_TOO_NEAR within the configured minutes of it. */
export function departureDecline(now: Date, departure: Date, config: Pick<PricingConfig, 'minMinutesBeforeDeparture'>): Declined | null {
  const minutesLeft = (departure.getTime() - now.getTime()) / MINUTE_MS;
  // By the schedule, not the status: a flight late leaving is already the event insured against.
  if (minutesLeft <= 0) return declined('DEPARTED', `The flight was scheduled to leave at ${departure.toISOString()}; a flight can be insured only before it is due to leave.`);
  if (minutesLeft < config.minMinutesBeforeDeparture) {
    return declined(
      'DEPARTURE_TOO_NEAR',
      `The flight is scheduled to leave in ${Math.floor(minutesLeft)} minutes; quotes close ${config.minMinutesBeforeDeparture} minutes before departure.`,
    );
  }
  return null;
}

/** EXPOSURE_CAP when the coverage already sold on the flight plus this one passes the cap (reaching it exactly is allowed). */
export function exposureDecline(soldCoverage: number, coverage: number, config: Pick<PricingConfig, 'exposureCap' | 'currency'>): Declined | null {
  if (!(Number.isFinite(soldCoverage) && soldCoverage >= 0)) throw new RangeError(`Expected the coverage already sold to be a finite amount ≥ 0; received ${soldCoverage}.`);
  if (soldCoverage + coverage <= config.exposureCap) return null;
  const money = (x: number) => `${x.toFixed(2)} ${config.currency}`;
  return declined(
    'EXPOSURE_CAP',
    `This flight already carries ${money(soldCoverage)} of coverage; ${money(coverage)} more would pass the ${money(config.exposureCap)} one flight can carry (${money(Math.max(0, config.exposureCap - soldCoverage))} is left).`,
  );
}

/**
 * THIN_SAMPLE when the network has no operated flight (no base rate to shrink toward), or when
 * the route has fewer scheduled flights than `minSample.route` and its prior (airline plus origin
 * scheduled flights) fewer than `minSample.prior`. Either alone is enough: a thin route leans on
 * a solid prior, a thin prior matters little under a route with its own record.
 */
export function thinSampleDecline(history: History, config: Pick<PricingConfig, 'minSample'>): Declined | null {
  if (delayTrials(history.network).trials === 0) return declined('THIN_SAMPLE', 'There is no flight history to price from yet.');
  const route = history.route.scheduled;
  const prior = history.airline.scheduled + history.origin.scheduled;
  const { minSample } = config;
  if (route >= minSample.route || prior >= minSample.prior) return null;
  return declined(
    'THIN_SAMPLE',
    `The airline has ${route} recorded flights on this route, and the airline and the origin airport ${prior} together; pricing needs ${minSample.route} on the route or ${minSample.prior} behind it.`,
  );
}

/** PROBABILITY_TOO_HIGH when the chance the policy pays is above `maxProbability` (equal is sold). */
export function probabilityDecline(payoutProbability: number, config: Pick<PricingConfig, 'maxProbability'>): Declined | null {
  if (payoutProbability <= config.maxProbability) return null;
  const percent = (x: number) => `${(x * 100).toFixed(1)} %`;
  return declined(
    'PROBABILITY_TOO_HIGH',
    `This flight is delayed or cancelled too often to insure: the chance this policy pays is ${percent(payoutProbability)}, above the ${percent(config.maxProbability)} it can be sold at.`,
  );
}

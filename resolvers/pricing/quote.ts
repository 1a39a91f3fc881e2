/**
 * The flight-delay insurance price: a policy pays `coverage` when the flight operates and arrives
 * at least `delayThresholdMinutes` late, or `cancelBenefit` when it is cancelled. Pure: every
 * input, `now` included, is an argument, so identical inputs give identical quotes.
 *
 * For each event, delay (among flights that operated) and cancellation (among scheduled flights),
 * with k events in n trials per level and m = config.credibility:
 *
 *   p0      = k0 / n0                                 network rate
 *   pA      = (kA + m·p0) / (nA + m)                  airline, shrunk toward the network
 *   pO      = (kO + m·p0) / (nO + m)                  origin airport, shrunk toward the network
 *   prior   = (pA + pO) / 2
 *   p       = (k + m·prior) / (n + m)                 the airline on this route, shrunk toward prior
 *
 *   F       = f_hour · f_month · f_wx(origin) · f_wx(destination)   (per event, from config tables)
 *   f_wx(c) = rr(c) / Σ climate(c')·rr(c')                           (relative risk over its climatological mean)
 *   p'      = odds⁻¹(odds(p) · F),  odds(p) = p / (1 − p),  odds⁻¹(o) = o / (1 + o)
 *
 *   P(pay)  = pC' + (1 − pC')·pD'                     the chance the policy pays
 *   E[loss] = coverage·(1 − pC')·pD' + cancelBenefit·pC',   cancelBenefit = coverage · cancelBenefitRatio
 *   premium = clamp(ceil_to_cent(E[loss]·(1 + loading) + fee), minPremium, maxPremium)
 *   riskScore = round(100 · P(pay))
 *   sold by a partner: premium · (1 + commission), up to the cent (commission.ts)
 *
 * pD is conditional on the flight operating, so the delay and cancellation payouts are disjoint
 * events and the expected loss counts neither twice; pD'·(1 − pC') is the unconditional chance of
 * a delay payout. Declines, in the order checked: DEPARTED, DEPARTURE_TOO_NEAR, EXPOSURE_CAP,
 * THIN_SAMPLE, PROBABILITY_TOO_HIGH (P(pay) > maxProbability); see decline.ts.
 */
import { checkCoverage, checkThreshold } from './checks.ts';
import { defaultPricing, type PricingConfig, type WeatherCategory } from './config.ts';
import { cancelTrials, checkHistory, delayTrials, smooth, type History } from './credibility.ts';
import { departureDecline, exposureDecline, probabilityDecline, thinSampleDecline, type Declined } from './decline.ts';
import { applyOddsFactor, factorsFor, type LocalDeparture } from './odds.ts';
import { expectedLoss, payoutProbability, premiumFor } from './premium.ts';

export interface QuoteInput {
  /** The delay benefit, in `config.currency`; checked by checkCoverage. */
  coverage: number;
  /** Checked by checkThreshold; `history` counts delays at this threshold. */
  delayThresholdMinutes: number;
  history: History;
  /** Scheduled departure. */
  departure: Date;
  /** Scheduled departure in the origin's local time: what the hour and month factors are read by. */
  local: LocalDeparture;
  /** Forecast flight category at each end at departure time. */
  weather: { origin: WeatherCategory; destination: WeatherCategory };
  /** Coverage already sold on this flight. */
  soldCoverage: number;
  now: Date;
}

export interface Quote {
  declined: false;
  premium: number;
  currency: string;
  coverage: number;
  /** What a cancellation pays. */
  cancelBenefit: number;
  delayThresholdMinutes: number;
  /** pD': the chance of arriving at least the threshold late if the flight operates, after factors. */
  probability: number;
  /** pC': the chance of cancellation, after factors. */
  cancelProbability: number;
  /** round(100 · P(pay)): the chance in percent that this policy pays, delay or cancellation. */
  riskScore: number;
  breakdown: {
    historical: {
      /** The airline's scheduled flights on this route in the history. */
      flights: number;
      /** Of those that operated, the share arriving less than the threshold late; null when none operated. */
      onTimeRate: number | null;
      /** pD, smoothed, before factors. */
      p: number;
      /** pC, smoothed, before factors. */
      cancelP: number;
    };
    /** The hour and month odds factors for a delay. */
    timing: { hour: number; month: number };
    /** The flight categories and their combined odds factor for a delay (and for a cancellation). */
    weather: { origin: WeatherCategory; destination: WeatherCategory; factor: number; cancelFactor: number };
    expectedLoss: number;
    loading: number;
    fee: number;
    /** The seller's commission on the premium (a partner's, withCommission); 0 when sold directly. */
    commission: number;
  };
}

/**
 * A quote, or a typed decline. Throws a RangeError for a caller's mistake: coverage or threshold
 * not checked first, counts that do not add up, a local hour or month out of range.
 */
export function price(input: QuoteInput, config: PricingConfig = defaultPricing): Quote | Declined {
  const coverageProblem = checkCoverage(input.coverage, config);
  if (coverageProblem) throw new RangeError(`Expected a coverage checkCoverage accepts: it ${coverageProblem}`);
  const thresholdProblem = checkThreshold(input.delayThresholdMinutes, config);
  if (thresholdProblem) throw new RangeError(`Expected a threshold checkThreshold accepts: it ${thresholdProblem}`);
  checkHistory(input.history);
  const delayFactors = factorsFor(config.factors.delay, config.climate, input.local, input.weather);
  const cancelFactors = factorsFor(config.factors.cancel, config.climate, input.local, input.weather);

  const early =
    departureDecline(input.now, input.departure, config) ??
    exposureDecline(input.soldCoverage, input.coverage, config) ??
    thinSampleDecline(input.history, config);
  if (early) return early;

  const delay = smooth(input.history, delayTrials, config.credibility);
  const cancel = smooth(input.history, cancelTrials, config.credibility);
  const probability = applyOddsFactor(delay.p, delayFactors.product);
  const cancelProbability = applyOddsFactor(cancel.p, cancelFactors.product);
  const payout = payoutProbability(probability, cancelProbability);
  const tooLikely = probabilityDecline(payout, config);
  if (tooLikely) return tooLikely;

  const cancelBenefit = input.coverage * config.cancelBenefitRatio;
  const loss = expectedLoss(input.coverage, cancelBenefit, probability, cancelProbability);
  const route = delayTrials(input.history.route);
  return {
    declined: false,
    premium: premiumFor(loss, config).premium,
    currency: config.currency,
    coverage: input.coverage,
    cancelBenefit,
    delayThresholdMinutes: input.delayThresholdMinutes,
    probability,
    cancelProbability,
    riskScore: Math.round(100 * payout),
    breakdown: {
      historical: {
        flights: input.history.route.scheduled,
        onTimeRate: route.trials === 0 ? null : (route.trials - route.events) / route.trials,
        p: delay.p,
        cancelP: cancel.p,
      },
      timing: { hour: delayFactors.hour, month: delayFactors.month },
      weather: {
        origin: input.weather.origin,
        destination: input.weather.destination,
        factor: delayFactors.weatherOrigin * delayFactors.weatherDestination,
        cancelFactor: cancelFactors.weatherOrigin * cancelFactors.weatherDestination,
      },
      expectedLoss: loss,
      loading: config.loading,
      fee: config.fee,
      commission: 0,
    },
  };
}

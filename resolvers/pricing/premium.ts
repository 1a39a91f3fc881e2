import type { PricingConfig } from './config.ts';

/**
 * The chance the policy pays: a cancellation, or a flight that operates and arrives late.
 * `pDelay` is conditional on operating, so the two events are disjoint.
 */
export function payoutProbability(pDelay: number, pCancel: number): number {
  return pCancel + (1 - pCancel) * pDelay;
}

/** What the policy pays on average: each benefit times the chance of its own, disjoint, event. */
export function expectedLoss(coverage: number, cancelBenefit: number, pDelay: number, pCancel: number): number {
  return coverage * (1 - pCancel) * pDelay + cancelBenefit * pCancel;
}

/**
 * Up to the next cent: the formula's price is the least that covers the expected loss and
 * loading, so rounding down would sell every policy a fraction of a cent under it; rounding up
 * costs the buyer under a cent. The 1e-6 cent of slack keeps a float that lands a hair above a
 * whole cent (0.1 + 0.2 = 0.30000000000000004) from costing a cent more.
 */
export function ceilToCent(amount: number): number {
  return Math.ceil(amount * 100 - 1e-6) / 100;
}

export interface Premium {
  /** Expected loss with loading and fee, before rounding and clamping. */
  gross: number;
  /** What the buyer pays: gross up to the cent, then within [minPremium, maxPremium]. */
  premium: number;
}

export function premiumFor(loss: number, config: Pick<PricingConfig, 'loading' | 'fee' | 'minPremium' | 'maxPremium'>): Premium {
  const gross = loss * (1 + config.loading) + config.fee;
  return { gross, premium: Math.min(config.maxPremium, Math.max(config.minPremium, ceilToCent(gross))) };
}

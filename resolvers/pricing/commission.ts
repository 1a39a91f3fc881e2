import { ceilToCent } from './premium.ts';
import type { Quote } from './quote.ts';

/**
 * A partner's quote: the insurer's premium plus the partner's commission on it, up to the cent.
 * The insurer's price (its clamp to [minPremium, maxPremium] included) is unchanged by who sells
 * it; the commission is what the partner adds on top, and the breakdown says how much.
 *
 *   premium_partner = ceil_to_cent(premium · (1 + commission))
 */
export function withCommission(quote: Quote, commission: number): Quote {
  if (!(commission >= 0 && commission <= 1)) throw new RangeError(`Expected a commission between 0 and 1, got ${commission}`);
  if (commission === 0) return quote;
  return { ...quote, premium: ceilToCent(quote.premium * (1 + commission)), breakdown: { ...quote.breakdown, commission } };
}

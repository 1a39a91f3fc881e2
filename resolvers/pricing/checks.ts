import type { PricingConfig } from './config.ts';

/**
 * Argument checks for the GraphQL layer: null when the value is acceptable, otherwise the rest
 * of a sentence that starts with the argument's name, e.g. `Argument "coverage" ${reason}` as
 * a BAD_USER_INPUT error. Refused arguments are the buyer's to fix; declines are not.
 */

/** Coverage: a whole number of currency units within the configured bounds. */
export function checkCoverage(coverage: number, config: Pick<PricingConfig, 'coverage' | 'currency'>): string | null {
  const { min, max } = config.coverage;
  if (Number.isInteger(coverage) && coverage >= min && coverage <= max) return null;
  return `must be a whole number of ${config.currency} from ${min} to ${max}; received ${coverage}.`;
}

/** Delay threshold: minutes from `min` to `max` in steps of `step` counted from `min`. */
export function checkThreshold(minutes: number, config: Pick<PricingConfig, 'threshold'>): string | null {
  const { min, max, step } = config.threshold;
  if (Number.isInteger(minutes) && minutes >= min && minutes <= max && (minutes - min) % step === 0) return null;
  return `must be a number of minutes from ${min} to ${max} in steps of ${step} (${min}, ${min + step}, ${min + 2 * step} …); received ${minutes}.`;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** How long an open breaker refuses calls before letting one trial call through. */
  resetAfterMs: number;
  /** The clock, in ms. Default: `Date.now`. */
  now?: () => number;
}

/**
 * A circuit breaker: after `failureThreshold` consecutive failures it refuses calls for
 * `resetAfterMs`, then lets exactly one trial through, whose outcome closes or reopens it.
 *
 * The caller drives it: `tryAcquire()` before a call, then one verdict per admitted call —
 * `succeeded()`, `failed()`, or `abandoned()` when the call ended without one (the caller
 * gave up), so a trial slot is never held forever.
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private trialInFlight = false;
  private readonly now: () => number;

  constructor(private readonly options: BreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  /**
   * As of the last call: an open breaker whose reset time has passed still reads `open` until
   * the next `tryAcquire()` turns it half-open.
   */
  get state(): BreakerState {
    return this.current;
  }

  /** Whether a call may go ahead now. */
  tryAcquire(): boolean {
    if (this.current === 'closed') return true;
    if (this.current === 'open' && this.now() - this.openedAt >= this.options.resetAfterMs) this.current = 'half-open';
    if (this.current === 'half-open' && !this.trialInFlight) {
      this.trialInFlight = true;
      return true;
    }
    return false;
  }

  /**
   * Any success closes the breaker — a call admitted before it opened included: the
   * dependency answered.
   */
  succeeded(): void {
    this.trialInFlight = false;
    this.failures = 0;
    this.current = 'closed';
  }

  /** A failed trial reopens at once; in closed state, the threshold-th failure in a row opens. */
  failed(): void {
    this.trialInFlight = false;
    this.failures++;
    if (this.current === 'half-open' || (this.current === 'closed' && this.failures >= this.options.failureThreshold)) {
      this.openedAt = this.now();
      this.current = 'open';
    }
  }

  /** An admitted call ended with no verdict on the dependency (aborted by its caller). */
  abandoned(): void {
    this.trialInFlight = false;
  }
}

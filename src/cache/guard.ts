import type { Logger } from '../logger.ts';
import type { TierName } from './tier.ts';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface GuardOptions {
  tier: TierName;
  logger: Logger;
  /** A call slower than this counts as failed and answers with the fallback. */
  timeoutMs: number;
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** How long an open breaker skips the tier before letting one trial call through. */
  resetAfterMs: number;
}

export interface GuardCounters {
  errors: number;
  timeouts: number;
  skipped: number;
  breaker: BreakerState;
}

export class TierTimeoutError extends Error {
  override name = 'TierTimeoutError';
}

/**
 * Every call to a shared tier goes through here: a timeout, a circuit breaker, a log line
 * and a counter per failure, and a fallback value instead of an exception. A request never
 * fails, or waits long, because Redis or Postgres did.
 */
export class TierGuard {
  private state: BreakerState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private trialInFlight = false;
  readonly counters: GuardCounters = { errors: 0, timeouts: 0, skipped: 0, breaker: 'closed' };

  constructor(private readonly options: GuardOptions) {}

  get breaker(): BreakerState {
    return this.state;
  }

  async run<T>(op: string, call: () => Promise<T>, fallback: T): Promise<T> {
    if (!this.admit()) {
      this.counters.skipped++;
      return fallback;
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        call(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new TierTimeoutError(`${op} took over ${this.options.timeoutMs} ms`)), this.options.timeoutMs);
        }),
      ]);
      this.succeeded();
      return result;
    } catch (err) {
      this.failed(op, err as Error);
      return fallback;
    } finally {
      clearTimeout(timer);
    }
  }

  private admit(): boolean {
    if (this.state === 'closed') return true;
    if (this.state === 'open' && Date.now() - this.openedAt >= this.options.resetAfterMs) this.setState('half-open');
    // Half-open lets exactly one trial call through; its outcome closes or reopens.
    if (this.state === 'half-open' && !this.trialInFlight) {
      this.trialInFlight = true;
      return true;
    }
    return false;
  }

  private succeeded() {
    this.trialInFlight = false;
    this.failures = 0;
    if (this.state !== 'closed') {
      this.options.logger.info({ tier: this.options.tier }, 'cache tier recovered');
      this.setState('closed');
    }
  }

  private failed(op: string, err: Error) {
    this.trialInFlight = false;
    if (err instanceof TierTimeoutError) this.counters.timeouts++;
    else this.counters.errors++;
    this.failures++;
    const { tier, failureThreshold, logger } = this.options;
    if (this.state === 'half-open' || (this.state === 'closed' && this.failures >= failureThreshold)) {
      this.openedAt = Date.now();
      if (this.state === 'closed') logger.warn({ tier, op, err: err.message }, 'cache tier failing: skipping it for now');
      this.setState('open');
    } else if (this.state === 'closed') {
      logger.warn({ tier, op, err: err.message }, 'cache tier call failed');
    }
  }

  private setState(state: BreakerState) {
    this.state = state;
    this.counters.breaker = state;
  }
}

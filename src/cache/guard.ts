import type { Logger } from '../logger.ts';
import { CircuitBreaker, type BreakerState } from '../resilience/breaker.ts';
import { TimeoutError, withTimeout } from '../resilience/timeout.ts';
import type { TierName } from './tier.ts';

export type { BreakerState } from '../resilience/breaker.ts';

export interface GuardOptions {
  tier: TierName;
  logger: Logger;
  /** A call slower than this counts as failed and answers with the fallback. */
  timeoutMs: number;
  /** Consecutive failures that open the breaker. */
  failureThreshold: number;
  /** How long an open breaker skips the tier before letting one trial call through. */
  resetAfterMs: number;
  /** Told of every call (metrics); must be cheap and never throw. Default: none. */
  onCall?: TierCallObserver;
}

/** One guarded call: skipped by an open breaker, or how it ended and how long it took. */
export interface TierCall {
  tier: TierName;
  op: string;
  result: 'ok' | 'error' | 'timeout' | 'skipped';
  durationMs: number;
}

export type TierCallObserver = (call: TierCall) => void;

export interface GuardCounters {
  errors: number;
  timeouts: number;
  skipped: number;
  breaker: BreakerState;
}

export class TierTimeoutError extends TimeoutError {
  override name = 'TierTimeoutError';
}

/**
 * Every call to a shared tier goes through here: a timeout, a circuit breaker, a log line
 * and a counter per failure, and a fallback value instead of an exception. A request never
 * fails, or waits long, because Redis or Postgres did.
 */
export class TierGuard {
  private readonly circuit: CircuitBreaker;
  private readonly tally = { errors: 0, timeouts: 0, skipped: 0 };

  constructor(private readonly options: GuardOptions) {
    this.circuit = new CircuitBreaker(options);
  }

  get breaker(): BreakerState {
    return this.circuit.state;
  }

  get counters(): GuardCounters {
    return { ...this.tally, breaker: this.circuit.state };
  }

  async run<T>(op: string, call: () => Promise<T>, fallback: T): Promise<T> {
    const { timeoutMs, onCall, tier } = this.options;
    if (!this.circuit.tryAcquire()) {
      this.tally.skipped++;
      onCall?.({ tier, op, result: 'skipped', durationMs: 0 });
      return fallback;
    }
    const started = onCall ? performance.now() : 0;
    try {
      const result = await withTimeout(call, timeoutMs, () => new TierTimeoutError(timeoutMs, `${op} took over ${timeoutMs} ms`));
      this.succeeded();
      onCall?.({ tier, op, result: 'ok', durationMs: performance.now() - started });
      return result;
    } catch (err) {
      this.failed(op, err as Error);
      onCall?.({ tier, op, result: err instanceof TierTimeoutError ? 'timeout' : 'error', durationMs: performance.now() - started });
      return fallback;
    }
  }

  private succeeded() {
    const before = this.circuit.state;
    this.circuit.succeeded();
    if (before !== 'closed') this.options.logger.info({ tier: this.options.tier }, 'cache tier recovered');
  }

  private failed(op: string, err: Error) {
    if (err instanceof TierTimeoutError) this.tally.timeouts++;
    else this.tally.errors++;
    const before = this.circuit.state;
    this.circuit.failed();
    // Said once as the tier starts failing; while the breaker is open, its skips are counted.
    if (before !== 'closed') return;
    const { tier, logger } = this.options;
    if (this.circuit.state === 'open') logger.warn({ tier, op, err: err.message }, 'cache tier failing: skipping it for now');
    else logger.warn({ tier, op, err: err.message }, 'cache tier call failed');
  }
}

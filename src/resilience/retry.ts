export interface RetryOptions {
  /** Attempts in all, the first included: 1 means no retry. */
  maxAttempts: number;
  /** The ceiling of the first retry's delay; it doubles with each retry. */
  baseMs: number;
  /** The largest ceiling a delay is drawn under. */
  capMs: number;
  /** Whether a failure is worth another attempt. Default: every failure is. */
  retryable?: (err: unknown) => boolean;
  /**
   * The delay the dependency asked for (a Retry-After), in ms, or undefined when it asked for
   * none. It replaces the drawn delay. Default: none asked.
   */
  requestedDelay?: (err: unknown) => number | undefined;
  /** The longest requested delay honoured; asked for more, retry gives up at once. Default: `capMs`. */
  maxRequestedDelayMs?: number;
  /** Stops the waiting between attempts; the rejection is the signal's reason. */
  signal?: AbortSignal;
  /** A uniform draw in [0, 1). Default: `Math.random`. */
  random?: () => number;
  /** Told before each wait. */
  onRetry?: (retry: { attempt: number; delayMs: number; error: unknown }) => void;
}

/**
 * "Full jitter": a uniform draw in [0, min(cap, base·2^retry)) for the retry-th retry
 * (0-based). Spreading retries over the whole window keeps many callers that failed together
 * from coming back together.
 */
export function fullJitter(retry: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  return random() * Math.min(capMs, baseMs * 2 ** retry);
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Calls `call(attempt)` (0-based) until it resolves, a failure is not retryable, the attempts
 * run out or the signal aborts; rejects with the last failure. Only for calls that are safe
 * to repeat.
 */
export async function retry<T>(call: (attempt: number) => Promise<T>, options: RetryOptions): Promise<T> {
  const { maxAttempts, baseMs, capMs, retryable = () => true, requestedDelay, signal, random = Math.random, onRetry } = options;
  const maxRequested = options.maxRequestedDelayMs ?? capMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call(attempt);
    } catch (err) {
      // A caller that gave up wants no further attempt, whatever the failure looks like.
      if (signal?.aborted) throw err;
      if (attempt + 1 >= maxAttempts || !retryable(err)) throw err;
      const requested = requestedDelay?.(err);
      // Waiting less than asked would spend an attempt on a near-certain refusal; waiting
      // longer than we allow would hold the caller: fail now instead.
      if (requested !== undefined && requested > maxRequested) throw err;
      const delayMs = requested ?? fullJitter(attempt, baseMs, capMs, random);
      onRetry?.({ attempt, delayMs, error: err });
      await sleep(delayMs, signal);
    }
  }
}

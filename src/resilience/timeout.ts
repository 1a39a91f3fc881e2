/** A call that did not settle in time. `ms` is the limit it was given. */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
  constructor(
    readonly ms: number,
    message = `no answer within ${ms} ms`,
  ) {
    super(message);
  }
}

const NEVER_ABORTED = new AbortController();

/**
 * Work to bound: a promise already running, or a function given an AbortSignal that aborts
 * when the time is up (or the caller gives up), so work that can stop — fetch — does.
 */
export type Work<T> = Promise<T> | ((signal: AbortSignal) => Promise<T>);

/**
 * Settles with `work`, or rejects with `onTimeout(ms)` once `ms` pass, or with the reason of
 * `signal` when the caller aborts first. The timer is cleared however it ends, and a late
 * rejection of `work` is absorbed rather than left unhandled.
 */
export function withTimeout<T>(
  work: Work<T>,
  ms: number,
  onTimeout: (ms: number) => Error = (limit) => new TimeoutError(limit),
  signal?: AbortSignal,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    // Only work that takes the signal gets one: the cache's tier calls do not, and run often.
    const controller = typeof work === 'function' && work.length > 0 ? new AbortController() : undefined;
    const stop = (reason: unknown) => {
      cleanUp();
      controller?.abort(reason);
      reject(reason);
    };
    const onAbort = () => stop(signal!.reason);
    // An infinite limit means none: setTimeout would fire at once on it.
    const timer = Number.isFinite(ms) ? setTimeout(() => stop(onTimeout(ms)), ms) : undefined;
    const cleanUp = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    let running: Promise<T>;
    try {
      running = Promise.resolve(typeof work === 'function' ? work((controller ?? NEVER_ABORTED).signal) : work);
    } catch (err) {
      running = Promise.reject(err);
    }
    running.then(
      (value) => {
        cleanUp();
        resolve(value);
      },
      (err) => {
        cleanUp();
        reject(err);
      },
    );
  });
}

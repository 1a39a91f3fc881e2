import { CircuitBreaker, type BreakerState } from '../resilience/breaker.ts';
import { retry } from '../resilience/retry.ts';
import { parseRetryAfter } from '../resilience/retry-after.ts';
import { createSemaphore } from '../resilience/semaphore.ts';
import { withTimeout } from '../resilience/timeout.ts';
import {
  UpstreamCircuitOpenError,
  UpstreamError,
  UpstreamFormatError,
  UpstreamHttpError,
  UpstreamTimeoutError,
  UpstreamUnavailableError,
} from './errors.ts';
import { checkBaseUrl, recordedEndpoint, upstreamUrl } from './upstream-url.ts';

export interface UpstreamOptions {
  /** The source's name in the call log and in errors (`aviationstack`, `aviationweather`). */
  source: string;
  /** May carry a path (`https://api.aviationstack.com/v1`); calls' paths go after it. */
  baseUrl: string;
  /** Limit on each attempt, headers and body included. */
  timeoutMs: number;
  /** Retries after the first attempt, for retryable failures. */
  retries: number;
  /** Estimated price of one call that reached the upstream, recorded as its cost. */
  pricePerCall: number;
  /** Consecutive failed calls that open the breaker, and how long it then stays open. */
  breaker: { failures: number; resetMs: number };
  /** Query params whose values are secrets, removed from the recorded endpoint. Default: none. */
  secretParams?: string[];
  /** Headers sent with every call and never recorded (a key sent as a header). Default: none. */
  headers?: Record<string, string>;
  /** Full-jitter backoff: first ceiling, and largest. Default: 100 ms and 1000 ms. */
  backoff?: { baseMs: number; capMs: number };
  /** The longest Retry-After honoured; asked for more, the call fails at once. Default: 2000 ms. */
  maxRetryAfterMs?: number;
  /** Calls in flight at once; more wait their turn. Default: 8. */
  maxConcurrent?: number;
}

/** One attempt at an upstream, as the call log keeps it. */
export interface UpstreamCall {
  source: string;
  /** Path and query, without secrets. */
  endpoint: string;
  /** Null when nothing answered. */
  status: number | null;
  latencyMs: number;
  ok: boolean;
  cost: number;
  at: Date;
  error?: string;
}

/** Told of every attempt; must neither throw nor block (the batching writer is elsewhere). */
export type CallSink = (call: UpstreamCall) => void;

export interface UpstreamResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON; null for 204 or an empty body. */
  body: unknown;
}

export interface HttpClient {
  /**
   * GETs `path` (after the base URL's path) with `query`. Rejects with an `UpstreamError`,
   * or with the signal's reason when the caller aborts.
   */
  get(path: string, query: Record<string, string>, signal?: AbortSignal): Promise<UpstreamResponse>;
  breakerState(): BreakerState;
}

// 501, 505 and the like will not change on a second try.
const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);

function isRetryable(err: unknown): boolean {
  if (err instanceof UpstreamTimeoutError) return true;
  return err instanceof UpstreamUnavailableError && (err.status === null || RETRYABLE_STATUSES.has(err.status));
}

/**
 * The one HTTP client for every upstream: a timeout per attempt, retries with full jitter
 * (GETs only: they are safe to repeat), a circuit breaker for the source, and every attempt
 * told to `sink`.
 */
export function createHttpClient(options: UpstreamOptions, sink: CallSink, fetchImpl: typeof fetch = fetch): HttpClient {
  const { source, baseUrl, timeoutMs, retries, pricePerCall } = options;
  checkBaseUrl(source, baseUrl);
  const secretParams = new Set(options.secretParams ?? []);
  const headers = { accept: 'application/json', ...options.headers };
  const backoff = options.backoff ?? { baseMs: 100, capMs: 1000 };
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 2000;
  const breaker = new CircuitBreaker({ failureThreshold: options.breaker.failures, resetAfterMs: options.breaker.resetMs });
  const inTurn = createSemaphore(options.maxConcurrent ?? 8);

  function record(endpoint: string, at: Date, started: number, status: number | null, error?: string) {
    const call: UpstreamCall = { source, endpoint, status, latencyMs: Math.round(performance.now() - started), ok: !error, cost: 0, at };
    // Any answer is a request the upstream served, and most bill those whatever the status.
    if (status !== null) call.cost = pricePerCall;
    if (error) call.error = error;
    try {
      sink(call);
    } catch {
      // The log is best effort; a broken sink must not fail the call it describes.
    }
  }

  async function attempt(url: string, endpoint: string, signal: AbortSignal | undefined): Promise<UpstreamResponse> {
    const at = new Date();
    const started = performance.now();
    let status: number | null = null;
    try {
      const { response, text } = await withTimeout(
        async (bounded) => {
          const response = await fetchImpl(url, { headers, signal: bounded });
          status = response.status;
          // Inside the timeout: a body that trickles in is as slow as no answer.
          return { response, text: await response.text() };
        },
        timeoutMs,
        () => new UpstreamTimeoutError(source, endpoint, timeoutMs),
        signal,
      );
      const answer = interpret(endpoint, response, text);
      record(endpoint, at, started, status);
      return answer;
    } catch (err) {
      if (signal?.aborted) {
        record(endpoint, at, started, status, 'aborted by the caller');
        throw err;
      }
      const failure = err instanceof UpstreamError ? err : new UpstreamUnavailableError(source, endpoint, null, networkReason(err), undefined, { cause: err });
      record(endpoint, at, started, status, failure.reason);
      throw failure;
    }
  }

  function interpret(endpoint: string, response: Response, text: string): UpstreamResponse {
    const { status } = response;
    if (status === 429 || status >= 500) {
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      throw new UpstreamUnavailableError(source, endpoint, status, `answered ${status}`, retryAfterMs);
    }
    if (status < 200 || status >= 300) throw new UpstreamHttpError(source, endpoint, status, parseLoosely(text));
    if (text.trim() === '') return { status, headers: response.headers, body: null };
    try {
      return { status, headers: response.headers, body: JSON.parse(text) };
    } catch {
      throw new UpstreamFormatError(source, endpoint, status, text.slice(0, 200));
    }
  }

  return {
    async get(path, query, signal) {
      const url = upstreamUrl(baseUrl, path, query);
      const endpoint = recordedEndpoint(path, query, secretParams);
      if (!breaker.tryAcquire()) throw new UpstreamCircuitOpenError(source, endpoint);
      // A half-open breaker's trial probes an upstream that was failing: one attempt, so a
      // still-failing upstream is told so fast and is not sent a volley.
      const maxAttempts = breaker.state === 'half-open' ? 1 : retries + 1;
      try {
        const response = await retry(() => inTurn(() => attempt(url, endpoint, signal)), {
          maxAttempts,
          ...backoff,
          retryable: isRetryable,
          requestedDelay: (err) => (err instanceof UpstreamUnavailableError ? err.retryAfterMs : undefined),
          maxRequestedDelayMs: maxRetryAfterMs,
          signal,
        });
        breaker.succeeded();
        return response;
      } catch (err) {
        // One verdict per call, after its retries: the threshold counts callers let down, not
        // attempts, so it means the same whatever `retries` is.
        // A 4xx is the caller's fault and proves the upstream answers; a body that is not JSON
        // (a proxy's error page) does not.
        if (signal?.aborted) breaker.abandoned();
        else if (err instanceof UpstreamHttpError) breaker.succeeded();
        else breaker.failed();
        throw err;
      }
    },
    breakerState: () => breaker.state,
  };
}

function parseLoosely(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Why fetch failed, without the URL: undici puts the socket error in `cause`. */
function networkReason(err: unknown): string {
  const cause = (err as { cause?: { message?: string; code?: string } }).cause;
  return cause?.message || cause?.code || (err as Error).message || String(err);
}

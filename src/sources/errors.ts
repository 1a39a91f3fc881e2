/**
 * A call to an upstream went wrong. `endpoint` is the path and query without secrets, so an
 * error can be logged as it is; `reason` is the message without the source and endpoint.
 */
export class UpstreamError extends Error {
  override name = 'UpstreamError';
  constructor(
    readonly source: string,
    readonly endpoint: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`${source} ${endpoint}: ${reason}`, options);
  }
}

/** The upstream did not answer — headers and body — within the per-call timeout. */
export class UpstreamTimeoutError extends UpstreamError {
  override name = 'UpstreamTimeoutError';
  constructor(source: string, endpoint: string, readonly timeoutMs: number) {
    super(source, endpoint, `no answer within ${timeoutMs} ms`);
  }
}

/**
 * The upstream cannot serve now: no connection, or a 5xx or 429 (after the retries, when the
 * status is worth retrying). `status` is null when nothing answered; `retryAfterMs` is what
 * its Retry-After asked for, if it sent one.
 */
export class UpstreamUnavailableError extends UpstreamError {
  override name = 'UpstreamUnavailableError';
  constructor(
    source: string,
    endpoint: string,
    readonly status: number | null,
    reason: string,
    readonly retryAfterMs?: number,
    options?: ErrorOptions,
  ) {
    super(source, endpoint, reason, options);
  }
}

/** The source's circuit breaker is open: the call was refused without reaching the network. */
export class UpstreamCircuitOpenError extends UpstreamUnavailableError {
  override name = 'UpstreamCircuitOpenError';
  constructor(source: string, endpoint: string) {
    super(source, endpoint, null, 'circuit open after repeated failures: not called');
  }
}

/**
 * The upstream refused the request itself (a 4xx other than 429): the caller's fault, so it
 * is neither retried nor counted against the breaker. `body` is the parsed JSON, or the text
 * when it is not JSON.
 */
export class UpstreamHttpError extends UpstreamError {
  override name = 'UpstreamHttpError';
  constructor(
    source: string,
    endpoint: string,
    readonly status: number,
    readonly body: unknown,
  ) {
    super(source, endpoint, `answered ${status}`);
  }
}

/** A success status whose body is not JSON. `excerpt` is its first 200 characters. */
export class UpstreamFormatError extends UpstreamError {
  override name = 'UpstreamFormatError';
  constructor(
    source: string,
    endpoint: string,
    readonly status: number,
    readonly excerpt: string,
  ) {
    super(source, endpoint, `answered ${status} with a body that is not JSON`);
  }
}

/** What an AviationStack error code means for us: whether retrying, or reconfiguring, can help. */
export type FlightsApiErrorKind =
  /** The access key is missing, wrong or its account inactive: fix the configuration. */
  | 'auth'
  /** The monthly allowance or the rate limit is used up: wait (monthly) or slow down (rate). */
  | 'quota'
  /** The subscription plan does not include this endpoint or HTTPS. */
  | 'plan'
  /** The request itself was wrong (a parameter, an endpoint): a bug on our side or bad user input. */
  | 'input'
  /** Anything else, including the upstream's internal_error. */
  | 'other';

// The codes AviationStack documents (docs.apilayer.com/aviationstack, "API Error Codes").
const KIND_OF_CODE: Record<string, FlightsApiErrorKind> = {
  missing_access_key: 'auth',
  invalid_access_key: 'auth',
  inactive_user: 'auth',
  usage_limit_reached: 'quota',
  rate_limit_reached: 'quota',
  function_access_restricted: 'plan',
  https_access_restricted: 'plan',
  validation_error: 'input',
  invalid_api_function: 'input',
  '404_not_found': 'input',
};

export function flightsApiErrorKind(code: string): FlightsApiErrorKind {
  return KIND_OF_CODE[code] ?? 'other';
}

/** AviationStack answered with an `{"error": {...}}` body (it sometimes does so with HTTP 200). */
export class FlightsApiError extends Error {
  override name = 'FlightsApiError';
  /** AviationStack's code, e.g. "usage_limit_reached". */
  readonly code: string;
  readonly kind: FlightsApiErrorKind;

  constructor(code: string, message: string) {
    super(`AviationStack error ${code}: ${message}`);
    this.code = code;
    this.kind = flightsApiErrorKind(code);
  }
}

/** AviationStack answered with a body that is not the shape we know. */
export class FlightsFormatError extends Error {
  override name = 'FlightsFormatError';
}

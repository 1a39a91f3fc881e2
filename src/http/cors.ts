import type { IncomingHttpHeaders } from 'node:http';

export interface CorsOptions {
  /**
   * Which origins' pages may read answers: `'*'` for any (requests without cookies — bearer
   * tokens and API keys are headers, not cookies), or a list of exact origins such as
   * `https://app.example.com`. Default: `'*'`.
   */
  origins: '*' | readonly string[];
  /** How long a browser may reuse a preflight's answer, in seconds. Default: 86400. */
  maxAgeSeconds: number;
}

export const defaultCors: CorsOptions = { origins: '*', maxAgeSeconds: 86_400 };

// What a page may send and read beyond CORS' safelists: credentials, validators, cache control.
const ALLOWED_HEADERS = 'Authorization, X-Api-Key, Content-Type, Accept, If-None-Match, Cache-Control, X-Request-Id';
const EXPOSED_HEADERS = 'ETag, Age, Retry-After, X-Request-Id';
const ALLOWED_METHODS = 'GET, POST, OPTIONS';

/**
 * CORS from one configuration, for every answer the server writes — cache hits on the fast
 * path, Yoga's answers, 304s, errors and refusals alike — and for preflights.
 */
export function createCors({ origins, maxAgeSeconds }: CorsOptions) {
  const any = origins === '*';
  const allowed = new Set(any ? [] : origins);
  // Any origin: the same headers for every request (built once: they go on every cache hit),
  // so a shared cache may keep one copy.
  const forAnyOrigin = Object.freeze({ 'access-control-allow-origin': '*', 'access-control-expose-headers': EXPOSED_HEADERS });

  /** The headers an answer to a request with these headers carries. */
  function headersFor(requestHeaders: IncomingHttpHeaders): Readonly<Record<string, string>> {
    if (any) return forAnyOrigin;
    const origin = requestHeaders.origin;
    if (!origin || !allowed.has(origin)) return {};
    return { 'access-control-allow-origin': origin, 'access-control-expose-headers': EXPOSED_HEADERS };
  }

  return {
    /** Whether answers differ by Origin (a list of origins): caches must then Vary on it. */
    variesByOrigin: !any,
    headersFor,
    /** A CORS preflight is an OPTIONS request with Origin and Access-Control-Request-Method. */
    isPreflight(method: string | undefined, requestHeaders: IncomingHttpHeaders): boolean {
      return method === 'OPTIONS' && requestHeaders.origin !== undefined && requestHeaders['access-control-request-method'] !== undefined;
    },
    /** The answer to a preflight: 204, with what is allowed when the origin is. */
    preflight(requestHeaders: IncomingHttpHeaders): Record<string, string> {
      const base = headersFor(requestHeaders);
      if (!base['access-control-allow-origin']) return any ? {} : { vary: 'Origin' };
      return {
        ...base,
        'access-control-allow-methods': ALLOWED_METHODS,
        'access-control-allow-headers': ALLOWED_HEADERS,
        'access-control-max-age': String(maxAgeSeconds),
        ...(any ? {} : { vary: 'Origin' }),
      };
    },
  };
}

export type Cors = ReturnType<typeof createCors>;

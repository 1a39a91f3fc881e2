/**
 * Checks a source's base URL once, when its client is made: a misconfigured one should stop
 * the start, not fail every call. The URL itself is not repeated: it may carry credentials.
 */
export function checkBaseUrl(source: string, baseUrl: string): void {
  let parsed: URL;
  try {
    parsed = new URL(baseUrl);
  } catch {
    throw new TypeError(`${source}: baseUrl must be an absolute http(s) URL; received one that does not parse`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TypeError(`${source}: baseUrl must be an http(s) URL; received the scheme ${parsed.protocol}`);
  }
  if (parsed.search || parsed.hash) {
    throw new TypeError(`${source}: baseUrl must have no query or fragment; pass query parameters per call`);
  }
}

/**
 * `baseUrl` + `path`, the base's own path kept: `https://api.aviationstack.com/v1` and
 * `/flights` make `…/v1/flights`, where `new URL('/flights', base)` would drop `/v1`.
 */
export function upstreamUrl(baseUrl: string, path: string, query: Record<string, string>): string {
  return `${baseUrl.replace(/\/+$/, '')}${normalPath(path)}${queryString(query)}`;
}

/**
 * What the call log and errors show of a call: the path as the adapter gave it (the same
 * against the sandbox and the real service) and the query without its secret parameters.
 */
export function recordedEndpoint(path: string, query: Record<string, string>, secretParams: ReadonlySet<string>): string {
  return `${normalPath(path)}${queryString(query, secretParams)}`;
}

function normalPath(path: string): string {
  return `/${path.replace(/^\/+/, '')}`;
}

function queryString(query: Record<string, string>, omit?: ReadonlySet<string>): string {
  const pairs = Object.entries(query)
    .filter(([name]) => !omit?.has(name))
    .map(([name, value]) => `${encode(name)}=${encode(value)}`);
  return pairs.length ? `?${pairs.join('&')}` : '';
}

// A comma is legal in a query and servers read `,` and `%2C` alike; kept as is, lists such as
// ids=KJFK,EGLL stay readable in the call log.
function encode(text: string): string {
  return encodeURIComponent(text).replace(/%2C/gi, ',');
}

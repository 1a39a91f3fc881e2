import { randomUUID } from 'node:crypto';

// Ids as tracing systems and load balancers make them (UUIDs, hex, base64url, dotted), bounded
// so a client cannot fill the log with one.
const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The client's `X-Request-Id` when it is a safe, short token; otherwise a new UUID. */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && SAFE_ID.test(header) ? header : randomUUID();
}

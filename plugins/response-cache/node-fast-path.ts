import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HeaderSource, ResponseCacheCore } from './core.ts';
import type { VerifiedPrincipal } from './key.ts';

/**
 * Answers a request from its body, already read, or returns false to leave it to the gateway.
 * `context` is the server's per-request record, handed to the cache observer with the outcome.
 */
export type NodeFastPath = (req: IncomingMessage, res: ServerResponse, body: Buffer, context?: unknown) => Promise<boolean>;

// A class rather than a literal with a method: wrapping a request, on every hit, allocates one
// object and no closure.
class NodeHeaders implements HeaderSource {
  constructor(private readonly req: IncomingMessage) {}

  get(name: string): string | null {
    const value = this.req.headers[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
  }
}

/** A node request's headers, read as fetch Headers are (case-insensitive `get`, repeats joined). */
export function nodeHeaders(req: IncomingMessage): HeaderSource {
  return new NodeHeaders(req);
}

// The common request has no query string: skip parsing a URL for it.
const PLAIN_URL = new URL('http://localhost/graphql');

const JSON_ACCEPT = /^(\*\/\*|application\/json|application\/graphql-response\+json)?([;,].*)?$/;

/**
 * Cache hits answered on node:http before Yoga sees the request: a hit costs a JSON parse, a
 * map lookup and one write — the work a bare server does, plus the cache's. The edge
 * in front of it has checked the request and read its body within the limit; everything
 * but a hit (misses, errors, credentials to reject) is left to the gateway: the answer is false.
 */
export function createFastPath<P extends VerifiedPrincipal>(
  core: ResponseCacheCore,
  // Given the request too: the server may have verified it already (rate limits) and remember it.
  authenticate: (headers: HeaderSource, req: IncomingMessage) => Promise<P>,
  // Principals whose requests must go through the gateway's checks even when their answer is
  // cached (callers held to trusted documents: their text is refused, hit or not). Default: none.
  leaveToGateway: (principal: P) => boolean = () => false,
): NodeFastPath {
  const observe = core.observe;
  return async (req, res, body, context) => {
    if (req.method !== 'POST' || !req.url!.startsWith('/graphql')) return false;
    if (!req.headers['content-type']?.includes('application/json') || !JSON_ACCEPT.test(req.headers.accept ?? '')) return false;
    const url = req.url === '/graphql' ? PLAIN_URL : new URL(req.url!, PLAIN_URL);
    if (url.pathname !== '/graphql') return false;

    const headers = nodeHeaders(req);
    const principal = await authenticate(headers, req).catch(() => null);
    if (!principal || leaveToGateway(principal)) return false;
    const decided = core.decideBody(body.toString('utf8'), principal, url, headers);
    if (!decided || decided.decision.kind !== 'cacheable') return false;
    const hit = await core.peek(decided.decision, { url, headers, params: decided.params });
    if (!hit) return false;
    // Only hits are told here: whatever else happens to the request, the plugin tells.
    if (observe !== undefined) {
      const { decision, params } = decided;
      observe(
        {
          outcome: hit.meta.stale ? 'stale' : 'hit',
          tier: hit.meta.tier,
          scope: decision.policy.scope,
          viewer: principal.kind,
          operationName: params.operationName ?? null,
          key: decision.key,
          ttlSeconds: decision.ttlSeconds,
          // UTF-16 units: the bytes for the ASCII JSON answers mostly are, without encoding them per hit.
          bytes: hit.stored.body.length,
          path: 'fast',
        },
        context,
      );
    }

    const { status, headers: answerHeaders, chunks } = core.answer(hit.stored, hit.meta, headers.get('if-none-match'));
    res.writeHead(status, answerHeaders);
    for (let i = 0; i < chunks.length - 1; i++) res.write(chunks[i]);
    res.end(chunks.at(-1));
    return true;
  };
}

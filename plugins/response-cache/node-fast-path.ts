import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HeaderSource, ResponseCacheCore } from './core.ts';
import type { VerifiedPrincipal } from './key.ts';

/** Answers a request from its body, already read, or returns false to leave it to the gateway. */
export type NodeFastPath = (req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<boolean>;

function nodeHeaders(req: IncomingMessage): HeaderSource {
  return {
    get(name) {
      const value = req.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
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
export function createFastPath<P extends VerifiedPrincipal>(core: ResponseCacheCore, authenticate: (headers: HeaderSource) => Promise<P>): NodeFastPath {
  return async (req, res, body) => {
    if (req.method !== 'POST' || !req.url!.startsWith('/graphql')) return false;
    if (!req.headers['content-type']?.includes('application/json') || !JSON_ACCEPT.test(req.headers.accept ?? '')) return false;
    const url = req.url === '/graphql' ? PLAIN_URL : new URL(req.url!, PLAIN_URL);
    if (url.pathname !== '/graphql') return false;

    const headers = nodeHeaders(req);
    const principal = await authenticate(headers).catch(() => null);
    if (!principal) return false;
    const decided = core.decideBody(body.toString('utf8'), principal, url, headers);
    if (!decided || decided.decision.kind !== 'cacheable') return false;
    const hit = await core.peek(decided.decision, { url, headers, params: decided.params });
    if (!hit) return false;

    const { status, headers: answerHeaders, chunks } = core.answer(hit.stored, hit.meta, headers.get('if-none-match'));
    res.writeHead(status, answerHeaders);
    for (let i = 0; i < chunks.length - 1; i++) res.write(chunks[i]);
    res.end(chunks.at(-1));
    return true;
  };
}

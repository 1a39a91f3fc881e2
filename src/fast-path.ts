import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ResponseCacheCore } from '../plugins/response-cache-core.ts';
import type { Authenticate, HeaderSource } from './auth/authenticator.ts';

type Fetch = (url: string, init: RequestInit) => Promise<Response> | Response;

function nodeHeaders(req: IncomingMessage): HeaderSource {
  return {
    get(name) {
      const value = req.headers[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
    },
  };
}

/** Larger bodies are refused (413) rather than buffered: no GraphQL request needs a megabyte. */
export const MAX_BODY_BYTES = 1024 * 1024;

function readBody(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        resolve(null);
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

// Meaningful between this server and its client only, not to the gateway behind it.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect']);

// The common request has no query string: skip parsing a URL for it.
const PLAIN_URL = new URL('http://localhost/graphql');

const JSON_ACCEPT = /^(\*\/\*|application\/json|application\/graphql-response\+json)?([;,].*)?$/;

/**
 * Cache hits answered on node:http before Yoga sees the request: a hit costs a body read, a
 * JSON parse, a map lookup and one write — the work a bare server does, plus the cache's.
 * Everything else (misses, errors, credentials to reject) goes to the gateway unchanged.
 * Returns false when the request was left untouched for the gateway's own handler.
 */
export function createFastPath(core: ResponseCacheCore, authenticate: Authenticate, gatewayFetch: Fetch) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    if (req.method !== 'POST' || !req.url?.startsWith('/graphql')) return false;
    if (!req.headers['content-type']?.includes('application/json') || !JSON_ACCEPT.test(req.headers.accept ?? '')) return false;
    const url = req.url === '/graphql' ? PLAIN_URL : new URL(req.url, 'http://localhost');
    if (url.pathname !== '/graphql') return false;

    const body = await readBody(req);
    if (!body) {
      res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
      res.end(JSON.stringify({ errors: [{ message: `Request body over ${MAX_BODY_BYTES} bytes.`, extensions: { code: 'PAYLOAD_TOO_LARGE' } }] }));
      return true;
    }
    const headers = nodeHeaders(req);
    const hit = await (async () => {
      const principal = await authenticate(headers).catch(() => null);
      if (!principal) return null;
      const decided = core.decideBody(body.toString('utf8'), principal, url, headers);
      if (!decided || decided.decision.kind !== 'cacheable') return null;
      return core.peek(decided.decision, { url, headers, params: decided.params });
    })();

    if (hit) {
      const { status, headers: answerHeaders, chunks } = core.answer(hit.stored, hit.meta, headers.get('if-none-match'));
      res.writeHead(status, answerHeaders);
      for (let i = 0; i < chunks.length - 1; i++) res.write(chunks[i]);
      res.end(chunks.at(-1));
      return true;
    }
    const forwardUrl = url === PLAIN_URL ? `http://${req.headers.host ?? 'localhost'}/graphql` : url.toString();
    // Not a hit: the gateway answers, from the body already read.
    const response = await gatewayFetch(forwardUrl, {
      method: 'POST',
      headers: Object.entries(req.headers).flatMap(([name, value]) =>
        value === undefined || HOP_BY_HOP.has(name) ? [] : [[name, String(value)]],
      ) as [string, string][],
      body: body as unknown as BodyInit,
    });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
    return true;
  };
}
